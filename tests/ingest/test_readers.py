"""Readers by extension: streamed batches of text columns with the row numbers a spreadsheet shows."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.ingest.package import open_package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import OBSERVATIONS, read_table, supported_extensions

HEADER = "format: natije-program/1\n"


def _package(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "pkg"
    folder.mkdir(exist_ok=True)
    (folder / "program.yaml").write_text(HEADER)
    (folder / name).write_bytes(content)
    return folder


def _read(folder: Path, member: str, batch_rows: int = 100_000) -> tuple[pl.DataFrame, ProblemLog]:
    log = ProblemLog()
    frames = list(read_table(open_package(folder), member, OBSERVATIONS, log, batch_rows))
    return (pl.concat(frames) if frames else pl.DataFrame()), log


def test_registry_knows_csv_xlsx_parquet() -> None:
    assert supported_extensions() == (".csv", ".parquet", ".xlsx")


def test_csv_rows_keep_spreadsheet_numbers_across_blank_and_malformed_lines(tmp_path: Path) -> None:
    text = (
        "\ufeffIndicator, territory ,period,value\nA,1,2020,1.5\n\nB,2,2021, x \nC,3\nD,4,2022,5,6\n"
        "E,5,2023,7\n"
    )
    frame, log = _read(_package(tmp_path, "observations.csv", text.encode()), "observations.csv")
    assert frame.select("indicator", "value", "row").rows() == [("A", "1.5", 2), ("B", "x", 4), ("E", "7", 7)]
    assert [(p.row, p.code) for p in log.items] == [(5, "malformed_row"), (6, "malformed_row")]


def test_csv_batches_are_bounded_and_numbered_consecutively(tmp_path: Path) -> None:
    rows = "".join(f"I,1,2020,{i}\n" for i in range(5000))
    folder = _package(tmp_path, "observations.csv", ("indicator,territory,period,value\n" + rows).encode())
    log = ProblemLog()
    batches = list(read_table(open_package(folder), "observations.csv", OBSERVATIONS, log, batch_rows=1000))
    assert len(batches) > 1
    assert pl.concat(batches)["row"].to_list() == list(range(2, 5002))


@pytest.mark.parametrize(
    "content,code,row",
    [
        (b"", "empty", None),
        (b"indicator,territory,period,value\n", "empty", None),
        ("indicator,territory,period,value\nA,1,2020,1\nB,1,2020,\xe9\n".encode("latin-1"), "encoding", 3),
        ("индикатор,territory,period,value\n".encode("cp1251"), "encoding", 1),
        (b"indicator,territory,period\nA,1,2020\n", "missing_column", 1),
        (b"indicator,territory,period,value,colour\nA,1,2020,1,red\n", "unknown_column", 1),
        (b"indicator,territory,period,value,value\nA,1,2020,1,1\n", "duplicate_column", 1),
    ],
)
def test_csv_file_level_problems(tmp_path: Path, content: bytes, code: str, row: int | None) -> None:
    _, log = _read(_package(tmp_path, "observations.csv", content), "observations.csv")
    assert [(p.code, p.row) for p in log.items] == [(code, row)]


def test_xlsx_first_sheet_with_excel_cell_types(tmp_path: Path) -> None:
    folder = _package(tmp_path, "program.yaml", HEADER.encode())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "territory", "period", "value", "as_of"])
    ws.append(["A", "000000000", 2020, 1.5, dt.datetime(2021, 3, 1)])
    ws.append([None, None, None, None, None])
    ws.append(["B", "000000000", dt.datetime(2020, 3, 1), 83, dt.datetime(2021, 3, 1, 12, 30)])
    wb.save(folder / "observations.xlsx")
    frame, log = _read(folder, "observations.xlsx")
    assert not log
    assert frame.select("period", "value", "as_of", "row").rows() == [
        ("2020", "1.5", "2021-03-01", 2),
        ("2020-03", "83", "2021-03-01T12:30:00", 4),
    ]


def test_parquet_keeps_numbers_numeric_and_counts_rows(tmp_path: Path) -> None:
    folder = _package(tmp_path, "program.yaml", HEADER.encode())
    pl.DataFrame(
        {
            "indicator": ["A", "B", "C"],
            "territory": ["1", "2", "3"],
            "period": [2020, 2021, 2022],
            "value": [1.0, 2.5, None],
        }
    ).write_parquet(folder / "observations.parquet", row_group_size=2)
    frame, log = _read(folder, "observations.parquet", batch_rows=2)
    assert not log
    assert frame.schema["value"] == pl.Float64
    assert frame.select("period", "value", "row").rows() == [
        ("2020", 1.0, 2),
        ("2021", 2.5, 3),
        ("2022", None, 4),
    ]


def test_zip_members_stream_without_extraction(tmp_path: Path) -> None:
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p/program.yaml", HEADER)
        zf.writestr("p/observations.csv", "indicator,territory,period,value\nA,1,2020,1\n")
        zf.writestr("p/notes.txt", "ignored")
    pkg = open_package(archive)
    assert pkg.members == ("observations.csv", "program.yaml")
    log = ProblemLog()
    frame = pl.concat(list(read_table(pkg, "observations.csv", OBSERVATIONS, log)))
    assert frame["indicator"].to_list() == ["A"] and pkg.label("observations.csv") == "p.zip/observations.csv"


cells = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8).map(str.strip)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=30))
def test_csv_reader_round_trips_any_text(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("p")
    (folder / "program.yaml").write_text(HEADER)
    frame = pl.DataFrame(rows, schema=["indicator", "territory", "period", "value"], orient="row")
    frame.write_csv(folder / "observations.csv")
    log = ProblemLog()
    got = [b for b in read_table(open_package(folder), "observations.csv", OBSERVATIONS, log)]
    kept = [(i + 2, r) for i, r in enumerate(rows) if any(r)]
    if not kept:
        assert [p.code for p in log.items] == ["empty"]
        return
    out = pl.concat(got)
    assert out["row"].to_list() == [k for k, _ in kept]
    assert out.select("indicator", "territory", "period", "value").rows() == [
        tuple(v or None for v in r) for _, r in kept
    ]


def test_semicolon_csv_from_a_russian_locale_spreadsheet_reads_decimal_commas(tmp_path: Path) -> None:
    text = "indicator;territory;period;value;note\nA;1;2020;12,5;a, b\nB;2;2021;7;\n"
    frame, log = _read(_package(tmp_path, "observations.csv", text.encode()), "observations.csv")
    assert not log
    assert frame.select("indicator", "value", "note").rows() == [("A", "12.5", "a, b"), ("B", "7", None)]
