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

from natije.results.thresholds import DEFAULT, Thresholds

KEY = ["indicator", "territory"]
YEAR = (pl.col("period_start") + pl.col("period_end")) / 24.0
X0 = 2000.0


def fit_trends(meas: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Per series: ``n``, ``xbar``, ``ybar``, ``sxx``, ``sxy``, ``syy``, slope ``b``, residual variance ``s2``,
    the last point (``last_end``, ``last_x``, ``last_measure``, ``last_illustrative``) and, for two-point series,
    the first one (``first_x``, ``first_measure``; derived from the sums, so no extra pass).

    ``meas`` needs indicator, territory, period_start, period_end and ``measure``; nulls are ignored. One
    grouped pass of plain sums (``x`` = period midpoint in years since 2000, to keep sums small), then closed
    forms.
    """
    k = thresholds.forecast_window
    ill = pl.col("illustrative").fill_null(False) if "illustrative" in meas.columns else pl.lit(False)
    usable = pl.col("measure").is_not_null() & pl.col("measure").is_finite()
    if not meas.select(usable.all()).item():  # copy the rows only when some must go
        meas = meas.filter(usable)
    m = meas.select(*KEY, (YEAR - X0).alias("x"), pl.col("measure").alias("y"), "period_end", ill.alias("illustrative"))
    g = _sums(m)
    longest = int(g["n"].max() or 0) if g.height else 0  # type: ignore[arg-type]
    if longest > k:  # only long series pay for the window (the last k points)
        g = _sums(m.sort(*KEY, "x").filter(pl.int_range(pl.len(), 0, -1).over(KEY) <= k))
    n = pl.col("n")
    two = n == 2
    g = g.with_columns(
        (pl.col("sx") / n).alias("xbar"), (pl.col("sy") / n).alias("ybar"),
        (pl.col("sxx") - pl.col("sx") ** 2 / n).alias("sxx"), (pl.col("sxy") - pl.col("sx") * pl.col("sy") / n)
        .alias("sxy"), (pl.col("syy") - pl.col("sy") ** 2 / n).alias("syy"),
        pl.when(two).then(pl.col("sx") - pl.col("last_x")).alias("first_x"),
        pl.when(two).then(pl.col("sy") - pl.col("last_measure")).alias("first_measure"),
    )
    b = pl.when(pl.col("sxx") > 1e-12).then(pl.col("sxy") / pl.col("sxx"))
    return g.with_columns(b.alias("b")).with_columns(
        pl.when(n > 2).then((pl.col("syy") - pl.col("b") * pl.col("sxy")).clip(lower_bound=0) / (n - 2))
        .alias("s2")
    ).drop("sx", "sy")


def _sums(m: pl.DataFrame) -> pl.DataFrame:
    """Plain per-series sums of the trend fit, plus the last point (for actuals and staleness)."""
    x, y = pl.col("x"), pl.col("y")
    sums = (pl.len().alias("n"), x.sum().alias("sx"), y.sum().alias("sy"), (x * x).sum().alias("sxx"),
            (x * y).sum().alias("sxy"), (y * y).sum().alias("syy"), pl.col("period_end").max().alias("last_end"),
            x.max().alias("last_x"))
    # rows normally arrive in period order within each series (the store reads them so): then the last row is
    # the latest point. Checked per series; any series out of order is recomputed with an explicit arg-max.
    g = m.lazy().group_by(KEY).agg(*sums, x.last().alias("_xl"), y.last().alias("last_measure"),
                                   pl.col("illustrative").last().alias("last_illustrative")).collect()
    unordered = g.filter(pl.col("_xl") != pl.col("last_x"))
    g = g.drop("_xl")
    if unordered.height:
        fixed = m.join(unordered.select(KEY), on=KEY, how="semi").group_by(KEY).agg(
            *sums, y.max_by("x").alias("last_measure"), pl.col("illustrative").max_by("x").alias("last_illustrative"))
        g = pl.concat([g.join(unordered.select(KEY), on=KEY, how="anti"), fixed.select(g.columns)])
    return g


def forecast(targets: pl.DataFrame, trends: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Add ``forecast_value``, ``forecast_low``, ``forecast_high``, ``p_meet``, ``forecast_reason`` to targets.

    ``targets`` needs indicator, territory, period_start, period_end, target, direction, tolerance, unit.
    """
    joined = "b" in targets.columns  # attach_actuals already brought the series' columns along
    f = (targets if joined else targets.join(trends, on=KEY, how="left")).with_columns((YEAR - X0).alias("_xs"))
    ok = (pl.col("n") >= max(thresholds.min_points, 3)) & pl.col("b").is_not_null()
    f = f.with_columns(
        pl.when(ok).then(pl.col("ybar") + pl.col("b") * (pl.col("_xs") - pl.col("xbar"))).alias("forecast_value"),
        pl.when(ok).then(
            (pl.col("s2") * (1 + 1 / pl.col("n") + (pl.col("_xs") - pl.col("xbar")) ** 2 / pl.col("sxx"))).sqrt()
        ).alias("_se"),
        pl.when(pl.col("n").is_null()).then(pl.lit("no_data")).when(~ok).then(pl.lit("insufficient_data"))
        .alias("forecast_reason"),
    )
    # t quantile per distinct degrees of freedom (few), looked up rather than computed per row
    dof = (pl.col("n").cast(pl.Float64).fill_null(3.0) - 2.0).clip(lower_bound=1.0)
    dfs = f.select(dof.unique())["n"].to_list()
    quantiles = dict(zip(dfs, stats.t.ppf(0.5 + thresholds.interval / 2, dfs).tolist()))
    half = dof.replace_strict(quantiles, return_dtype=pl.Float64) * pl.col("_se")
    mu, se, tgt = pl.col("forecast_value"), pl.col("_se"), pl.col("target")
    tol = pl.coalesce(pl.col("tolerance"), tgt.abs() * thresholds.maintain_tolerance)
    f = f.with_columns((mu - half).alias("forecast_low"), (mu + half).alias("forecast_high"),
                       ((mu - tgt) / se).alias("_z"), dof.alias("_df"))
    with np.errstate(divide="ignore", invalid="ignore"):
        up = _cdf(f["_z"].to_numpy(allow_copy=True), f["_df"].to_numpy())   # P(Y* >= target)
    p = pl.Series("_up", up).fill_nan(None)
    f = f.with_columns(p).with_columns(
        pl.when(mu.is_null()).then(None).when(pl.col("direction") == "decrease").then(1 - pl.col("_up"))
        .otherwise(pl.col("_up")).alias("p_meet")
    )
    keep = (pl.col("direction") == "maintain") & mu.is_not_null()
    if f.select(keep.any()).item():
        band = f.filter(keep).select(((tgt + tol - mu) / se).alias("hi"), ((tgt - tol - mu) / se).alias("lo"), "_df")
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = _cdf(band["hi"].to_numpy(), band["_df"].to_numpy()) - _cdf(band["lo"].to_numpy(),
                                                                                   band["_df"].to_numpy())
        idx = f.with_row_index("_i").filter(keep)["_i"]
        p_all = f["p_meet"].to_numpy(allow_copy=True).astype(float)
        p_all[idx.to_numpy()] = inside
        f = f.with_columns(pl.Series("p_meet", p_all).fill_nan(None))
    f = f.drop("_z", "_df", "_up")
    pct = pl.col("unit") == "%"
    clip = [pl.when(pct).then(pl.col(c).clip(0, 100)).otherwise(pl.col(c)).alias(c)
            for c in ("forecast_value", "forecast_low", "forecast_high")]
    fit = ("n", "xbar", "ybar", "sxx", "sxy", "syy", "b", "s2", "last_end", "last_x", "last_measure",
           "last_illustrative")
    return f.with_columns(*clip).drop("_xs", "_se", *fit, strict=False)


def _cdf(z: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t CDF that treats a zero scale (a perfect fit) as a step at zero."""
    out = special.stdtr(df, z)  # the Student t CDF without scipy.stats' argument checking
    out = np.where(np.isposinf(z), 1.0, np.where(np.isneginf(z), 0.0, out))
    return np.where(np.isnan(z) & ~np.isnan(out), 0.5, out)
