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
from scipy import stats

from natije.results.thresholds import DEFAULT, Thresholds

KEY = ["indicator", "territory"]
YEAR = (pl.col("period_start") + pl.col("period_end")) / 24.0


def fit_trends(meas: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Per series: ``n``, ``xbar``, ``ybar``, ``sxx``, slope ``b`` and residual variance ``s2`` of the trend.

    ``meas`` needs indicator, territory, period_start, period_end and ``measure``; nulls are ignored.
    """
    k = thresholds.forecast_window
    m = meas.filter(pl.col("measure").is_not_null() & pl.col("measure").is_finite()).select(
        *KEY, YEAR.alias("x"), pl.col("measure").alias("y")
    )
    m = m.sort(*KEY, "x").filter(pl.int_range(pl.len(), 0, -1).over(KEY) <= k)
    x, y = pl.col("x"), pl.col("y")
    g = m.group_by(KEY).agg(
        pl.len().alias("n"), x.mean().alias("xbar"), y.mean().alias("ybar"),
        ((x - x.mean()) ** 2).sum().alias("sxx"), ((x - x.mean()) * (y - y.mean())).sum().alias("sxy"),
        ((y - y.mean()) ** 2).sum().alias("syy"), x.max().alias("x_last"),
    )
    b = pl.when(pl.col("sxx") > 0).then(pl.col("sxy") / pl.col("sxx"))
    return g.with_columns(b.alias("b")).with_columns(
        pl.when(pl.col("n") > 2)
        .then(((pl.col("syy") - pl.col("b") * pl.col("sxy")).clip(lower_bound=0)) / (pl.col("n") - 2))
        .alias("s2")
    )


def forecast(targets: pl.DataFrame, trends: pl.DataFrame, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Add ``forecast_value``, ``forecast_low``, ``forecast_high``, ``p_meet``, ``forecast_reason`` to targets.

    ``targets`` needs indicator, territory, period_start, period_end, target, direction, tolerance, unit.
    """
    f = targets.join(trends, on=KEY, how="left").with_columns(YEAR.alias("_xs"))
    ok = (pl.col("n") >= max(thresholds.min_points, 3)) & pl.col("b").is_not_null()
    f = f.with_columns(
        pl.when(ok).then(pl.col("ybar") + pl.col("b") * (pl.col("_xs") - pl.col("xbar"))).alias("forecast_value"),
        pl.when(ok).then(
            (pl.col("s2") * (1 + 1 / pl.col("n") + (pl.col("_xs") - pl.col("xbar")) ** 2 / pl.col("sxx"))).sqrt()
        ).alias("_se"),
        pl.when(pl.col("n").is_null()).then(pl.lit("no_data")).when(~ok).then(pl.lit("insufficient_data"))
        .alias("forecast_reason"),
    )
    df = (f["n"].fill_null(3).to_numpy() - 2).clip(1).astype(float)
    mu = f["forecast_value"].to_numpy(allow_copy=True).astype(float)
    se = f["_se"].to_numpy(allow_copy=True).astype(float)
    tgt = f["target"].to_numpy(allow_copy=True).astype(float)
    direction = f["direction"].to_numpy(allow_copy=True)
    tol = f["tolerance"].fill_null(f["target"].abs() * thresholds.maintain_tolerance).to_numpy().astype(float)
    q = stats.t.ppf(0.5 + thresholds.interval / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        up = _cdf((mu - tgt) / se, df)                     # P(Y* >= target)
        band = _cdf((tgt + tol - mu) / se, df) - _cdf((tgt - tol - mu) / se, df)
    p = np.where(direction == "decrease", 1 - up, np.where(direction == "maintain", band, up))
    p = np.where(np.isnan(mu), np.nan, p)
    lo, hi = mu - q * se, mu + q * se
    f = f.with_columns(
        pl.Series("forecast_low", lo), pl.Series("forecast_high", hi), pl.Series("p_meet", p).fill_nan(None),
    ).with_columns(pl.col("forecast_low", "forecast_high").fill_nan(None))
    pct = pl.col("unit") == "%"
    clip = [pl.when(pct).then(pl.col(c).clip(0, 100)).otherwise(pl.col(c)).alias(c)
            for c in ("forecast_value", "forecast_low", "forecast_high")]
    return f.with_columns(*clip).drop("_xs", "_se", "n", "xbar", "ybar", "sxx", "sxy", "syy", "b", "s2",
                                      "x_last")


def _cdf(z: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t CDF that treats a zero scale (a perfect fit) as a step at zero."""
    out = stats.t.cdf(z, df)
    out = np.where(np.isposinf(z), 1.0, np.where(np.isneginf(z), 0.0, out))
    return np.where(np.isnan(z) & ~np.isnan(out), 0.5, out)
