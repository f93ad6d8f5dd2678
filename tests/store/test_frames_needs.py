"""Frames read for the results hold only the series the results, flags and scorecard use, and give the same
answers as every observation does (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from natije.domain.commitments import Commitment, CommitmentKind
from natije.domain.indicators import Direction, Indicator, IndicatorKind, Ratio
from natije.domain.names import Names
from natije.domain.observations import Source, SourceKind
from natije.domain.package import ProgramPackage
from natije.domain.periods import Frequency, Period
from natije.domain.programs import Program, ProgramKind, ProgramStatus
from natije.results.engine import results_table, results_with_flags
from natije.results.flags import flags
from natije.results.lineage import lineage
from natije.results.scorecard import scorecard
from natije.store import Store
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.observations import merge_observations

T0, T1, T2 = datetime(2021, 3, 1), datetime(2023, 3, 1), datetime(2024, 3, 1)
REGIONS = ("610000000", "790000000")
DAYS = [None, date(2021, 6, 1), date(2023, 6, 1), date(2024, 6, 1), date(2026, 1, 1)]


def _program(code: str = "NP", end_year: int = 2030) -> ProgramPackage:
    names = Names(code, code, code)
    ind = [
        Indicator(f"{code}.HIT", Names("hit", "hit", "hit"), "%", Direction.INCREASE),  # targeted
        Indicator(f"{code}.FREE", Names("free", "free", "free"), "%", Direction.INCREASE),  # no target
        Indicator(
            f"{code}.CUM",
            Names("cum", "cum", "cum"),
            "count",
            Direction.INCREASE,
            IndicatorKind.CUMULATIVE,
            frequency=Frequency.QUARTERLY,
        ),  # no target
        Indicator(f"{code}.NUM", Names("num", "num", "num"), "count", Direction.INCREASE),
        Indicator(f"{code}.DEN", Names("den", "den", "den"), "count", Direction.INCREASE),
        Indicator(
            f"{code}.SHARE",
            Names("share", "share", "share"),
            "%",
            Direction.INCREASE,
            ratio=Ratio(f"{code}.NUM", f"{code}.DEN"),
        ),  # no target, derived from its parts
    ]
    commitments = (
        Commitment(
            f"{code}.HIT", CommitmentKind.BASELINE, Period.parse("2019"), 40.0, date(2020, 1, 10), "D1"
        ),
        Commitment(f"{code}.HIT", CommitmentKind.TARGET, Period.parse("2025"), 60.0, date(2020, 1, 10), "D1"),
        Commitment(
            f"{code}.HIT",
            CommitmentKind.TARGET,
            Period.parse("2025"),
            55.0,
            date(2023, 1, 10),
            "D2",
            version=2,
        ),
    )
    program = Program(code, names, ProgramKind.STATE_PROGRAM, 2020, end_year, ProgramStatus.IN_FORCE)
    return ProgramPackage(
        program, (), (Source("stat", "Bureau of statistics", SourceKind.OFFICIAL),), tuple(ind), commitments
    )


@pytest.fixture
def loaded(store: Store, reference, obs) -> Store:
    """Program NP: HIT has targets, FREE, CUM and the ratio SHARE (with its parts) none; values in 2019–2023,
    some first recorded later, some revised after being recorded."""
    rows = []
    for territory in ("000000000", *REGIONS):
        for year in range(2019, 2024):
            rows += [
                ("NP.HIT", territory, str(year), 40.0 + year - 2019),
                ("NP.NUM", territory, str(year), 30.0),
                ("NP.DEN", territory, str(year), 120.0),
            ]
            if year < 2022 or territory != REGIONS[1]:  # a series that stops early: stale
                rows.append(("NP.FREE", territory, str(year), 10.0 + year - 2019))
            rows += [("NP.CUM", territory, f"{year}-Q{q}", 5.0) for q in (1, 2)]
        rows.append(("NP.SHARE", territory, "2019", 24.0))
    late = [
        ("NP.FREE", "000000000", "2024", 20.0),
        ("NP.HIT", "000000000", "2024", 50.0),
        ("NP.CUM", REGIONS[0], "2024-Q1", 5.0),
    ]
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, _program())
        merge_observations(conn, [obs(rows)], reason="first", now=T0)
        merge_observations(conn, [obs(late, as_of=T1)], reason="later")
        merge_observations(
            conn,
            [
                obs(
                    [
                        ("NP.FREE", "000000000", "2024", 21.0),
                        ("NP.HIT", "000000000", "2023", 47.0),
                        ("NP.FREE", REGIONS[0], "2023", 15.5),
                        ("NP.FREE", REGIONS[1], "2021", 12.5),
                    ],
                    as_of=T2,
                )
            ],
            reason="revised",
        )
    return store


def _both(store: Store, day: date | None):
    with store.connect() as conn:
        return (
            load_program_frames(conn, "NP", as_of=day),
            load_program_frames(conn, "NP", as_of=day, observations="results"),
            load_program_frames(conn, "NP", as_of=day, observations="none"),
        )


@pytest.mark.parametrize("day", DAYS)
def test_results_flags_and_scorecard_equal_those_of_every_observation(
    loaded: Store, day: date | None
) -> None:
    full, part, none = _both(loaded, day)
    for basis in ("current", "first"):
        table, flagged = results_with_flags(full, as_of=day, basis=basis)
        assert_frame_equal(results_with_flags(part, as_of=day, basis=basis)[0], table)
        assert_frame_equal(results_with_flags(part, as_of=day, basis=basis)[1], flagged)
    assert_frame_equal(flags(part, as_of=day), flags(full, as_of=day))
    for territory in ("000000000", REGIONS[0]):
        assert_frame_equal(results_table(part, day, territory), results_table(full, day, territory))
    assert scorecard(part, as_of=day) == scorecard(full, as_of=day)
    assert_frame_equal(lineage(none), lineage(full))
    assert none.observations.height == 0


@pytest.mark.parametrize(("day", "value"), [(date(2023, 6, 1), 12.0), (date(2024, 6, 1), 12.5)])
def test_untargeted_series_come_as_their_last_value_only_where_it_may_be_stale(
    loaded: Store, day: date, value: float
) -> None:
    full, part, _ = _both(loaded, day)
    counts = dict(part.observations.group_by("indicator").len().iter_rows())
    # whole: the targeted indicator and the ratio with its parts
    for code in ("NP.HIT", "NP.NUM", "NP.DEN", "NP.SHARE"):
        assert counts[code] == full.observations.filter(pl.col("indicator") == code).height
    # of the others, the last value of the series that may be overdue (ended 2021 with a quarterly indicator
    # in the program: due by 2022-Q2 + 6 months), as known that day
    free = part.observations.filter(pl.col("indicator") == "NP.FREE")
    assert free.select("territory", "period", "value").rows() == [(REGIONS[1], "2021", value)]
    # quarterly CUM ends 2023-Q2 (2024-Q1 in one region, recorded in 2023): overdue-able in 2024 only
    assert counts.get("NP.CUM", 0) == (2 if day.year == 2024 else 0)
    assert part.revisions.filter(pl.col("indicator") == "NP.FREE").height == (1 if day.year == 2023 else 2)
    stale = ("stale", "NP.FREE", REGIONS[1]) in flags(part, as_of=day).select(
        "flag", "indicator", "territory"
    ).rows()
    assert stale == (day.year == 2024)  # due by 2022 + 12 + 6 months


def test_an_ended_program_without_targets_reads_no_observation(store: Store, reference, obs) -> None:
    package = _program("OLD", end_year=2021)
    package = ProgramPackage(package.program, package.agencies, package.sources, package.indicators, ())
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
        merge_observations(conn, [obs([("OLD.FREE", "000000000", "2020", 1.0)])], reason="first", now=T0)
    with store.connect() as conn:
        full = load_program_frames(conn, "OLD", as_of=date(2023, 1, 1))
        part = load_program_frames(conn, "OLD", as_of=date(2023, 1, 1), observations="results")
    assert (full.observations.height, part.observations.height) == (1, 0)
    assert_frame_equal(
        results_with_flags(part, as_of=date(2023, 1, 1))[1],
        results_with_flags(full, as_of=date(2023, 1, 1))[1],
    )
