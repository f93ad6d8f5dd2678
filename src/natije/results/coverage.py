"""Coverage of a program's indicators: which have data, for which periods and regions, how complete and how
timely, from which sources. One row per indicator of the program, judged on a day (``as_of``, else the frames'
day); only what was recorded by the end of that day counts.

* **Expected periods.** Periods of the indicator's frequency from its start to the last period due on the
  day. The start is the earlier of the indicator's national baseline in force and the program's first year
  (whichever is known), never before the indicator's span starts; with neither, the span's start; with none
  of them, its first period with a national value. A period is due on the first day of the month
  ``Thresholds.reporting_lag_months`` after the month it ends (the wait after which the engine calls a target
  missed; with 12 months the year 2024 is due on 2026-01-01). No period starting after the span's end or
  once the program has ended is expected.
* **Completeness.** Expected periods with a national value (a country-level territory) / expected periods
  (null when none is expected). ``periods_reported_regional``: expected periods with a value of some region.
* **Timeliness.** A period's lag is the days from its last day to the first recording of its national value
  (``median_lag_days``) or of its first regional one (``median_lag_days_regional``); the median is over every
  period with such a value. A negative lag is a value recorded before its period ended (a running or
  preliminary figure). An expected period is late when its national value was first recorded on or after its
  due day; ``latest_gap`` is the latest expected period missing or late, ``latest_gap_kind`` says which.
* **Regions.** ``regions_period``: the latest period with a value of some region (else ``last_period``);
  ``regions_expected``: the regions valid on its last day (reforms change them: 17 before 2022-06-08, 20
  after); ``regions_reported``: how many of them have a value in that period.
* **Sources.** Over the stored values of the indicator in every territory: their number, the distinct source
  codes, the share by source kind (official, secondary, illustrative; a value without a known kind is in
  none) and the revisions recorded after first recordings. Ratios the engine derives from their parts are
  not stored values and are not counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl

from natije.results import coverage_periods as cp
from natije.results.achievement import commitments_in_force, indicator_rules, national_codes
from natije.results.asof import as_date, filter_as_of, month_index, present_day
from natije.results.coverage_sources import regions_covered, sources_and_span
from natije.results.flags import period_end_month, program_end
from natije.results.frames import ProgramFrames
from natije.results.thresholds import DEFAULT, Thresholds

COLUMNS = (
    "indicator", "frequency", "first_period", "last_period", "start_period", "due_period",
    "periods_expected", "periods_reported", "periods_reported_regional", "completeness", "periods_missing",
    "periods_late", "latest_gap", "latest_gap_kind", "median_lag_days", "median_lag_days_regional",
    "regions_period", "regions_expected", "regions_reported", "regions_share", "values", "sources",
    "share_official", "share_secondary", "share_illustrative", "revisions",
)  # fmt: skip
"""The columns of :func:`coverage_table`, in order."""


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """The program's coverage in a few numbers: indicators with a stored value / all, the mean completeness
    of the indicators with an expected period, the share of values that are illustrative, the sources."""

    indicators: int
    with_data: int
    mean_completeness: float | None
    share_illustrative: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    """A program's coverage judged on ``day``: the table (:data:`COLUMNS`) and its summary."""

    program: str
    day: date
    reporting_lag_months: int
    table: pl.DataFrame
    summary: CoverageSummary

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the table as one dict per indicator)."""
        return {
            "program": self.program,
            "day": self.day.isoformat(),
            "reporting_lag_months": self.reporting_lag_months,
            "summary": {**asdict(self.summary), "sources": list(self.summary.sources)},
            "indicators": self.table.to_dicts(),
        }


def coverage(frames: ProgramFrames, as_of: Any = None, thresholds: Thresholds = DEFAULT) -> Coverage:
    """The coverage of ``frames.program`` judged on ``as_of`` (else the frames' ``as_of``, else their today).

    >>> import polars as pl
    >>> f = ProgramFrames.build(program="P", indicators=pl.DataFrame({"code": ["P.A"], "program": ["P"]}))
    >>> c = coverage(f, "2025-01-01")
    >>> c.summary.indicators, c.summary.with_data, c.table["periods_expected"].to_list()
    (1, 0, [0])
    """
    day = as_date(as_of) or as_date(frames.as_of) or present_day(frames)
    table = coverage_table(frames, day, thresholds)
    return Coverage(frames.program, day, thresholds.reporting_lag_months, table, summarise(table))


def coverage_table(
    frames: ProgramFrames, as_of: Any = None, thresholds: Thresholds = DEFAULT
) -> pl.DataFrame:
    """One row per indicator of ``frames.program``, columns :data:`COLUMNS` (rules: the module docstring)."""
    day = as_date(as_of) or as_date(frames.as_of) or present_day(frames)
    frames = filter_as_of(frames, day)
    own = frames.indicators.filter(pl.col("program") == frames.program)
    obs = frames.observations.filter(pl.col("indicator").is_in(own["code"].implode())).with_columns(
        pl.coalesce("first_recorded", "recorded_at").alias("first_recorded")
    )
    regions = frames.territories.filter(pl.col("level") == "region")
    national = obs.filter(pl.col("territory").is_in(national_codes(frames.territories)))
    regional = obs.filter(pl.col("territory").is_in(regions["code"].implode()))
    lag = thresholds.reporting_lag_months
    expected = cp.expected_periods(_spans(frames, own, national, day), month_index(day), lag)
    seen = sources_and_span(obs)
    parts = [
        cp.period_counts(expected, national, regional),
        cp.median_lags(national, "median_lag_days"),
        cp.median_lags(regional, "median_lag_days_regional"),
        seen,
        regions_covered(regional, regions, seen),
    ]
    table = own.select(pl.col("code").alias("indicator"), "frequency")
    for part in parts:
        table = table.join(part, on="indicator", how="left", maintain_order="left")
    counts = ["periods_expected", "periods_reported", "periods_reported_regional", "periods_missing"]
    return table.with_columns(
        *(pl.col(c).fill_null(0) for c in [*counts, "periods_late", "values", "revisions"]),
        _share("periods_reported", "periods_expected").alias("completeness"),
        pl.col("sources").fill_null(pl.lit([], pl.List(pl.String))),
    ).select(COLUMNS)


def periods_due(frames: ProgramFrames, as_of: Any = None, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Every period of each indicator of ``frames.program`` that has ended by the day (from the start the
    coverage rules give), with the day its value is due: ``reporting_lag_months`` after its end, the day
    coverage counts it expected. Columns: indicator, period, period_start, due (the first day it is late)."""
    day = as_date(as_of) or as_date(frames.as_of) or present_day(frames)
    frames = filter_as_of(frames, day)
    own = frames.indicators.filter(pl.col("program") == frames.program)
    national = frames.observations.filter(
        pl.col("indicator").is_in(own["code"].implode())
        & pl.col("territory").is_in(national_codes(frames.territories))
    )
    ended = cp.expected_periods(_spans(frames, own, national, day), month_index(day), 0)
    lag = thresholds.reporting_lag_months
    return ended.select(
        "indicator", "period", "period_start", cp.month_date(pl.col("period_end") + lag).alias("due")
    )


def _share(part: str, whole: str) -> pl.Expr:
    """``part / whole``, null where ``whole`` is 0 or null."""
    return pl.when(pl.col(whole) > 0).then(pl.col(part) / pl.col(whole))


def _spans(frames: ProgramFrames, own: pl.DataFrame, national: pl.DataFrame, day: date) -> pl.DataFrame:
    """Per indicator: freq_months, the first month expected (``start``) and the bound on period starts
    (``stop``)."""
    program = frames.programs.filter(pl.col("code") == frames.program)
    first_year = program["start_year"][0] if program.height else None
    ended = program_end(frames.programs, frames.program)
    # a program ending mid-month still owes the period that started before
    stop = None if ended is None else month_index(ended) + (ended.day > 1)
    baselines = (
        commitments_in_force(frames.commitments, day)
        .filter((pl.col("kind") == "baseline") & pl.col("territory").is_null())
        .group_by("indicator")
        .agg(pl.col("period_start").min().alias("_base"))
    )
    first_national = national.group_by("indicator").agg(pl.col("period_start").min().alias("_first"))
    program_start = pl.lit(None if first_year is None else int(first_year) * 12, pl.Int32)
    start = pl.max_horizontal(cp.start_month(pl.col("span_from")), pl.min_horizontal("_base", program_start))
    return (
        indicator_rules(own)
        .join(own.select(pl.col("code").alias("indicator"), "span_from", "span_to"), on="indicator")
        .join(baselines, on="indicator", how="left")
        .join(first_national, on="indicator", how="left")
        .select(
            "indicator",
            "freq_months",
            pl.coalesce(start, "_first").alias("start"),
            pl.min_horizontal(period_end_month(pl.col("span_to")), pl.lit(stop, pl.Int32)).alias("stop"),
        )
    )


def summarise(table: pl.DataFrame) -> CoverageSummary:
    """The :class:`CoverageSummary` of a :func:`coverage_table`."""
    values = int(table["values"].sum())
    illustrative = (table["share_illustrative"].fill_null(0) * table["values"]).sum()
    mean = table["completeness"].drop_nulls().mean()
    return CoverageSummary(
        indicators=table.height,
        with_data=int((table["values"] > 0).sum()),
        mean_completeness=None if mean is None else float(mean),  # type: ignore[arg-type]
        share_illustrative=float(illustrative) / values if values else None,
        sources=tuple(sorted(set(table["sources"].explode().drop_nulls().to_list()))),
    )
