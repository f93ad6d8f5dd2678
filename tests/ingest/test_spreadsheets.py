"""What spreadsheets do to data: formulas, KATO codes turned into numbers, "CSV" saved in Windows-1251."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.ingest.known import Known
from natije.ingest.plan import prepare
from natije.ingest.problems import ProblemLog
from natije.ingest.validate import check_batch
from natije.store import Store

from .conftest import GOOD, refused_after_good
from .test_readers import _package, _read

HEADER = ["indicator", "territory", "period", "value"]


def test_xlsx_formula_is_refused_as_a_formula_not_as_empty(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["TEST2020.INTERNET", "000000000", 2018, 77])
    ws.append(["TEST2020.INTERNET", "000000000", 2020, "=B2*0+80"])  # saved without a computed value
    wb.save(folder / "observations_more.xlsx")
    problems = refused_after_good(store, folder)
    assert [(p.code, p.file, p.row, p.column, p.value) for p in problems] == [
        ("formula", "pkg/observations_more.xlsx", 3, "value", "=B2*0+80")
    ]
    assert "not a formula" in problems[0].expected


def test_xlsx_of_formulas_only_is_not_called_empty(tmp_path: Path) -> None:
    folder = _package(tmp_path, "program.yaml", b"format: natije-program/1\n")
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(["=A1", "000000000", 2020, 1])
    wb.save(folder / "observations.xlsx")
    _, log = _read(folder, "observations.xlsx")
    assert [(p.code, p.row, p.column) for p in log.items] == [("formula", 2, "indicator")]


@pytest.fixture(scope="module")
def known() -> Known:
    plan = prepare([GOOD], None)
    plan.close()
    return plan.known


def _territory_problems(known: Known, codes: list[str]) -> ProblemLog:
    n = len(codes)
    batch = pl.DataFrame(
        {
            "indicator": ["TEST2020.INTERNET"] * n,
            "territory": codes,
            "period": ["2019"] * n,
            "value": ["1"] * n,
            "unit": [None] * n,
            "source": [None] * n,
            "note": [None] * n,
            "status": [None] * n,
            "as_of": [None] * n,
            "row": list(range(2, n + 2)),
        },
        schema_overrides={c: pl.String for c in ("unit", "source", "note", "status", "as_of")},
    )
    log = ProblemLog()
    check_batch(batch, known, "o.csv", log)
    return log


@pytest.mark.parametrize(
    "text,guess",
    [
        ("75000000", "075000000"),
        ("7.5e7", "075000000"),
        ("7,5E+07", "075000000"),
        ("75000000.0", "075000000"),
        ("1.0E+8", "100000000"),
        ("10000000", "010000000"),
        ("1.234567891E+12", None),
    ],
)
def test_kato_code_turned_into_a_number_is_explained(known: Known, text: str, guess: str | None) -> None:
    log = _territory_problems(known, [text])
    assert [(p.code, p.row, p.column, p.value) for p in log.items] == [
        ("kato_as_number", 2, "territory", text)
    ]
    assert "leading zeros" in log.items[0].expected
    assert (guess in log.items[0].expected) if guess else ("probably" not in log.items[0].expected)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=0, max_value=99_999_999), form=st.sampled_from(["int", "float", "sci"]))
def test_any_code_with_a_leading_zero_read_as_a_number_is_recognised(known: Known, n: int, form: str) -> None:
    text = {"int": str(n), "float": f"{float(n)!r}", "sci": f"{n:.8E}"}[form]
    log = _territory_problems(known, [text])
    assert [p.code for p in log.items] == ["kato_as_number"]
    assert f"{n:09d}" in log.items[0].expected


def test_unknown_nine_digit_code_is_still_an_unknown_territory(known: Known) -> None:
    log = _territory_problems(known, ["999999999", "75ABC"])
    assert [p.code for p in log.items] == ["unknown_territory", "unknown_territory"]


def test_csv_in_windows_1251_is_reported_by_row_with_the_remedy(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    text = (
        "indicator,territory,period,value,note\n"
        "TEST2020.INTERNET,000000000,2018,77,оценка\n"
        "TEST2020.INTERNET,000000000,2020,79,\n"
        "TEST2020.INTERNET,000000000,2021,80,бағалау Қазақстан\n"
    )
    (folder / "observations_1251.csv").write_bytes(text.encode("cp1251", errors="replace"))
    problems = refused_after_good(store, folder)
    assert [(p.code, p.row, p.column) for p in problems] == [("encoding", 2, None), ("encoding", 4, None)]
    assert problems[0].value == "TEST2020.INTERNET,000000000,2018,77,оценка"
    assert all("Windows-1251" in p.expected and "CSV UTF-8" in p.expected for p in problems)


def test_windows_1251_header_is_named_too(tmp_path: Path) -> None:
    content = "индикатор,territory,period,value\nA,1,2020,1\n".encode("cp1251")
    _, log = _read(_package(tmp_path, "observations.csv", content), "observations.csv")
    assert [(p.code, p.row) for p in log.items] == [("encoding", 1)]
    assert "Windows-1251" in log.items[0].expected


def test_other_non_utf8_text_is_not_called_windows_1251(tmp_path: Path) -> None:
    content = "indicator,territory,period,value,note\nA,1,2020,1,café\n".encode("latin-1")
    _, log = _read(_package(tmp_path, "observations.csv", content), "observations.csv")
    assert [(p.code, p.row) for p in log.items] == [("encoding", 2)]
    assert "Windows-1251" not in log.items[0].expected


def test_territories_csv_with_codes_turned_into_numbers_names_the_likely_code(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    text = (folder / "territories.csv").read_text(encoding="utf-8")
    (folder / "territories.csv").write_text(text.replace("\n750000000,", "\n7.5E+08,"), encoding="utf-8")
    problems = refused_after_good(store, folder)
    found = [(p.file, p.row, p.column, p.value, p.code) for p in problems if p.code == "kato_as_number"]
    assert found == [("pkg/territories.csv", 5, "code", "7.5E+08", "kato_as_number")]
    assert "probably 750000000" in next(p for p in problems if p.code == "kato_as_number").expected


@pytest.mark.parametrize("written", ["075000000", "75000000", "7.5e7"])
def test_unquoted_kato_code_in_program_yaml_is_explained(written: str) -> None:
    from natije.ingest.program_yaml import parse_program_yaml

    text = (
        (GOOD / "program.yaml")
        .read_text(encoding="utf-8")
        .replace('territory: "000000000"', f"territory: {written}")
    )
    log = ProblemLog()
    parse_program_yaml(text.encode(), "p/program.yaml", log)
    assert [(p.column, p.code) for p in log.items] == [("commitments[2].territory", "schema")]
    assert "in quotes" in log.items[0].expected and "leading zeros" in log.items[0].expected


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=0, max_value=999_999_999), form=st.sampled_from(["int", "float", "sci"]))
def test_the_likely_code_is_the_number_with_its_zeros_back(n: int, form: str) -> None:
    from natije.ingest import kato

    text = {"int": str(n), "float": f"{float(n)!r}", "sci": f"{n:.8E}"}[form]
    if form == "int" and n >= 100_000_000:
        assert not kato.looks_like_number(text)  # nine digits: a code as it should be
        return
    assert kato.looks_like_number(text) and kato.guess(text) == f"{n:09d}"
