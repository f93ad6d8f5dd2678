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

from natije.results.series import in_series_order, last_k, segment_sums
from natije.results.thresholds import DEFAULT, Thresholds

KEY = ["indicator", "territory"]
YEAR = (pl.col("period_start") + pl.col("period_end")) / 24.0
X0 = 2000.0


def fit_trends(meas: pl.DataFrame, thresholds: Thresholds = DEFAULT, starts: np.ndarray | None = None) -> pl.DataFrame:
    """Per series: ``n``, ``xbar``, ``ybar``, ``sxx``, ``sxy``, ``syy``, slope ``b``, residual variance ``s2``,
    the last point (``last_end``, ``last_x``, ``last_measure``, ``last_illustrative``) and, for two-point series,
    the first one (``first_x``, ``first_measure``; derived from the sums, so no extra pass).

    ``meas`` needs indicator, territory, period_start, period_end and ``measure``; nulls are ignored. Rows are
    taken in series order (sorted first when they are not; ``starts``, from
    :func:`natije.results.series.in_series_order`, says they already are): each series is a run of rows, its
    sums are segment sums (``x`` = period midpoint in years since 2000, to keep sums small) and its last point is
    its last row. Then closed forms.
    """
    k = thresholds.forecast_window
    usable = pl.col("measure").is_not_null() & pl.col("measure").is_finite()
    if meas.height and not meas.select(usable.all()).item():  # copy the rows only when some must go
        meas, starts = meas.filter(usable), None
    if starts is None:
        meas, starts = in_series_order(meas)
    cols = meas.select(YEAR - X0, pl.col("measure").cast(pl.Float64), pl.col("period_end"),
                       (pl.col("illustrative").fill_null(False) if "illustrative" in meas.columns else pl.lit(False))
                       .alias("ill"))
    x, y = cols.to_series(0).to_numpy(), cols.to_series(1).to_numpy()
    keep = last_k(starts, meas.height, k)  # only long series pay for the window (the last k points)
    lengths = np.diff(np.append(starts, meas.height))
    if keep is not None:
        x, y = x[keep], y[keep]
        lengths = np.minimum(lengths, k)
        starts_k = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    else:
        starts_k = starts
    sx, sy = segment_sums(starts_k, x, y)
    buf = np.empty_like(x)  # one scratch array for the three products (large inputs: fewer fresh pages)
    sxx, sxy, syy = (segment_sums(starts_k, np.multiply(a, b, out=buf))[0] for a, b in ((x, x), (x, y), (y, y)))
    last = starts_k + lengths - 1
    # each series' last row in the frame (the window keeps the last rows, so it is the series' last row)
    at_last = pl.Series(np.append(starts[1:], meas.height) - 1 if len(starts) else [], dtype=pl.Int64)
    # the closed forms on the per-series numpy arrays (NaN marks "not defined"; the sums themselves are finite)
    n = lengths.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cxx, cxy, cyy = sxx - sx * sx / n, sxy - sx * sy / n, syy - sy * sy / n
        b = np.where(cxx > 1e-12, cxy / cxx, np.nan)
        s2 = np.where(n > 2, np.clip(cyy - b * cxy, 0, None) / (n - 2), np.nan)
        first_x = np.where(n == 2, sx - x[last], np.nan)
        first_measure = np.where(n == 2, sy - y[last], np.nan)
    return meas.select(*KEY).gather(pl.Series(starts)).with_columns(
        pl.Series("n", lengths, dtype=pl.UInt32), pl.Series("sxx", cxx), pl.Series("sxy", cxy),
        pl.Series("syy", cyy), cols.to_series(2).gather(at_last).alias("last_end"), pl.Series("last_x", x[last]),
        pl.Series("last_measure", y[last]), cols.to_series(3).gather(at_last).alias("last_illustrative"),
        pl.Series("xbar", sx / n), pl.Series("ybar", sy / n),
        pl.Series("first_x", first_x, nan_to_null=True), pl.Series("first_measure", first_measure, nan_to_null=True),
        pl.Series("b", b, nan_to_null=True), pl.Series("s2", s2, nan_to_null=True),
    )


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
