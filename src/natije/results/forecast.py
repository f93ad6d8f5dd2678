"""Forecast of an indicator's value at its target period: a linear trend with a t predictive interval.

Model (docs/results-rules.md): on the last ``k`` observed points of each series, ``y = a + b·x + ε``,
``ε ~ N(0, σ²)`` independent, ``x`` = period midpoint in years since 2000. :func:`measure_and_fit` walks each
series once (:func:`natije.results.loops.fit_runs`) for its centred sums and fits it in closed form; the
forecast of each target row is :func:`natije.results.rules.forecast_one`, applied with the score and the
status in one pass (:func:`natije.results.status.judge`). The predictive distribution at ``x*`` is Student t
(:mod:`natije.results.tdist`) with ``n − 2`` degrees of freedom, centre ``ŷ = a + b·x*`` and scale
``s·√(1 + 1/n + (x* − x̄)²/Sxx)``. ``p_meet`` is the probability that the value at ``x*`` lies on the right
side of the target (inside the band for ``maintain``). Shares in % are clipped to [0, 100] (value and
interval; ``p_meet`` is unaffected). Fewer than ``min_points`` points: no forecast, ``forecast_reason =
"insufficient_data"``. A target already met gets no ``p_meet``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from natije.results.columns import coded_column, float_column
from natije.results.loops import Judgement, SeriesRows, fit_runs
from natije.results.rules import REASON_CODES
from natije.results.series import KEY, Runs, series_runs
from natije.results.tdist import t_quantile
from natije.results.thresholds import DEFAULT, Thresholds


def measure_and_fit(
    observations: pl.DataFrame,
    cumulative: pl.Series | None = None,
    thresholds: Thresholds = DEFAULT,
    runs: Runs | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The observations with their ``measure`` and, per series, the trend sums and last point — one pass.

    ``measure`` is the running sum of the values for indicators listed in ``cumulative`` (a null adds
    nothing), the value otherwise. The series frame has per (indicator, territory): ``n`` (usable points in
    the window of the last ``forecast_window``), ``xbar``, ``ybar``, centred sums ``sxx``, ``sxy``, ``syy``,
    slope ``b``, residual variance ``s2``, the last usable point (``last_end``, ``last_x``, ``last_measure``,
    ``last_illustrative``) and, for two-point series, the first (``first_x``, ``first_measure``); ``x`` is the
    period midpoint in years since 2000. A series without a usable point (null or non-finite measures only) is
    left out. Rows are taken in series order — sorted first unless ``runs`` (from
    :func:`natije.results.series.series_runs`) says they already are; each series is then a run of rows,
    walked once by :func:`natije.results.loops.fit_runs`.
    """
    runs = series_runs(observations) if runs is None else runs
    obs, starts = runs.frame, runs.starts
    h = obs.height
    ps, pe = obs["period_start"], obs["period_end"]
    value = obs["value"].cast(pl.Float64)
    gaps = value.null_count() or ps.null_count() or pe.null_count()
    missing = (value.is_null() | ps.is_null() | pe.is_null()).to_numpy() if gaps else np.zeros(h, np.bool_)
    cum = (
        runs.keys["indicator"].is_in(cumulative.implode()).fill_null(False).to_numpy()
        if cumulative is not None and len(cumulative)
        else np.zeros(len(starts), dtype=np.bool_)
    )
    ps_np = (ps.fill_null(0) if gaps else ps).cast(pl.Int32).to_numpy()
    pe_np = (pe.fill_null(0) if gaps else pe).cast(pl.Int32).to_numpy()
    fit = fit_runs(
        SeriesRows(
            np.ascontiguousarray(starts, dtype=np.int64),
            ps_np,
            pe_np,
            (value.fill_null(0.0) if gaps else value).to_numpy(),
            missing,
        ),
        cum,
        int(thresholds.forecast_window),
    )
    if not fit.rising:  # periods out of order within a series (runs given wrongly): sort, then again
        return measure_and_fit(
            obs.sort(*KEY, "period_end", maintain_order=True, nulls_last=True), cumulative, thresholds
        )
    n = fit.n
    meas = obs.with_columns(_measure_column(fit.measure, missing, cum, starts, h))
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(fit.cxx > 1e-12, fit.cxy / fit.cxx, np.nan)
        s2 = np.where(n > 2, np.clip(fit.cyy - b * fit.cxy, 0, None) / (n - 2), np.nan)
    two = n == 2
    ill = (
        obs["illustrative"].fill_null(False).gather(pl.Series(np.maximum(fit.last_row, 0)))
        if "illustrative" in obs.columns
        else pl.repeat(False, len(starts), eager=True)
    )
    series = runs.keys.with_columns(
        pl.Series("n", n, dtype=pl.UInt32),
        pl.Series("sxx", fit.cxx),
        pl.Series("sxy", fit.cxy),
        pl.Series("syy", fit.cyy),
        pl.Series("last_end", fit.last_end, dtype=pl.Int32),
        pl.Series("last_x", fit.last_x),
        pl.Series("last_measure", fit.last_y),
        ill.alias("last_illustrative"),
        pl.Series("xbar", fit.xbar),
        pl.Series("ybar", fit.ybar),
        pl.Series("first_x", np.where(two, fit.first_x, np.nan), nan_to_null=True),
        pl.Series("first_measure", np.where(two, fit.first_y, np.nan), nan_to_null=True),
        pl.Series("b", b, nan_to_null=True),
        pl.Series("s2", s2, nan_to_null=True),
    )
    if (n == 0).any():
        series = series.filter(pl.Series(n > 0))
    return meas, series


def _measure_column(
    measure: np.ndarray, missing: np.ndarray, cum: np.ndarray, starts: np.ndarray, h: int
) -> pl.Series:
    """``measure`` as a column: null where a non-cumulative value is null (NaN values stay NaN)."""
    out = pl.Series("measure", measure)
    if not missing.any():
        return out
    blank = pl.Series(missing & ~np.repeat(cum, np.diff(np.append(starts, h))))
    return pl.select(pl.when(blank).then(None).otherwise(out).alias("measure")).to_series()


REASONS = pl.Series(list(REASON_CODES), dtype=pl.String)


def quantiles(rows: pl.DataFrame, thresholds: Thresholds) -> np.ndarray:
    """The interval's Student t quantile for 0, 1, … degrees of freedom, as far as any row needs."""
    window = max(thresholds.forecast_window, thresholds.min_points, 3, int(rows["n"].max() or 0))  # type: ignore[arg-type]
    level = 0.5 + thresholds.interval / 2
    return np.array([np.nan, *(t_quantile(level, nu) for nu in range(1, window + 1))])


def forecast_columns(judged: Judgement) -> list[pl.Series]:
    """The forecast's output columns from the judging loop's arrays."""
    return [
        float_column("forecast_value", judged.forecast_value),
        float_column("forecast_low", judged.forecast_low),
        float_column("forecast_high", judged.forecast_high),
        float_column("p_meet", judged.p_meet),
        coded_column("forecast_reason", judged.forecast_reason, REASONS),
    ]
