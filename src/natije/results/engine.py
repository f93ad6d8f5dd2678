"""The results table: every target of a program, scored, forecast and given a status, as of a date.

>>> from natije.results.frames import ProgramFrames
>>> results_table(ProgramFrames.build(program="P"), as_of="2025-01-01").height
0
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from natije.errors import Problem, ValidationError
from natije.results.achievement import (
    KEY,
    attach_actuals,
    cumulative_codes,
    indicator_rules,
    national_codes,
    target_rows,
)
from natije.results.aggregation import rollup_rows
from natije.results.asof import as_date, filter_as_of, present_day
from natije.results.flags import flags as compute_flags
from natije.results.forecast import measure_and_fit
from natije.results.frames import ProgramFrames
from natije.results.ratios import with_derived_ratios
from natije.results.series import series_runs
from natije.results.status import judge
from natije.results.thresholds import DEFAULT, Thresholds

COLUMNS = [
    "indicator",
    "territory",
    "period",
    "baseline",
    "baseline_period",
    "target",
    "target_version",
    "target_decided_on",
    "target_document",
    "actual",
    "actual_period",
    "direction",
    "kind",
    "unit",
    "met",
    "gap_closed",
    "ratio",
    "achievement",
    "pace",
    "forecast_value",
    "forecast_low",
    "forecast_high",
    "p_meet",
    "forecast_reason",
    "status",
    "illustrative",
]


@dataclass(frozen=True)
class ResultsRequest:
    """What to compute: which commitments (``basis``), judged on which day, for which territory."""

    as_of: date | None = None
    territory: str | None = None
    basis: str = "current"
    thresholds: Thresholds = DEFAULT

    def __post_init__(self) -> None:
        if self.basis not in ("current", "first"):
            raise ValidationError(Problem("basis", None, None, self.basis, "'current' or 'first'"))

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "territory": self.territory,
            "basis": self.basis,
            "thresholds": self.thresholds.to_dict(),
        }


def results_table(
    frames: ProgramFrames,
    as_of: date | datetime | str | None = None,
    territory: str | None = None,
    basis: str = "current",
    thresholds: Thresholds = DEFAULT,
    ordered: bool = True,
) -> pl.DataFrame:
    """Every target in force × territory: baseline, target, actual, achievement, forecast and status.

    Parameters
    ----------
    frames : ProgramFrames
        The program's frames; filtered again to ``as_of`` so nothing recorded later is used.
    as_of : date, optional
        Answer with what was known on this day; also the day statuses are judged on (default: today).
    territory : str, optional
        Keep only this territory (rolled up from its members when it reports nothing itself).
    basis : {"current", "first"}
        Targets and baselines in force on ``as_of``, or as first promised.
    ordered : bool
        Sort rows by indicator, territory, period (skip for bulk use).

    Returns
    -------
    polars.DataFrame
        Columns :data:`COLUMNS`, one row per indicator × territory × target period.
    """
    return _compute(frames, ResultsRequest(as_date(as_of), territory, basis, thresholds), ordered)[0]


def results_with_flags(
    frames: ProgramFrames,
    as_of: date | datetime | str | None = None,
    basis: str = "current",
    thresholds: Thresholds = DEFAULT,
    ordered: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """:func:`results_table` and :func:`natije.results.flags.flags` together, sharing one pass over the series
    (the flags are computed alongside the targets, once the series are fitted)."""
    table, flagged = _compute(frames, ResultsRequest(as_date(as_of), None, basis, thresholds), ordered, True)
    assert flagged is not None  # asked for with the last argument
    return table, flagged


def _compute(
    frames: ProgramFrames, req: ResultsRequest, ordered: bool, with_flags: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    f = filter_as_of(frames, req.as_of)
    today = req.as_of or present_day(f)
    # only the columns the engine reads travel through the roll-ups and joins
    obs = f.observations.select(
        *KEY, "period", "period_start", "period_end", "value", pl.col("illustrative").fill_null(False)
    )
    rules = indicator_rules(f.indicators)
    # a ratio is known wherever its numerator and denominator are
    # (appended rows: the series pass sorts them in)
    obs = with_derived_ratios(obs, rules)
    cumulative = cumulative_codes(rules)
    # independent steps run side by side (polars and numpy release the GIL), as a hand-written collect_all
    # would: the roll-ups beside the fit of the own series, the flags beside the targets
    with ThreadPoolExecutor(max_workers=2) as pool:  # roll-ups, then flags; the main thread fits and judges
        if req.territory is not None:
            keep = pl.col("territory") == req.territory
            extra = rollup_rows(obs, f.indicators, f.weights, f.territories).select(obs.columns).filter(keep)
            meas_own, own_series = measure_and_fit(obs.filter(keep), cumulative, req.thresholds)
        else:
            runs = series_runs(obs)
            own = runs.frame
            rolled = pool.submit(rollup_rows, own, f.indicators, f.weights, f.territories, runs=runs)
            # measures, trend sums and each series' last point: one compiled pass over the runs of rows
            meas_own, own_series = measure_and_fit(own, cumulative, req.thresholds, runs)
        # the flags need only the own series: they start at once, while the roll-ups may still run
        flagged = (
            pool.submit(compute_flags, frames, as_of=req.as_of, thresholds=req.thresholds, series=own_series)
            if with_flags
            else None
        )
        if req.territory is None:
            extra = rolled.result().select(obs.columns)
        # own rows usually arrive sorted by series (the store reads them so): measured apart, they stay cheap
        meas_extra, extra_series = measure_and_fit(extra, cumulative, req.thresholds)
        series = pl.concat([own_series, extra_series], rechunk=False)
        meas = pl.concat([meas_own, meas_extra], rechunk=False)
        # the rows carry what the actuals need; the forecast reads the fit from `series` by position
        targets = target_rows(
            f,
            req.as_of,
            req.basis,
            national_codes(f.territories),
            series,
            carry=["last_end", "last_measure", "last_illustrative"],
            meas=meas,
        )
        if req.territory is not None:
            targets = targets.filter(pl.col("territory") == req.territory)
        own_codes = f.indicators.filter(pl.col("program") == f.program)["code"]
        mine = pl.col("indicator").is_in(own_codes.implode())
        if len(own_codes) and not targets.select(mine.all()).item():
            targets = targets.filter(mine)  # predecessors' indicators are there for lineage
        # score, forecast and status in one compiled pass over the target rows
        out = judge(attach_actuals(targets, meas, series), series, today, req.thresholds).with_columns(
            pl.col("illustrative").fill_null(False)
        )
        out = out.select(COLUMNS)
        return (out.sort(*KEY, "period") if ordered else out), (flagged.result() if flagged else None)
