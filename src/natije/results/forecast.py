"""Forecast of an indicator's value at its target period: a linear trend with a t predictive interval.

Model (docs/results-rules.md): on the last ``k`` observed points of each series, ``y = a + b·x + ε``,
``ε ~ N(0, σ²)`` independent, ``x`` = period midpoint in years. Fitted in closed form per series (grouped sums in
polars, no Python loop over series). The predictive distribution at ``x*`` is Student t with ``n − 2`` degrees of
freedom, centre ``ŷ = a + b·x*`` and scale ``s·√(1 + 1/n + (x* − x̄)²/Sxx)``. ``p_meet`` is the probability that
the value at ``x*`` lies on the right side of the target (inside the band for ``maintain``). Shares in % are
clipped to [0, 100] (value and interval; ``p_meet`` is unaffected). Fewer than ``min_points`` points: no forecast,
``forecast_reason = "insufficient_data"``. A target already met gets no ``p_meet``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from natije.results.kernels import (
    arrays,
    coded_column,
    direction_code,
    fit_runs,
    float_column,
    floats,
    forecast_rows,
    t_quantile,
    tolerance,
)
from natije.results.series import KEY, Runs, series_runs
from natije.results.thresholds import DEFAULT, Thresholds

X0 = 2000.0  # x = period midpoint in years since X0 (the kernels use the same origin)


def measure_and_fit(observations: pl.DataFrame, cumulative: pl.Series | None = None,
                    thresholds: Thresholds = DEFAULT, runs: Runs | None = None
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The observations with their ``measure`` and, per series, the trend sums and last point — one pass.

    ``measure`` is the running sum of the values for indicators listed in ``cumulative`` (a null adds nothing),
    the value otherwise. The series frame has per (indicator, territory): ``n`` (usable points in the window of
    the last ``forecast_window``), ``xbar``, ``ybar``, centred sums ``sxx``, ``sxy``, ``syy``, slope ``b``,
    residual variance ``s2``, the last usable point (``last_end``, ``last_x``, ``last_measure``,
    ``last_illustrative``) and, for two-point series, the first (``first_x``, ``first_measure``); ``x`` is the
    period midpoint in years since 2000. A series without a usable point (null or non-finite measures only) is
    left out. Rows are taken in series order — sorted first unless ``runs`` (from
    :func:`natije.results.series.series_runs`) says they already are; each series is then a run of rows,
    walked once by :func:`natije.results.kernels.fit_runs`.
    """
    runs = series_runs(observations) if runs is None else runs
    obs, starts = runs.frame, runs.starts
    h = obs.height
    ps, pe = obs["period_start"], obs["period_end"]
    value = obs["value"].cast(pl.Float64)
    gaps = value.null_count() or ps.null_count() or pe.null_count()
    missing = (value.is_null() | ps.is_null() | pe.is_null()).to_numpy() if gaps else np.zeros(h, np.bool_)
    cum = (runs.keys["indicator"].is_in(cumulative.implode()).fill_null(False).to_numpy()
           if cumulative is not None and len(cumulative) else np.zeros(len(starts), dtype=np.bool_))
    measure = np.empty(h)
    ps_np = (ps.fill_null(0) if gaps else ps).cast(pl.Int32).to_numpy()
    pe_np = (pe.fill_null(0) if gaps else pe).cast(pl.Int32).to_numpy()
    rising, n, xbar, ybar, cxx, cxy, cyy, last_row, last_end, last_x, last_y, first_x, first_y = fit_runs(
        np.ascontiguousarray(starts, dtype=np.int64), ps_np, pe_np,
        (value.fill_null(0.0) if gaps else value).to_numpy(), missing, cum, int(thresholds.forecast_window),
        measure)
    if not rising:  # periods out of order within a series (runs given wrongly): sort, then again
        return measure_and_fit(obs.sort(*KEY, "period_end", maintain_order=True, nulls_last=True), cumulative,
                               thresholds)
    meas = obs.with_columns(_measure_column(measure, missing, cum, starts, h))
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(cxx > 1e-12, cxy / cxx, np.nan)
        s2 = np.where(n > 2, np.clip(cyy - b * cxy, 0, None) / (n - 2), np.nan)
    two = n == 2
    ill = obs["illustrative"].fill_null(False).gather(pl.Series(np.maximum(last_row, 0))) \
        if "illustrative" in obs.columns else pl.repeat(False, len(starts), eager=True)
    series = runs.keys.with_columns(
        pl.Series("n", n, dtype=pl.UInt32), pl.Series("sxx", cxx), pl.Series("sxy", cxy), pl.Series("syy", cyy),
        pl.Series("last_end", last_end, dtype=pl.Int32), pl.Series("last_x", last_x),
        pl.Series("last_measure", last_y), ill.alias("last_illustrative"),
        pl.Series("xbar", xbar), pl.Series("ybar", ybar),
        pl.Series("first_x", np.where(two, first_x, np.nan), nan_to_null=True),
        pl.Series("first_measure", np.where(two, first_y, np.nan), nan_to_null=True),
        pl.Series("b", b, nan_to_null=True), pl.Series("s2", s2, nan_to_null=True),
    )
    if (n == 0).any():
        series = series.filter(pl.Series(n > 0))
    return meas, series


def _measure_column(measure: np.ndarray, missing: np.ndarray, cum: np.ndarray, starts: np.ndarray,
                    h: int) -> pl.Series:
    """``measure`` as a column: null where a non-cumulative value is null (NaN values stay NaN)."""
    out = pl.Series("measure", measure)
    if not missing.any():
        return out
    blank = pl.Series(missing & ~np.repeat(cum, np.diff(np.append(starts, h))))
    return pl.select(pl.when(blank).then(None).otherwise(out).alias("measure")).to_series()


def fit_trends(meas: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Per series: the fit of :func:`measure_and_fit` on an existing ``measure`` column (nulls and non-finite
    values are skipped)."""
    frame = meas.with_columns(pl.col("measure").alias("value"))
    return measure_and_fit(frame, None, thresholds)[1]


def forecast(targets: pl.DataFrame, trends: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Add ``forecast_value``, ``forecast_low``, ``forecast_high``, ``p_meet``, ``forecast_reason`` to targets.

    ``targets`` needs indicator, territory, period_start, period_end, target, direction, tolerance, unit; the
    series' fit (:func:`measure_and_fit`) is joined from ``trends`` unless the rows carry it already. Row by row
    in :func:`natije.results.kernels.forecast_rows`; the fit's columns are dropped from the result.
    """
    t = targets if "b" in targets.columns else targets.join(trends, on=KEY, how="left")
    min_points = max(thresholds.min_points, 3)
    value, low, high, p_meet, reason = forecast_rows(*arrays(t.select(forecast_inputs(thresholds, t))), min_points,
                                                     quantiles(t, thresholds))
    return t.drop(*FIT, strict=False).with_columns(forecast_columns(value, low, high, p_meet, reason))


FIT = ("n", "xbar", "ybar", "sxx", "sxy", "syy", "b", "s2", "last_end", "last_x", "last_measure",
       "last_illustrative")
"""The series' fit columns, dropped once the forecast is made."""
REASONS = pl.Series([None, "no_data", "insufficient_data"], dtype=pl.String)


def forecast_inputs(thresholds: Thresholds, frame: pl.DataFrame | None = None) -> list[pl.Expr]:
    """The columns :func:`natije.results.kernels.forecast_rows` reads, in its argument order (``met`` from
    ``frame`` when it is scored, else unknown)."""
    met = pl.col("met").cast(pl.Int8).fill_null(-1) if frame is not None and "met" in frame.columns \
        else pl.lit(-1, pl.Int8).alias("met")
    return [met, pl.col("n").fill_null(0).cast(pl.Int64), *(floats(c) for c in ("xbar", "ybar", "sxx", "b", "s2")),
            pl.col("period_start").cast(pl.Int32), pl.col("period_end").cast(pl.Int32), floats("target"),
            direction_code(), tolerance(thresholds.maintain_tolerance), (pl.col("unit") == "%").fill_null(False)]


def quantiles(rows: pl.DataFrame, thresholds: Thresholds) -> np.ndarray:
    """The interval's Student t quantile for 0, 1, … degrees of freedom, as far as any row needs."""
    window = max(thresholds.forecast_window, thresholds.min_points, 3, int(rows["n"].max() or 0))  # type: ignore[arg-type]
    level = 0.5 + thresholds.interval / 2
    return np.array([np.nan, *(t_quantile(level, nu) for nu in range(1, window + 1))])


def forecast_columns(value: np.ndarray, low: np.ndarray, high: np.ndarray, p_meet: np.ndarray,
                     reason: np.ndarray) -> list[pl.Series]:
    """The forecast's output columns from the kernel's arrays."""
    return [float_column("forecast_value", value), float_column("forecast_low", low),
            float_column("forecast_high", high), float_column("p_meet", p_meet),
            coded_column("forecast_reason", reason, REASONS)]
