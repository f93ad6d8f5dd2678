"""Coverage of a program's indicators on frames built by hand: expected and missing periods, late values,
timeliness, regions before and after a reform, source shares, and what ``as_of`` leaves out."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from frames_builders import KZ, commits, periods

from natije.results.coverage import COLUMNS, coverage, coverage_table
from natije.results.frames import ProgramFrames
from natije.results.thresholds import Thresholds

REFORM = date(2022, 6, 8)
# region A splits on REFORM into A (kept) and N (new); O is abolished then; B never changes
TERRITORIES = pl.DataFrame(
    {
        "code": [KZ, "A", "B", "N", "O"],
        "level": ["country", "region", "region", "region", "region"],
        "valid_from": [None, None, None, REFORM, None],
        "valid_to": [None, None, None, None, REFORM],
    }
)
SOURCES = {"stat": "official", "press": "secondary", "demo": "illustrative"}


def values(rows: list[tuple]) -> pl.DataFrame:
    """rows: (indicator, territory, period, source, first recorded[, recorded, revisions after it])."""
    return pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "territory": [r[1] for r in rows],
            **periods([r[2] for r in rows]),
            "value": [1.0] * len(rows),
            "source": [r[3] for r in rows],
            "source_kind": [SOURCES[r[3]] for r in rows],
            "first_recorded": [r[4] for r in rows],
            "recorded_at": [r[5] if len(r) > 5 else r[4] for r in rows],
            "revised_after": [r[6] if len(r) > 6 else 0 for r in rows],
        }
    )


def frames(obs: pl.DataFrame, *, codes: tuple[str, ...] = ("P.X",), **more: pl.DataFrame) -> ProgramFrames:
    """Program P (2020–2027), its annual indicators ``codes`` (span 2010–2027), and a predecessor's Q.OLD."""
    ind = pl.DataFrame(
        {
            "code": [*codes, "Q.OLD"],
            "program": ["P"] * len(codes) + ["Q"],
            "frequency": "A",
            "span_from": "2010",
            "span_to": "2027",
        }
    )
    progs = pl.DataFrame({"code": ["P", "Q"], "start_year": [2020, 2010], "end_year": [2027, 2019]})
    return ProgramFrames.build(
        program="P", indicators=ind, observations=obs, territories=TERRITORIES, programs=progs, **more
    )


def row(table: pl.DataFrame, code: str = "P.X") -> dict:
    return table.filter(pl.col("indicator") == code).row(0, named=True)


def on(day: str) -> datetime:
    return datetime.fromisoformat(day)


def test_expected_periods_run_from_the_program_start_to_the_last_period_due() -> None:
    obs = values([("P.X", KZ, p, "stat", on(f"{int(p) + 1}-03-01")) for p in ("2015", "2020", "2022")])
    predecessor = values([("Q.OLD", KZ, "2015", "stat", on("2016-03-01"))])
    table = coverage_table(frames(pl.concat([obs, predecessor])), date(2024, 3, 1))
    r = row(table)
    # 2023 is due only on 2025-01-01 (12 months after it ends); 2015 is before the program
    assert (r["start_period"], r["due_period"], r["periods_expected"]) == ("2020", "2022", 3)
    assert (r["periods_reported"], r["periods_missing"], r["completeness"]) == (2, 1, pytest.approx(2 / 3))
    assert (r["latest_gap"], r["latest_gap_kind"]) == ("2021", "missing")
    assert (r["first_period"], r["last_period"]) == ("2015", "2022")
    assert table.columns == list(COLUMNS) and table["indicator"].to_list() == ["P.X"]


def test_the_reporting_lag_moves_the_last_period_due() -> None:
    obs = values([("P.X", KZ, "2020", "stat", on("2021-03-01"))])
    short = row(coverage_table(frames(obs), date(2024, 3, 1), Thresholds(reporting_lag_months=2)))
    assert (short["due_period"], short["periods_expected"], short["latest_gap"]) == ("2023", 4, "2023")


def test_an_earlier_baseline_starts_the_expected_periods_but_never_before_the_span() -> None:
    obs = values(
        [("P.X", KZ, "2017", "stat", on("2018-01-10")), ("P.Y", KZ, "2017", "stat", on("2018-01-10"))]
    )
    base = commits(
        [
            ("P.X", None, "baseline", "2017", 1, date(2019, 1, 1)),
            ("P.Y", None, "baseline", "2012", 1, date(2019, 1, 1)),
        ]
    )
    f = frames(obs, codes=("P.X", "P.Y"), commitments=base)
    f = f.replace(
        indicators=f.indicators.with_columns(
            span_from=pl.when(pl.col("code") == "P.Y").then(pl.lit("2016")).otherwise("span_from")
        )
    )
    table = coverage_table(f, date(2021, 6, 1))
    assert (row(table)["start_period"], row(table)["periods_expected"]) == ("2017", 3)
    assert (row(table, "P.Y")["start_period"], row(table, "P.Y")["periods_expected"]) == ("2016", 4)


def test_no_period_is_expected_after_the_program_ends() -> None:
    obs = values([("P.X", KZ, "2020", "stat", on("2021-01-01"))])
    f = frames(obs)
    f = f.replace(programs=f.programs.with_columns(end_year=pl.lit(2021)))
    assert row(coverage_table(f, date(2030, 1, 1)))["due_period"] == "2021"


def test_a_value_recorded_on_or_after_its_due_day_is_late() -> None:
    obs = values(
        [
            ("P.X", KZ, "2020", "stat", on("2021-12-31T23:00")),  # the last day before 2022-01-01: in time
            ("P.X", KZ, "2021", "stat", on("2023-01-01")),
            ("P.X", KZ, "2022", "stat", on("2023-06-01")),
        ]
    )
    r = row(coverage_table(frames(obs), date(2024, 3, 1)))
    assert (r["periods_reported"], r["periods_late"], r["completeness"]) == (3, 1, 1.0)
    assert (r["latest_gap"], r["latest_gap_kind"]) == ("2021", "late")


def test_timeliness_is_the_median_lag_after_the_period_ends_national_and_regional_apart() -> None:
    obs = values(
        [
            ("P.X", KZ, "2020", "stat", on("2021-01-31")),  # 31 days after 2020-12-31
            ("P.X", KZ, "2021", "stat", on("2022-03-01")),  # 60
            ("P.X", KZ, "2022", "stat", on("2022-11-01")),  # before the period ended: -60
            ("P.X", "A", "2021", "demo", on("2022-12-31")),  # 365: the first regional value of 2021 counts
            ("P.X", "B", "2021", "demo", on("2023-06-01")),
        ]
    )
    r = row(coverage_table(frames(obs), date(2024, 3, 1)))
    assert (r["median_lag_days"], r["median_lag_days_regional"]) == (31.0, 365.0)
    assert r["periods_reported_regional"] == 1


def test_the_regions_expected_are_those_valid_at_the_end_of_the_last_regional_period() -> None:
    before = values([("P.X", t, "2021", "stat", on("2022-03-01")) for t in ("A", "B", "O")])
    after = values([("P.X", t, "2022", "stat", on("2023-03-01")) for t in ("A", "N", "O")])
    old = row(coverage_table(frames(before), date(2024, 3, 1)))
    new = row(coverage_table(frames(pl.concat([before, after])), date(2024, 3, 1)))
    assert (old["regions_period"], old["regions_expected"], old["regions_reported"]) == ("2021", 3, 3)
    # after the reform O no longer counts, N does, and B is missing
    assert (new["regions_period"], new["regions_expected"], new["regions_reported"]) == ("2022", 3, 2)
    assert new["regions_share"] == pytest.approx(2 / 3)
    assert new["periods_reported"] == 0  # no national value: regional ones do not fill it


def test_a_national_series_has_every_region_missing_in_its_last_period() -> None:
    r = row(coverage_table(frames(values([("P.X", KZ, "2023", "stat", on("2024-02-01"))])), date(2024, 3, 1)))
    assert (r["regions_period"], r["regions_expected"], r["regions_reported"], r["regions_share"]) == (
        "2023",
        3,
        0,
        0.0,
    )


def test_sources_and_their_kinds_are_counted_over_every_value() -> None:
    obs = values(
        [
            ("P.X", KZ, "2021", "press", on("2022-02-01")),
            *[("P.X", t, "2021", "demo", on("2022-12-31")) for t in ("A", "B", "O")],
            ("P.Y", KZ, "2021", "stat", on("2022-02-01")),
        ]
    )
    c = coverage(frames(obs, codes=("P.X", "P.Y", "P.Z")), date(2024, 3, 1))
    x = row(c.table)
    assert (x["values"], x["sources"]) == (4, ["demo", "press"])
    assert (x["share_official"], x["share_secondary"], x["share_illustrative"]) == (0.0, 0.25, 0.75)
    assert (c.summary.indicators, c.summary.with_data) == (3, 2)
    assert c.summary.share_illustrative == pytest.approx(3 / 5)
    assert c.summary.sources == ("demo", "press", "stat")
    z = row(c.table, "P.Z")
    assert (z["values"], z["sources"], z["periods_reported"], z["completeness"]) == (0, [], 0, 0.0)


def test_as_of_leaves_out_values_and_revisions_recorded_later() -> None:
    obs = values(
        [
            ("P.X", KZ, "2020", "stat", on("2021-02-01"), on("2023-05-01"), 1),  # revised 2023-05-01
            ("P.X", KZ, "2021", "stat", on("2022-05-01T23:59")),
            ("P.X", "A", "2022", "demo", on("2023-06-01")),
        ]
    )
    revisions = pl.DataFrame(
        {
            "indicator": "P.X",
            "territory": KZ,
            "period": "2020",
            "value": [1.0, 2.0],
            "recorded_at": [on("2021-02-01"), on("2023-05-01")],
        }
    )
    f = frames(obs, revisions=revisions)
    then = coverage(f, "2022-05-01")
    assert (then.day, row(then.table)["values"], row(then.table)["revisions"]) == (date(2022, 5, 1), 2, 0)
    assert (row(then.table)["last_period"], row(then.table)["regions_period"]) == ("2021", "2021")
    now = row(coverage_table(f, date(2024, 3, 1)))
    assert (now["values"], now["revisions"], now["regions_period"]) == (3, 1, "2022")


def test_quarterly_indicators_count_quarters_from_an_annual_start() -> None:
    obs = values([("P.X", KZ, q, "stat", on("2020-09-01")) for q in ("2020-Q1", "2020-Q2")])
    f = frames(obs)
    f = f.replace(indicators=f.indicators.with_columns(frequency=pl.lit("Q")))
    r = row(coverage_table(f, date(2021, 5, 1)))
    # due: quarters ending by 2020-05 (12 months before the day's month): 2020-Q1, not 2020-Q2 (ends 2020-06)
    assert (r["start_period"], r["due_period"], r["periods_expected"], r["periods_reported"]) == (
        "2020-Q1",
        "2020-Q1",
        1,
        1,
    )
    lags = [(date(2020, 9, 1) - date(2020, 3, 31)).days, (date(2020, 9, 1) - date(2020, 6, 30)).days]
    assert r["median_lag_days"] == sum(lags) / 2


def test_a_region_counts_from_the_day_it_starts_and_not_on_the_day_it_ends() -> None:
    eve = date(2021, 12, 31)  # the last day of 2021: BORN starts on it, GONE ends on it, NEXT starts after
    territories = pl.DataFrame(
        {
            "code": [KZ, "GONE", "BORN", "NEXT"],
            "level": ["country", "region", "region", "region"],
            "valid_from": [None, None, eve, date(2022, 1, 1)],
            "valid_to": [None, eve, None, None],
        }
    )
    f = frames(values([("P.X", "GONE", "2021", "stat", on("2022-02-01"))])).replace(territories=territories)
    r = row(coverage_table(f, date(2024, 3, 1)))
    assert (r["regions_period"], r["regions_expected"], r["regions_reported"]) == ("2021", 1, 0)
