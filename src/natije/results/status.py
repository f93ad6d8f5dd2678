"""Status of each target: achieved, on_track, at_risk, off_track, missed, insufficient_data or no_data.

Rules, in order (thresholds in :class:`natije.results.thresholds.Thresholds`):

1. ``achieved`` — the actual (by the indicator's kind) reaches the target, also before the target period.
2. ``missed`` — the target period has ended, the target is not reached, and either a value for the target
   period is known or ``reporting_lag_months`` have passed since the period ended.
3. With a forecast: ``p_meet ≥ p_on_track`` → ``on_track``; ``≥ p_at_risk`` → ``at_risk``; else ``off_track``.
4. Without a forecast (too few points) but with an actual and a baseline (else the first observed value, if it
   is not the actual itself): pace = share of the gap closed ÷ share of the time elapsed from the baseline
   period to the target period — elapsed up to the period the data could cover (frequency and reporting lag)
   or the actual's own period when more recent, not up to the as-of date; cut at ``pace_on_track`` /
   ``pace_at_risk``.
5. Otherwise ``insufficient_data`` when the series has values but too few to judge, else ``no_data``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl

from natije.results.asof import month_index
from natije.results.columns import (
    arrays_of,
    coded_column,
    float_column,
    floats,
    met_column,
    optional,
    tolerance,
)
from natije.results.forecast import forecast_columns, quantiles
from natije.results.loops import Judgement, Judging, SeriesFits, TargetRows, judge_rows
from natije.results.thresholds import DEFAULT, STATUSES, Thresholds

PARALLEL_ROWS = 200_000
"""From this many target rows on, :func:`judge` splits the rows over two threads."""
LABELS = pl.Series("status", list(STATUSES), dtype=pl.Enum(list(STATUSES)))


def judge(
    frame: pl.DataFrame, series: pl.DataFrame, today: date, thresholds: Thresholds = DEFAULT
) -> pl.DataFrame:
    """Score, forecast and status of target rows in one pass (:func:`natije.results.loops.judge_rows`: the
    rules of :mod:`natije.results.rules` on every row). ``frame`` holds the rows with their actual
    (:func:`natije.results.achievement.attach_actuals`), ``_s`` (the position of their series in ``series``,
    null: none), ``_past``, ``_d`` and ``_pct`` (as :func:`natije.results.achievement.target_rows` and
    ``attach_actuals`` give them); the series' fit is read from ``series`` by position, not copied onto
    the rows.
    """
    rows, fit, how = target_arrays(frame, thresholds), fits(series), judging(series, today, thresholds)
    out = Judgement.empty(frame.height)
    # the compiled loop releases the GIL: on large frames two threads take half the rows each
    if frame.height >= PARALLEL_ROWS:
        half = frame.height // 2
        parts = [
            (_rows(rows, part), fit, how, _rows(out, part)) for part in (slice(0, half), slice(half, None))
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda args: judge_rows(*args), parts))
    else:
        judge_rows(rows, fit, how, out)
    return frame.drop("_s", "_past", "_d", "_pct", "actual_end", strict=False).with_columns(
        met_column(out.met),
        float_column("gap_closed", out.gap_closed),
        float_column("ratio", out.ratio),
        float_column("achievement", out.achievement),
        *forecast_columns(out),
        float_column("pace", out.pace),
        coded_column("status", out.status, LABELS),
    )


def target_arrays(frame: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> TargetRows:
    """The columns of target rows that the rules read (see :func:`judge` for what ``frame`` holds)."""
    # `_d` and `_pct` (direction code, unit in %) come from target_rows, coded once per indicator
    return arrays_of(
        TargetRows,
        frame,
        {
            "actual": floats("actual"),
            "baseline": floats("baseline"),
            "target": floats("target"),
            "direction": "_d",
            "tolerance": tolerance(thresholds.maintain_tolerance),
            "period_start": pl.col("period_start").cast(pl.Int32),
            "period_end": pl.col("period_end").cast(pl.Int32),
            "baseline_start": floats("baseline_start"),
            "baseline_end": floats("baseline_end"),
            "reported": (pl.col("actual_period") == pl.col("period")).fill_null(False),
            "percent": "_pct",
            "series": pl.col("_s").cast(pl.Int64).fill_null(-1),
            "past": pl.col("_past").fill_null(False),
            # the actual's period end and the indicator's frequency (months; 0: not known)
            # place the pace in time
            "actual_end": optional(frame, "actual_end").fill_nan(0.0),
            "freq_months": optional(frame, "freq_months").fill_nan(0.0),
        },
    )


def fits(series: pl.DataFrame) -> SeriesFits:
    """The series' fits (:func:`natije.results.forecast.measure_and_fit`) that the rules read."""
    return arrays_of(
        SeriesFits,
        series,
        {
            "n": pl.col("n").cast(pl.Int64),
            **{c: floats(c) for c in ("xbar", "ybar", "sxx")},
            "slope": floats("b"),
            "s2": floats("s2"),
            "first_x": optional(series, "first_x"),
            "first_y": optional(series, "first_measure"),
        },
    )


def judging(series: pl.DataFrame, today: date, thresholds: Thresholds = DEFAULT) -> Judging:
    """The day (its month) and the cut-offs the rules judge by; the interval's quantiles as far as ``series``
    need them."""
    th = thresholds
    return Judging(
        month_index(today),
        max(th.min_points, 3),
        quantiles(series, th),
        float(th.reporting_lag_months),
        float(th.p_on_track),
        float(th.p_at_risk),
        float(th.pace_on_track),
        float(th.pace_at_risk),
    )


def _rows(columns: tuple, part: slice) -> tuple:
    """The same named tuple of arrays, cut to the rows ``part`` (views: writes go to the whole arrays)."""
    return type(columns)(*(c[part] for c in columns))


def count_by_status(frame: pl.DataFrame) -> dict[str, int]:
    """How many rows fall in each status (every status present, zeros included)."""
    counts = dict(frame.group_by("status").len().iter_rows()) if frame.height else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}
