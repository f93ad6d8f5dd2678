"""program_coverage on the shipped demo (SQLite and PostgreSQL): the national and regional facts of the
villages-on-fibre series, the 2022 reform in the regions expected, the illustrative rows, and as_of."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from natije.demo import demo_paths
from natije.errors import NotFound
from natije.services import monitoring
from natije.services.coverage import COLUMNS, program_coverage
from natije.store import Store

FIBRE_SHARE, FIBRE = "AI2023.VILLAGES_FIBRE_SHARE", "AI2023.VILLAGES_FIBRE"
LOADED = date(2026, 12, 7)


def shipped(indicator: str | None) -> pl.DataFrame:
    """The demo's own rows of ``indicator`` (all: ``None``) in AI2023's observations.csv, read apart from
    natije."""
    path = next(p for p in demo_paths() if p.name == "AI2023") / "observations.csv"
    rows = pl.read_csv(path, schema_overrides={"territory": pl.String, "period": pl.String})
    return rows if indicator is None else rows.filter(pl.col("indicator") == indicator)


def row(table: pl.DataFrame, code: str) -> dict:
    return table.filter(pl.col("indicator") == code).row(0, named=True)


def test_the_fibre_share_on_the_day_the_demo_was_loaded(demo: Store) -> None:
    c = program_coverage(demo, "AI2023", as_of=LOADED)
    r = row(c.table, FIBRE_SHARE)
    assert c.table.columns == list(COLUMNS) and c.day == LOADED
    # values from 2018 on; the 2024 baseline starts what is expected, 2025 is due only in January 2027
    assert (r["first_period"], r["last_period"], r["start_period"], r["due_period"]) == (
        "2018",
        "2025",
        "2024",
        "2024",
    )
    assert (r["periods_expected"], r["periods_reported"], r["completeness"], r["latest_gap"]) == (
        1,
        1,
        1.0,
        None,
    )
    # national values: 2020 recorded 69 days after the year, 2024 121 days and 2025 71 days before its end
    assert r["median_lag_days"] == -71.0
    # the generated regional rows come a year after their year (2025: half a year)
    assert r["median_lag_days_regional"] == 365.0
    # the three cities have no villages: 17 of the 20 regions of 2025 report
    assert (r["regions_period"], r["regions_expected"], r["regions_reported"]) == ("2025", 20, 17)


def test_the_fibre_share_sources_are_the_press_and_the_illustrative_rows(demo: Store) -> None:
    r = row(program_coverage(demo, "AI2023", as_of=LOADED).table, FIBRE_SHARE)
    rows = shipped(FIBRE_SHARE)
    illustrative = rows.filter(pl.col("source") == "demo_illustrative").height
    assert r["values"] == rows.height == 127
    assert r["sources"] == ["baq_inquiry", "demo_illustrative", "kt_2021", "zakon_2025"]
    assert r["share_illustrative"] == pytest.approx(illustrative / rows.height)
    assert r["share_secondary"] == pytest.approx((rows.height - illustrative) / rows.height)
    assert (r["share_official"], r["revisions"]) == (0.0, 0)


def test_before_the_2022_reform_17_regions_were_expected(demo: Store) -> None:
    c = program_coverage(demo, "AI2023", as_of="2023-11-07")
    r = row(c.table, FIBRE_SHARE)
    # known on the day the program was announced: the 2018–2021 regional rows (recorded by 2022-12-31) and the
    # 2020 national value
    assert (r["last_period"], r["values"], r["sources"]) == (
        "2021",
        14 * 4 + 1,
        ["demo_illustrative", "kt_2021"],
    )
    assert (r["regions_period"], r["regions_expected"], r["regions_reported"]) == ("2021", 17, 14)
    assert r["periods_expected"] == 0 and r["completeness"] is None  # the baseline was decided in 2024


def test_a_later_today_expects_2025_and_finds_the_national_villages_count_missing_for_2024(
    demo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitoring, "today", lambda: date(2027, 2, 1))
    c = program_coverage(demo, "AI2023")
    r = row(c.table, FIBRE)
    assert c.day == date(2027, 2, 1)
    assert (r["start_period"], r["due_period"], r["periods_expected"], r["periods_reported"]) == (
        "2024",
        "2025",
        2,
        1,
    )
    assert (r["latest_gap"], r["latest_gap_kind"], r["periods_reported_regional"]) == ("2024", "missing", 2)
    users = row(c.table, "AI2023.RURAL_INTERNET_USERS")
    assert (users["periods_reported"], users["share_illustrative"]) == (0, 1.0)


def test_the_program_summary(demo: Store) -> None:
    c = program_coverage(demo, "AI2023", as_of=LOADED)
    s = c.summary
    assert (s.indicators, s.with_data) == (5, 5)
    assert "demo_illustrative" in s.sources and "qazinform_2025" in s.sources
    every = shipped(None)
    assert s.share_illustrative == pytest.approx(
        every.filter(pl.col("source") == "demo_illustrative").height / every.height
    )
    assert json.loads(json.dumps(c.to_dict()))["summary"]["indicators"] == 5


def test_an_unknown_program_is_not_found(demo: Store) -> None:
    with pytest.raises(NotFound):
        program_coverage(demo, "NOPE")
