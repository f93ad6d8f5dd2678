"""Roll-ups across territories (docs/results-rules.md).

* **Ratio indicators** (declared numerator and denominator): ``scale · Σ numerator / Σ denominator`` over the
  members that report both — never an average of percentages.
* **Counts and money** (additive units): the sum.
* **Other rates, shares and indices**: the mean weighted by ``weights`` (population) of the same period; members
  without a weight are left out, and when no member has one, equal weights are used.
* **Ranks**: not aggregated.
* Rolling up one territory returns its own value (identity) under every rule.
* A territory counts only for periods in which it was valid (``valid_from``/``valid_to``), so a region and its
  successor are never added twice.
"""

from __future__ import annotations

import polars as pl

from natije.domain import units
from natije.results.achievement import indicator_rules
from natije.results.frames import conform

GROUP = ["indicator", "into", "period"]


def roll_up(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, groups: pl.DataFrame
) -> pl.DataFrame:
    """Aggregate observations of member territories into the territory ``into`` of ``groups``.

    Parameters
    ----------
    observations : polars.DataFrame
        indicator, territory, period, period_start, period_end, value (and optionally illustrative).
    indicators, weights : polars.DataFrame
        Frames of :class:`~natije.results.frames.ProgramFrames`.
    groups : polars.DataFrame
        ``territory`` (member) → ``into`` (aggregate code); a member may belong to several aggregates.

    Returns
    -------
    polars.DataFrame
        indicator, territory (= into), period, period_start, period_end, value, method, members, illustrative.
    """
    rules = indicator_rules(indicators).with_columns(
        pl.col("unit").map_elements(lambda u: (units.resolve(u or "") or units.Unit("", "")).dimension == "rank",
                                    return_dtype=pl.Boolean).fill_null(False).alias("rank")
    )
    o = observations.join(groups.select("territory", "into"), on="territory")
    if "illustrative" not in o.columns:
        o = o.with_columns(pl.lit(False).alias("illustrative"))
    o = o.join(rules.select("indicator", "additive", "rank"), on="indicator", how="left").filter(
        ~pl.col("rank").fill_null(False)
    )
    w = weights.select("territory", "period", pl.col("weight").alias("w")).unique(["territory", "period"])
    o = o.join(w, on=["territory", "period"], how="left")
    any_w = pl.col("w").is_not_null().any().over(GROUP)
    o = o.with_columns(pl.when(any_w).then(pl.col("w")).otherwise(1.0).alias("w"))
    v, wt = pl.col("value"), pl.col("w")
    agg = o.group_by(GROUP).agg(
        pl.col("period_start").first(), pl.col("period_end").first(), pl.col("additive").first(),
        v.sum().alias("_sum"), (v * wt).sum().alias("_wv"), wt.filter(v.is_not_null()).sum().alias("_w"),
        pl.len().alias("members"), pl.col("illustrative").fill_null(False).any().alias("illustrative"),
    )
    agg = agg.with_columns(
        pl.when(pl.col("additive")).then(pl.col("_sum")).otherwise(pl.col("_wv") / pl.col("_w")).alias("value"),
        pl.when(pl.col("additive")).then(pl.lit("sum")).otherwise(pl.lit("weighted_mean")).alias("method"),
    )
    agg = _ratio_override(agg, o, rules)
    return agg.select(
        "indicator", pl.col("into").alias("territory"), "period", "period_start", "period_end", "value", "method",
        "members", "illustrative",
    )


def _ratio_override(agg: pl.DataFrame, o: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Recompute ratio indicators from their numerator and denominator sums where both are reported."""
    ratios = rules.filter(pl.col("ratio_numerator").is_not_null() & pl.col("ratio_denominator").is_not_null())
    if ratios.height == 0:
        return agg
    parts = ratios.select("indicator", "ratio_numerator", "ratio_denominator",
                          pl.col("ratio_scale").fill_null(100.0))
    num = o.select(pl.col("indicator").alias("ratio_numerator"), "territory", "into", "period",
                   pl.col("value").alias("_n"))
    den = o.select(pl.col("indicator").alias("ratio_denominator"), "territory", "into", "period",
                   pl.col("value").alias("_d"))
    both = (
        parts.join(num, on="ratio_numerator").join(den, on=["ratio_denominator", "territory", "into", "period"])
        .filter(pl.col("_n").is_not_null() & pl.col("_d").is_not_null())
        .group_by(GROUP).agg((pl.col("ratio_scale").first() * pl.col("_n").sum() / pl.col("_d").sum())
                             .alias("_ratio"))
    )
    return agg.join(both, on=GROUP, how="left").with_columns(
        pl.coalesce("_ratio", "value").alias("value"),
        pl.when(pl.col("_ratio").is_not_null()).then(pl.lit("ratio_of_sums")).otherwise(pl.col("method"))
        .alias("method"),
    ).drop("_ratio")


def parent_groups(territories: pl.DataFrame) -> pl.DataFrame:
    """Member → parent pairs from the territories frame (with validity months for filtering)."""
    t = conform("territories", territories).filter(pl.col("parent").is_not_null())
    return t.select(
        "territory" if "territory" in t.columns else pl.col("code").alias("territory"),
        pl.col("parent").alias("into"),
        (pl.col("valid_from").dt.year() * 12 + pl.col("valid_from").dt.month() - 1).alias("_vf"),
        (pl.col("valid_to").dt.year() * 12 + pl.col("valid_to").dt.month() - 1).alias("_vt"),
    )


def add_rollups(
    observations: pl.DataFrame, indicators: pl.DataFrame, weights: pl.DataFrame, territories: pl.DataFrame,
    depth: int = 4,
) -> pl.DataFrame:
    """Observations plus a rolled-up value for each parent territory × period it does not report itself.

    Rolled-up rows carry ``method`` (sum, weighted_mean, ratio_of_sums); own rows have ``method = null``.
    """
    groups = parent_groups(territories)
    out = observations.with_columns(pl.lit(None, dtype=pl.String).alias("method"))
    if groups.height == 0:
        return out
    own = out
    members = groups.select("territory").unique()
    for _ in range(depth):
        # recompute every aggregate from own values plus the previous round's aggregates, so values climb
        # one level per round (district → region → country) without counting anything twice
        valid = out.join(groups, on="territory").filter(
            (pl.col("_vf").is_null() | (pl.col("_vf") < pl.col("period_end")))
            & (pl.col("_vt").is_null() | (pl.col("_vt") > pl.col("period_start")))
        )
        pairs = valid.select("territory", "into").unique()
        new = roll_up(valid.drop("into", "_vf", "_vt"), indicators, weights, pairs)
        new = new.join(own.select("indicator", "territory", "period"), on=["indicator", "territory", "period"],
                       how="anti").drop("members").with_columns(pl.lit("rollup").alias("source"))
        out = pl.concat([own, new], how="diagonal_relaxed")
        if new.join(members, on="territory").height == 0:
            break
    return out
