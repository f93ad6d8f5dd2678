"""What a person reads: every table-producing command fits an 80-column terminal in kk, ru and en.

Each command is run on the demo store with COLUMNS=80. The cells a command hands to the renderer are recorded,
and the printed text must hold every header and every word of every cell (nothing cropped, no column lost), no
line wider than 80, numbers and dates written the way the language writes them, and no raw column name.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from natije.cli import app, render
from natije.locale import LANGUAGES, catalog, t
from natije.services import evaluation as evaluation_service
from natije.services import ingestion
from natije.services.demo import load_demo
from natije.store import Store
from natije.store.evaluations import StoredEvaluation

WIDTH = 80
COMMANDS = [
    ["programs"],
    ["show", "DK2018"],
    ["results", "DK2018"],
    ["results", "TB2021", "--basis", "first"],
    ["results", "AI2023", "--territory", "all"],
    ["flags", "DK2018"],
    ["lineage", "AI2023"],
    ["scorecard"],
]
ENGLISH_THOUSANDS = re.compile(r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")  # 0,012 is a decimal
ENGLISH_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\d.]*\w)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("output") / "natije.db")
    store = Store.open(path)
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[list[str], list[list[str]], str]]]:
    """Every table the commands print: (headers, rows, title) as handed to the renderer."""
    calls: list[tuple[list[str], list[list[str]], str]] = []
    original = render.print_table

    def spy(console: Console, headers: Any, rows: Any, title: str = "", *args: Any, **kwargs: Any) -> None:
        calls.append(
            ([str(h) for h in headers], [["" if v is None else str(v) for v in r] for r in rows], title)
        )
        original(console, headers, rows, title, *args, **kwargs)

    monkeypatch.setattr(render, "print_table", spy)
    yield calls


def _words(text: str) -> list[str]:
    """Words of a text; a stacked row prints ``Header:``, so a closing colon does not count."""
    return [w.removesuffix(":") for w in text.split()]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_tables_fit_80_columns_and_lose_nothing(
    demo_db: str, recorded: list, lang: str, args: list[str]
) -> None:
    res = CliRunner().invoke(app, ["--db", demo_db, "--lang", lang, *args], env={"COLUMNS": str(WIDTH)})
    assert res.exit_code == 0, res.output
    _assert_fits_and_loses_nothing(res.output, recorded, lang, args)
    _assert_no_message_key(res.output)  # a key has no space, so wrapping never splits one


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("args", [["territories"], ["evaluation", "list"]], ids=" ".join)
def test_no_message_key_is_printed_in_place_of_its_text(demo_db: str, lang: str, args: list[str]) -> None:
    res = CliRunner().invoke(app, ["--db", demo_db, "--lang", lang, *args], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    _assert_no_message_key(res.output)


def _assert_no_message_key(out: str) -> None:
    keys = {k.split(".")[0] for k in catalog("en")}
    raw = re.findall(r"\b(?:" + "|".join(sorted(keys)) + r")\.[a-z_]+(?:\.[a-z_]+)*\b", out)
    assert not raw, raw


def _assert_fits_and_loses_nothing(out: str, recorded: list, lang: str, args: list[str]) -> None:
    assert recorded, "the command printed no table"
    too_wide = [line for line in out.splitlines() if len(line) > WIDTH]
    assert not too_wide, too_wide[:3]
    printed = set(_words(out))
    for headers, rows, title in recorded:
        for head in headers:
            assert "_" not in head and not head.startswith("word."), f"raw column name {head!r}"
            assert set(_words(render.cap(head))) <= printed, f"header {head!r} is missing or not capitalised"
        for row in rows:
            for cell in row:
                missing = [w for w in _words(cell) if w not in printed]
                assert not missing, f"{missing} of {cell!r} cropped in {args} ({lang})"
        if lang != "en" and title != t("word.budget", lang):  # the budget listing writes its own amounts
            data = [
                i for i, h in enumerate(headers) if h != t("word.document", lang)
            ]  # documents are cited as given
            cells = " ".join(row[i] for row in rows for i in data)
            assert not ENGLISH_THOUSANDS.search(cells), ENGLISH_THOUSANDS.findall(cells)
            assert not ENGLISH_DECIMAL.search(cells), ENGLISH_DECIMAL.findall(cells)
            assert not ISO_DATE.search(cells), ISO_DATE.findall(cells)
    assert "::" not in out.replace("://", "")


STORED = [
    StoredEvaluation(
        7,
        "AI2023",
        "AI2023.RURAL_INTERNET_USERS",
        "cs",
        {},
        "71a0f8c28a64" * 5,
        {"estimate": 12345.678},
        datetime(2026, 12, 7, 13, 6),
        "0.1",
        None,
        "fibre before 2019, regions covered by the program",
    ),
    StoredEvaluation(
        8,
        "DK2018",
        "DK2018.INTERNET_USERS",
        "sdid",
        {},
        "0" * 64,
        {"estimate": 0.0123},
        datetime(2026, 11, 30, 9, 0),
        "0.1",
    ),
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_evaluation_list_fits_80_columns_with_numbers_and_dates_of_the_language(
    demo_db: str, recorded: list, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluation_service, "history", lambda store, program=None: STORED)
    res = CliRunner().invoke(
        app, ["--db", demo_db, "--lang", lang, "evaluation", "list"], env={"COLUMNS": "80"}
    )
    assert res.exit_code == 0, res.output
    _assert_fits_and_loses_nothing(res.output, recorded, lang, ["evaluation", "list"])
    expected = {
        "kk": ("12\xa0346", "07.12.2026"),
        "ru": ("12\xa0346", "07.12.2026"),
        "en": ("12,346", "2026-12-07"),
    }
    assert all(text in res.output for text in expected[lang]), res.output


def _report(*rows: int) -> ingestion.ImportReport:
    return ingestion.ImportReport(
        tuple(
            ingestion.PackageReport(
                f"package-{n}",
                f"P{n}",
                "",
                r,
                {"commitments_new": 1200},
                {"inserted": r - 1, "revised": 1, "unchanged": 0},
            )
            for n, r in enumerate(rows)
        )
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_import_table_and_summary_fit_80_columns_with_numbers_of_the_language(
    demo_db: str, recorded: list, lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        ingestion, "import_paths", lambda store, paths, progress=None: _report(5606, 1_250_000)
    )
    res = CliRunner().invoke(
        app, ["--db", demo_db, "--lang", lang, "import", str(tmp_path)], env={"COLUMNS": "80"}
    )
    assert res.exit_code == 0, res.output
    _assert_fits_and_loses_nothing(res.output, recorded, lang, ["import"])
    summary = " ".join(res.output.split(" ")[-30:]).replace("\n", " ")  # rich wraps; a no-break space stays
    total = "1,255,606" if lang == "en" else "1\xa0255\xa0606"
    assert total in summary and ("2,400" if lang == "en" else "2\xa0400") in summary, summary


@pytest.mark.parametrize("lang", LANGUAGES)
def test_results_say_as_of_and_basis(demo_db: str, lang: str) -> None:
    for basis in ("current", "first"):
        res = CliRunner().invoke(
            app,
            ["--db", demo_db, "--lang", lang, "results", "DK2018", "--as-of", "2020-06-30", "--basis", basis],
            env={"COLUMNS": "200"},
        )
        assert res.exit_code == 0, res.output
        day = "2020-06-30" if lang == "en" else "30.06.2020"
        assert day in res.output
        assert t(f"basis.{basis}", lang) in res.output


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_show_prints_levels_units_owner_and_territories_in_the_language(demo_db: str, lang: str) -> None:
    res = CliRunner().invoke(app, ["--db", demo_db, "--lang", lang, "show", "DK2018"], env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    for english in (" outcome ", " output ", " impact ", "per 100", " rank ", " index ", "(MIC)"):
        if english == "(MIC)":
            assert (
                "(MIC)" in res.output and "Ministry" not in res.output
            )  # the ministry's name, then its code
        else:
            assert english not in res.output, english
    assert t("level.outcome", lang) in res.output and t("unit.per_100", lang) in res.output


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lineage_headers_and_names_are_in_the_language(demo_db: str, recorded: list, lang: str) -> None:
    res = CliRunner().invoke(
        app, ["--db", demo_db, "--lang", lang, "lineage", "DK2018"], env={"COLUMNS": "400"}
    )
    assert res.exit_code == 0, res.output
    ((headers, rows, _),) = recorded
    assert not {"name_en", "target_period", "dropped_from", "dropped_indicator"} & set(headers)
    names = [r[headers.index(t("word.name", lang))] for r in rows]
    if lang != "en":
        assert not any("Internet users" in n or "Digital literacy" in n for n in names)


@settings(max_examples=150, deadline=None)
@example(
    headers=["0", "0", "0", "0", "0", "00000000々々々々々"],
    width=40,  # wide letters: a value goes under its header
    cells=[[""] * 9, [""] * 9, ["", "", "", "", "", "111111111111111111111", "", "", ""]],
)
@given(
    headers=st.lists(
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=14), min_size=1, max_size=9
    ),
    cells=st.lists(
        st.lists(st.text(st.sampled_from("ab cdеж ққ 12,5 %"), max_size=40), min_size=9, max_size=9),
        max_size=4,
    ),
    width=st.integers(40, 160),
)
def test_any_table_fits_any_width_without_cutting_a_word(
    headers: list[str], cells: list[list[str]], width: int
) -> None:
    rows = [row[: len(headers)] for row in cells]
    console = Console(width=width, record=True, file=io.StringIO())
    render.print_table(console, headers, rows, "title")
    out = console.export_text()
    assert all(len(line) <= width for line in out.splitlines())
    printed = set(_words(out))
    room = width - max(len(h) for h in headers) - 3  # a word longer than a stacked value's room must fold
    for cell in [render.cap(h) for h in headers] + [c for r in rows for c in r]:
        assert all(w in printed for w in _words(cell) if len(w) <= room), (cell, out)
