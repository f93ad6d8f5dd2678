"""Forecast of an indicator's value at its target period: a linear trend with a t predictive interval.

Model (docs/results-rules.md): on the last ``k`` observed points of each series, ``y = a + b·x + ε``,
``ε ~ N(0, σ²)`` independent, ``x`` = period midpoint in years. Fitted in closed form per series (grouped sums in
polars, no Python loop over series). The predictive distribution at ``x*`` is Student t with ``n − 2`` degrees of
freedom, centre ``ŷ = a + b·x*`` and scale ``s·√(1 + 1/n + (x* − x̄)²/Sxx)``. ``p_meet`` is the probability that
the value at ``x*`` lies on the right side of the target (inside the band for ``maintain``). Shares in % are
clipped to [0, 100] (value and interval; ``p_meet`` is unaffected). Fewer than ``min_points`` points: no forecast,
``forecast_reason = "insufficient_data"``.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import special, stats

from natije.results.kernels import fit_runs
from natije.results.series import KEY, Runs, series_runs
from natije.results.thresholds import DEFAULT, Thresholds

KEY = ["indicator", "territory"]
YEAR = (pl.col("period_start") + pl.col("period_end")) / 24.0
X0 = 2000.0


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

    ``targets`` needs indicator, territory, period_start, period_end, target, direction, tolerance, unit.
    """
    joined = "b" in targets.columns  # attach_actuals already brought the series' columns along
    plan = (targets if joined else targets.join(trends, on=KEY, how="left")).lazy()
    xs = YEAR - X0
    ok = (pl.col("n") >= max(thresholds.min_points, 3)) & pl.col("b").is_not_null()
    # t quantile per distinct degrees of freedom (few), looked up rather than computed per row
    dof = (pl.col("n").cast(pl.Float64).fill_null(3.0) - 2.0).clip(lower_bound=1.0)
    dfs = list(range(1, max(thresholds.forecast_window, 3) - 1))
    quantiles = dict(zip([float(d) for d in dfs], stats.t.ppf(0.5 + thresholds.interval / 2, dfs).tolist()))
    mu, se, tgt = pl.col("forecast_value"), pl.col("_se"), pl.col("target")
    tol = pl.coalesce(pl.col("tolerance"), tgt.abs() * thresholds.maintain_tolerance)
    maintain = (pl.col("direction") == "maintain") & mu.is_not_null()
    f = plan.with_columns(
        pl.when(ok).then(pl.col("ybar") + pl.col("b") * (xs - pl.col("xbar"))).alias("forecast_value"),
        pl.when(ok).then(
            (pl.col("s2") * (1 + 1 / pl.col("n") + (xs - pl.col("xbar")) ** 2 / pl.col("sxx"))).sqrt()
        ).alias("_se"),
        pl.when(pl.col("n").is_null()).then(pl.lit("no_data")).when(~ok).then(pl.lit("insufficient_data"))
        .alias("forecast_reason"), dof.alias("_df"),
    ).with_columns(
        (mu - pl.col("_df").replace_strict(quantiles, default=None, return_dtype=pl.Float64) * se).alias("forecast_low"),
        (mu + pl.col("_df").replace_strict(quantiles, default=None, return_dtype=pl.Float64) * se).alias("forecast_high"),
        ((mu - tgt) / se).alias("_z"),
        pl.when(maintain).then((tgt + tol - mu) / se).alias("_hi"), pl.when(maintain).then((tgt - tol - mu) / se)
        .alias("_lo"),
    ).collect()
    long = f.filter(pl.col("_df") > max(dfs)).height  # series longer than the window: quantiles by scipy
    if long:
        far = f["_df"].unique().to_list()
        more = dict(zip(far, stats.t.ppf(0.5 + thresholds.interval / 2, far).tolist()))
        q = pl.col("_df").replace_strict(more, return_dtype=pl.Float64) * se
        f = f.with_columns((mu - q).alias("forecast_low"), (mu + q).alias("forecast_high"))
    df = f["_df"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        up = _cdf(f["_z"].to_numpy(allow_copy=True), df)   # P(Y* >= target)
        if f["_hi"].null_count() < f.height:
            hi, lo = f["_hi"].to_numpy(allow_copy=True), f["_lo"].to_numpy(allow_copy=True)
            band = ~np.isnan(hi)
            up[band] = _cdf(hi[band], df[band]) - _cdf(lo[band], df[band])
    pct = pl.col("unit") == "%"
    clip = [pl.when(pct).then(pl.col(c).clip(0, 100)).otherwise(pl.col(c)).alias(c)
            for c in ("forecast_value", "forecast_low", "forecast_high")]
    fit = ("n", "xbar", "ybar", "sxx", "sxy", "syy", "b", "s2", "last_end", "last_x", "last_measure",
           "last_illustrative")
    p = pl.Series("_up", up).fill_nan(None)
    return f.lazy().with_columns(p).with_columns(
        pl.when(mu.is_null()).then(None).when(maintain).then(pl.col("_up"))
        .when(pl.col("direction") == "decrease").then(1 - pl.col("_up")).otherwise(pl.col("_up")).alias("p_meet"),
        *clip,
    ).drop("_z", "_df", "_up", "_hi", "_lo", "_se", *fit, strict=False).collect()


def _cdf(z: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t CDF that treats a zero scale (a perfect fit) as a step at zero.

    Three and four degrees of freedom (series of five or six points, the common case) use the closed forms,
    ten times cheaper than the incomplete beta function; the rest goes to scipy.
    """
    out = np.empty_like(z, dtype=float)
    for d in np.unique(df):
        at = slice(None) if d == df[0] and (df == d).all() else np.flatnonzero(df == d)
        out[at] = _cdf_one(z[at], float(d))
    out = np.where(np.isposinf(z), 1.0, np.where(np.isneginf(z), 0.0, out))
    return np.where(np.isnan(z) & ~np.isnan(out), 0.5, out)


def _cdf_one(z: np.ndarray, d: float) -> np.ndarray:
    """Student t CDF for one number of degrees of freedom (closed form for 3 and 4 where finite)."""
    if d not in (3.0, 4.0) or not (np.abs(z[~np.isnan(z)]) < 1e100).all():
        return special.stdtr(d, z)  # the Student t CDF without scipy.stats' argument checking
    if d == 3.0:
        u = z / np.sqrt(3.0)
        return 0.5 + (u / (1 + u * u) + np.arctan(u)) / np.pi
    q = 1 + z * z / 4
    return 0.5 + 0.375 * (z / np.sqrt(q)) * (1 - z * z / (12 * q))
