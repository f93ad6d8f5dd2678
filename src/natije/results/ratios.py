"""Ratio indicators: a share declared with a numerator and a denominator (docs/results-rules.md).

* **Derived wherever both parts are reported.** At every territory and period where the numerator and the
  denominator are both reported and the ratio itself is not, its value is ``scale · numerator / denominator``
  (:func:`with_derived_ratios`); a reported ratio is the published figure and stands.
* **Rolled up as a ratio of sums** (:func:`ratio_of_sums`): ``scale · Σ numerator / Σ denominator`` over the
  members reporting both — never an average of percentages.
"""

from __future__ import annotations

import polars as pl

GROUP = ["indicator", "into", "period"]


def ratio_parts(rules: pl.DataFrame) -> pl.DataFrame:
    """Per ratio indicator of ``rules`` (:func:`natije.results.achievement.indicator_rules`): indicator,
    ratio_numerator, ratio_denominator, ratio_scale (100 when not declared)."""
    declared = pl.col("ratio_numerator").is_not_null() & pl.col("ratio_denominator").is_not_null()
    return rules.filter(declared).select(
        "indicator", "ratio_numerator", "ratio_denominator", pl.col("ratio_scale").fill_null(100.0)
    )


def with_derived_ratios(observations: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """``observations`` plus the ratio values derived from their parts where the ratio is not reported.

    A derived row takes the numerator's period and bounds, is illustrative when either part is, and is added
    only where both parts are non-null and the denominator is not zero. Other columns of ``observations`` are
    null on derived rows. The input comes back unchanged (same object) when nothing is derived.
    """
    parts = ratio_parts(rules)
    if parts.height == 0 or observations.height == 0:
        return observations
    key = ["territory", "period"]
    used = pl.concat([parts["ratio_numerator"], parts["ratio_denominator"]]).unique().implode()
    rows = observations.filter(pl.col("indicator").is_in(used) & pl.col("value").is_not_null())
    if rows.height == 0:
        return observations
    ill = pl.col("illustrative").fill_null(False) if "illustrative" in rows.columns else pl.lit(False)
    num = rows.select(
        pl.col("indicator").alias("ratio_numerator"),
        *key,
        "period_start",
        "period_end",
        pl.col("value").alias("_n"),
        ill.alias("_ni"),
    )
    den = rows.select(
        pl.col("indicator").alias("ratio_denominator"), *key, pl.col("value").alias("_d"), ill.alias("_di")
    )
    both = (
        parts.join(num, on="ratio_numerator")
        .join(den, on=["ratio_denominator", *key])
        .filter(pl.col("_d") != 0)
    )
    reported = observations.filter(
        pl.col("indicator").is_in(parts["indicator"].implode()) & pl.col("value").is_not_null()
    ).select("indicator", *key)
    new = both.join(reported, on=["indicator", *key], how="anti")
    if new.height == 0:
        return observations
    derived = new.select(
        "indicator",
        *key,
        "period_start",
        "period_end",
        (pl.col("ratio_scale") * pl.col("_n") / pl.col("_d")).alias("value"),
        (pl.col("_ni") | pl.col("_di")).alias("illustrative"),
    )
    return pl.concat([observations, derived], how="diagonal_relaxed")


def ratio_of_sums(agg: pl.DataFrame, o: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Roll-up cells (``agg``: indicator, into, period, value, method) of ratio indicators recomputed as
    ``scale · Σ numerator / Σ denominator`` over the members (``o``: their rows with ``into``)
    reporting both."""
    parts = ratio_parts(rules)
    if parts.height == 0:
        return agg
    num = o.select(
        pl.col("indicator").alias("ratio_numerator"),
        "territory",
        "into",
        "period",
        pl.col("value").alias("_n"),
    )
    den = o.select(
        pl.col("indicator").alias("ratio_denominator"),
        "territory",
        "into",
        "period",
        pl.col("value").alias("_d"),
    )
    both = (
        parts.join(num, on="ratio_numerator")
        .join(den, on=["ratio_denominator", "territory", "into", "period"])
        .filter(pl.col("_n").is_not_null() & pl.col("_d").is_not_null())
        .group_by(GROUP)
        .agg((pl.col("ratio_scale").first() * pl.col("_n").sum() / pl.col("_d").sum()).alias("_ratio"))
    )
    return (
        agg.join(both, on=GROUP, how="left")
        .with_columns(
            pl.coalesce("_ratio", "value").alias("value"),
            pl.when(pl.col("_ratio").is_not_null())
            .then(pl.lit("ratio_of_sums"))
            .otherwise(pl.col("method"))
            .alias("method"),
        )
        .drop("_ratio")
    )
