"""Values a unit cannot hold (a share above 100 %, a negative count) and values known in the
future are refused."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.cli.problems import problem_line
from natije.ingest.known import Known
from natije.ingest.plan import prepare
from natije.ingest.problems import ProblemLog
from natije.ingest.validate import check_batch, latest_known
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import GOOD, refused_after_good

HEADER = "indicator,territory,period,value,unit,source,note,as_of\n"


def _package(tmp_path: Path, rows: str, yaml_edit: tuple[str, str] | None = None) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    (folder / "observations_more.csv").write_text(HEADER + rows, encoding="utf-8")
    if yaml_edit:
        text = (folder / "program.yaml").read_text(encoding="utf-8")
        assert yaml_edit[0] in text
        (folder / "program.yaml").write_text(text.replace(yaml_edit[0], yaml_edit[1], 1), encoding="utf-8")
    return folder


def test_share_above_100_and_negative_count_are_refused_naming_file_row_column_value(
    store: Store, tmp_path: Path
) -> None:
    rows = (
        "TEST2020.INTERNET,000000000,2018,104.5,,,,\n"
        "TEST2020.VILLAGES,000000000,2019-Q3,-3,,,,\n"
        "TEST2020.INTERNET,750000000,2018,0.25,,,,\n"
    )  # inside the range: accepted
    problems = refused_after_good(store, _package(tmp_path, rows))
    assert [(p.file, p.row, p.column, p.value, p.code) for p in problems] == [
        ("pkg/observations_more.csv", 2, "value", "104.5", "out_of_range"),
        ("pkg/observations_more.csv", 3, "value", "-3", "out_of_range"),
    ]
    assert "from 0 to 100 % (indicator TEST2020.INTERNET)" in problems[0].expected
    assert "at least 0 count (indicator TEST2020.VILLAGES)" in problems[1].expected
    assert "range: [min, max]" in problems[0].expected


def test_range_is_checked_in_the_indicators_unit_after_conversion(store: Store, tmp_path: Path) -> None:
    rows = "TEST2020.VILLAGES,000000000,2019-Q3,-0.5,thousand,,,\n"  # -500 villages
    problems = refused_after_good(store, _package(tmp_path, rows))
    assert [(p.row, p.value, p.code) for p in problems] == [(2, "-0.5", "out_of_range")]


def test_a_declared_range_widens_what_the_unit_allows(store: Store, tmp_path: Path) -> None:
    edit = (
        "    span: {from: 2010, to: 2022}\n    agency: MDDIAI",
        "    span: {from: 2010, to: 2022}\n    range: [-50, 200]\n    agency: MDDIAI",
    )
    rows = "TEST2020.INTERNET,000000000,2018,150,,,,\nTEST2020.INTERNET,000000000,2019,250,,,,\n"
    problems = refused_after_good(store, _package(tmp_path, rows, edit))
    assert [(p.row, p.value, p.code) for p in problems] == [(3, "250", "out_of_range")]
    assert "from -50 to 200 %" in problems[0].expected


def test_a_range_with_an_open_side_and_one_in_order(store: Store, tmp_path: Path) -> None:
    edit = (
        "    span: {from: 2010, to: 2022}\n    agency: MDDIAI",
        "    span: {from: 2010, to: 2022}\n    range: [null, 120]\n    agency: MDDIAI",
    )
    folder = _package(tmp_path, "TEST2020.INTERNET,000000000,2018,-1000,,,,\n", edit)
    import_paths(store, [folder])  # the open low side lets any negative value in
    edit = (
        "    span: {from: 2010, to: 2022}\n    agency: MDDIAI",
        "    span: {from: 2010, to: 2022}\n    range: [100, 0]\n    agency: MDDIAI",
    )
    shutil.rmtree(folder)
    problems = refused_after_good(store, _package(tmp_path, "", edit))
    assert [(p.file, p.column, p.code) for p in problems if p.code != "empty"] == [
        ("pkg/program.yaml", "indicators[0].range", "range")
    ]


def test_range_of_the_wrong_shape_is_a_schema_problem_in_every_language() -> None:
    from natije.ingest.program_yaml import parse_program_yaml

    text = (
        (GOOD / "program.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    span: {from: 2010, to: 2022}\n", "    span: {from: 2010, to: 2022}\n    range: [0]\n", 1
        )
    )
    log = ProblemLog()
    parse_program_yaml(text.encode(), "p/program.yaml", log)
    assert [(p.column, p.code) for p in log.items] == [("indicators[0].range", "schema")]
    assert "`null` leaves that side open" in log.items[0].expected
    assert "`null` оставляет" in problem_line(log.items[0], "ru")


def test_value_known_in_the_future_is_refused_and_today_is_not(store: Store, tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    rows = (
        f"TEST2020.INTERNET,000000000,2018,77,,,,{today}\nTEST2020.INTERNET,000000000,2020,79,,,,2999-01-01\n"
    )
    problems = refused_after_good(store, _package(tmp_path, rows))
    assert [(p.file, p.row, p.column, p.value, p.code) for p in problems] == [
        ("pkg/observations_more.csv", 3, "as_of", "2999-01-01", "future")
    ]
    assert "not after" in problems[0].expected


def test_revision_recorded_in_the_future_isrefused_after_good(store: Store, tmp_path: Path) -> None:
    folder = _package(tmp_path, "")
    (folder / "observations_more.csv").unlink()
    (folder / "revisions.csv").write_text(
        "indicator,territory,period,value,reason,author,recorded_at,source\n"
        "TEST2020.INTERNET,000000000,2017,77.0,first,bns,2018-03-01,stat\n"
        "TEST2020.INTERNET,000000000,2017,78.0,revised,bns,2999-03-01T10:00:00,stat\n",
        encoding="utf-8",
    )
    problems = refused_after_good(store, folder)
    assert [(p.row, p.column, p.code) for p in problems] == [(3, "recorded_at", "future")]


def test_messages_name_the_value_and_what_was_expected_in_kk_ru_en(store: Store, tmp_path: Path) -> None:
    problems = refused_after_good(
        store, _package(tmp_path, "TEST2020.INTERNET,000000000,2018,104.5,,,,2999-01-01\n")
    )
    lines = {lang: [problem_line(p, lang) for p in problems] for lang in ("kk", "ru", "en")}
    assert any("0 мен 100 %" in line and "104.5" in line for line in lines["kk"])
    assert any("от 0 до 100 %" in line and "104.5" in line for line in lines["ru"])
    assert any("from 0 to 100 %" in line for line in lines["en"])
    assert all(any("2999-01-01" in line for line in lines[lang]) for lang in lines)


@pytest.fixture(scope="module")
def known() -> Known:
    plan = prepare([GOOD], None)
    plan.close()
    return plan.known


def _codes(
    known: Known, indicator: str, period: str, value: str, unit: str | None = None, as_of: str | None = None
) -> list[str]:
    batch = pl.DataFrame(
        {
            "indicator": [indicator],
            "territory": ["000000000"],
            "period": [period],
            "value": [value],
            "unit": [unit],
            "source": [None],
            "note": [None],
            "status": [None],
            "as_of": [as_of],
            "row": [2],
        },
        schema_overrides={c: pl.String for c in ("unit", "source", "note", "status", "as_of")},
    )
    log = ProblemLog()
    check_batch(batch, known, "o.csv", log)
    return [p.code for p in log.items]


@settings(max_examples=80, deadline=None)
@given(v=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_a_share_is_refused_exactly_outside_0_to_100(known: Known, v: float) -> None:
    assert _codes(known, "TEST2020.INTERNET", "2018", repr(v)) == ([] if 0 <= v <= 100 else ["out_of_range"])


@settings(max_examples=60, deadline=None)
@given(
    v=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), scale=st.sampled_from(["count", "thousand"])
)
def test_a_count_is_refused_exactly_below_zero_in_any_unit(known: Known, v: float, scale: str) -> None:
    assert _codes(known, "TEST2020.VILLAGES", "2019-Q1", repr(v), scale) == (
        [] if v >= 0 else ["out_of_range"]
    )


@settings(max_examples=60, deadline=None)
@given(days=st.integers(min_value=-3000, max_value=3000))
def test_as_of_is_refused_exactly_when_after_the_latest_possible_today(known: Known, days: int) -> None:
    day = (latest_known() + dt.timedelta(days=days)).date()
    future = dt.datetime.combine(day, dt.time()) > latest_known()
    assert _codes(known, "TEST2020.INTERNET", "2018", "50", as_of=day.isoformat()) == (
        ["future"] if future else []
    )


def test_a_target_or_baseline_outside_the_range_is_refused_at_its_yaml_line(
    store: Store, tmp_path: Path
) -> None:
    edit = (
        "{indicator: TEST2020.INTERNET, kind: target, period: 2022, value: 82,",
        "{indicator: TEST2020.INTERNET, kind: target, period: 2022, value: 182,",
    )
    problems = refused_after_good(store, _package(tmp_path, "", edit))
    bad = [(p.file, p.column, p.value, p.code) for p in problems if p.code != "empty"]
    assert bad == [("pkg/program.yaml", "commitments[1].value", 182, "out_of_range")]
    assert problems[-1].row == 55 or any(p.row for p in problems if p.code == "out_of_range")


def test_a_declared_range_survives_export_of_the_package() -> None:
    from natije.ingest.export import program_yaml_text
    from natije.ingest.program_yaml import parse_program_yaml

    text = (
        (GOOD / "program.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    span: {from: 2010, to: 2022}\n",
            "    span: {from: 2010, to: 2022}\n    range: [-50, null]\n",
            1,
        )
    )
    first = parse_program_yaml(text.encode(), "p/program.yaml", ProblemLog())
    assert first is not None and first.package.indicators[0].value_range == (-50.0, float("inf"))
    again = parse_program_yaml(program_yaml_text(first.package).encode(), "p/program.yaml", ProblemLog())
    assert again is not None and again.package.indicators[0].value_range == (-50.0, float("inf"))
