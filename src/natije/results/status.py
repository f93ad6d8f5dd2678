"""Status of each target: achieved, on_track, at_risk, off_track, missed, insufficient_data or no_data.

Rules, in order (thresholds in :class:`natije.results.thresholds.Thresholds`):

1. ``achieved`` — the actual (by the indicator's kind) reaches the target, also before the target period.
2. ``missed`` — the target period has ended, the target is not reached, and either a value for the target
   period is known or ``reporting_lag_months`` have passed since the period ended.
3. With a forecast: ``p_meet ≥ p_on_track`` → ``on_track``; ``≥ p_at_risk`` → ``at_risk``; else ``off_track``.
4. Without a forecast (too few points) but with an actual and a baseline (else the first observed value, if it
   is not the actual itself): pace = share of the gap closed ÷ share of the time elapsed from the baseline period
   to the target period — elapsed up to the period the data could cover (frequency and reporting lag) or the
   actual's own period when more recent, not up to the as-of date; cut at ``pace_on_track`` / ``pace_at_risk``.
5. Otherwise ``insufficient_data`` when the series has values but too few to judge, else ``no_data``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import polars as pl

from natije.results.asof import month_index
from natije.results.forecast import forecast_columns, quantiles
from natije.results.kernels import (
    arrays,
    coded_column,
    direction_code,
    float_column,
    floats,
    judge_rows,
    met_column,
    optional,
    status_rows,
    tolerance,
)
from natije.results.thresholds import DEFAULT, STATUSES, Thresholds

PARALLEL_ROWS = 200_000
"""From this many target rows on, :func:`judge` splits the rows over two threads."""
LABELS = pl.Series("status", list(STATUSES), dtype=pl.Enum(list(STATUSES)))


def assign_status(frame: pl.DataFrame, today: date, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Add ``status`` (and ``pace``) to a scored, forecast target frame, judged on ``today``
    (the rules of :func:`natije.results.kernels.status_one`, row by row)."""
    inputs = frame.select(pl.col("met").cast(pl.Int8).fill_null(-1), *_status_inputs(frame))
    status, pace = status_rows(*arrays(inputs), month_index(today), _rules(thresholds))
    return frame.with_columns(float_column("pace", pace), coded_column("status", status, LABELS))


def judge(frame: pl.DataFrame, series: pl.DataFrame, today: date, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Score, forecast and status of target rows in one pass: the same as
    :func:`natije.results.achievement.score`, :func:`natije.results.forecast.forecast` and :func:`assign_status`
    in turn. ``frame`` holds the rows with their actual (:func:`natije.results.achievement.attach_actuals`),
    ``_s`` (the position of their series in ``series``, null: none), ``_past``, ``_d`` and ``_pct`` (as
    :func:`natije.results.achievement.target_rows` and ``attach_actuals`` give them); the series' fit is read from
    ``series`` by position, not copied onto the rows."""
    # `_d` and `_pct` (direction code, unit in %) come from target_rows, coded once per indicator
    inputs = frame.select(
        floats("actual"), floats("baseline"), floats("target"), "_d", tolerance(thresholds.maintain_tolerance),
        pl.col("period_start").cast(pl.Int32), pl.col("period_end").cast(pl.Int32), floats("baseline_start"),
        floats("baseline_end"), (pl.col("actual_period") == pl.col("period")).fill_null(False), "_pct",
        pl.col("_s").cast(pl.Int64).fill_null(-1), pl.col("_past").fill_null(False), *_lag_inputs(frame))
    fit = series.select(pl.col("n").cast(pl.Int64), *(floats(c) for c in ("xbar", "ybar", "sxx", "b", "s2")),
                        optional(series, "first_x"), optional(series, "first_measure"))
    rows = frame.height
    # met; gap, ratio, achievement, value, low, high, p_meet; reason; status; pace
    out: list[np.ndarray] = [np.empty(rows, np.int8), *(np.empty(rows) for _ in range(7)),
                             np.empty(rows, np.int8), np.empty(rows, np.int8), np.empty(rows)]
    args = (*arrays(inputs), *arrays(fit), max(thresholds.min_points, 3), quantiles(series, thresholds),
            month_index(today), _rules(thresholds), *out)
    # the loop releases the GIL: on large frames two threads take half the rows each
    if rows >= PARALLEL_ROWS:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda r: judge_rows(*r, *args), [(0, rows // 2), (rows // 2, rows)]))
    else:
        judge_rows(0, rows, *args)
    met, gap, ratio, ach, value, low, high, p_meet, reason, status, pace = out
    return frame.drop("_s", "_past", "_d", "_pct", "actual_end", strict=False).with_columns(
        met_column(met), float_column("gap_closed", gap), float_column("ratio", ratio),
        float_column("achievement", ach), *forecast_columns(value, low, high, p_meet, reason),
        float_column("pace", pace), coded_column("status", status, LABELS))


def _status_inputs(frame: pl.DataFrame) -> list[pl.Expr]:
    """What :func:`natije.results.kernels.status_one` reads after ``met``, in its argument order."""
    return [floats("actual"), floats("baseline"), floats("target"), direction_code(), optional(frame, "gap_closed"),
            pl.col("period_start").cast(pl.Int32), pl.col("period_end").cast(pl.Int32),
            optional(frame, "baseline_start"), optional(frame, "baseline_end"), optional(frame, "first_x"),
            optional(frame, "first_measure"), (pl.col("actual_period") == pl.col("period")).fill_null(False),
            optional(frame, "p_meet"), _reason_code(frame), *_lag_inputs(frame)]


def _lag_inputs(frame: pl.DataFrame) -> list[pl.Expr]:
    """The actual's period end and the indicator's frequency (months; 0: not known), which place the pace in
    time (:func:`natije.results.kernels.status_one`)."""
    return [optional(frame, "actual_end").fill_nan(0.0).alias("actual_end"),
            optional(frame, "freq_months").fill_nan(0.0).alias("freq_months")]


def _reason_code(frame: pl.DataFrame) -> pl.Expr:
    """:func:`natije.results.kernels.forecast_one`'s reason code of ``forecast_reason`` (0 when not forecast)."""
    if "forecast_reason" not in frame.columns:
        return pl.lit(0, pl.Int8).alias("forecast_reason")
    return pl.col("forecast_reason").cast(pl.String).replace_strict(
        {"no_data": 1, "insufficient_data": 2}, default=0, return_dtype=pl.Int8)


def _rules(th: Thresholds) -> np.ndarray:
    return np.array([th.reporting_lag_months, th.p_on_track, th.p_at_risk, th.pace_on_track, th.pace_at_risk],
                    dtype=np.float64)


def count_by_status(frame: pl.DataFrame) -> dict[str, int]:
    """How many rows fall in each status (every status present, zeros included)."""
    counts = dict(frame.group_by("status").len().iter_rows()) if frame.height else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}
