"""The values side of coverage: what was stored of each indicator, from which sources, and in how many of the
regions valid at the time (rules: :mod:`natije.results.coverage`)."""

from __future__ import annotations

import polars as pl

from natije.domain.observations import SourceKind
from natije.results.coverage_periods import month_date


def sources_and_span(values: pl.DataFrame) -> pl.DataFrame:
    """Per indicator of ``values`` (every territory): first_period, last_period (and its end month,
    ``_last_end``), values, sources (distinct codes, sorted), share_<kind> for each source kind, revisions."""
    by_start, by_end = ["period_start", "period_end"], ["period_end", "period_start"]
    shares = [
        (pl.col("source_kind") == kind.value).fill_null(False).mean().alias(f"share_{kind.value}")
        for kind in SourceKind
    ]
    return values.group_by("indicator").agg(
        pl.col("period").sort_by(by_start).first().alias("first_period"),
        pl.col("period").sort_by(by_end).last().alias("last_period"),
        pl.col("period_end").max().alias("_last_end"),
        pl.len().cast(pl.Int32).alias("values"),
        pl.col("source").drop_nulls().unique().sort().alias("sources"),
        *shares,
        pl.col("revised_after").fill_null(0).sum().cast(pl.Int32).alias("revisions"),
    )


def regions_covered(regional: pl.DataFrame, regions: pl.DataFrame, seen: pl.DataFrame) -> pl.DataFrame:
    """Per indicator of ``seen`` (:func:`sources_and_span`): regions_period (the latest period with a value of
    some region in ``regional``, else last_period), regions_expected (``regions`` valid on its last day),
    regions_reported (of those, with a value in it) and regions_share."""
    latest = regional.group_by("indicator").agg(
        pl.col("period").sort_by("period_end", "period_start").last().alias("regions_period"),
        pl.col("period_end").max().alias("_end"),
    )
    periods = (
        seen.select("indicator", "last_period", "_last_end")
        .join(latest, on="indicator", how="left")
        .select(
            "indicator",
            pl.coalesce("regions_period", "last_period").alias("regions_period"),
            (month_date(pl.coalesce("_end", "_last_end")) - pl.duration(days=1)).alias("_day"),
        )
    )
    valid = (pl.col("valid_from").is_null() | (pl.col("valid_from") <= pl.col("_day"))) & (
        pl.col("valid_to").is_null() | (pl.col("_day") < pl.col("valid_to"))
    )
    in_force = periods.join(
        regions.select(pl.col("code").alias("territory"), "valid_from", "valid_to"), how="cross"
    )
    in_force = in_force.filter(valid).select("indicator", "regions_period", "territory")
    reported = regional.select("indicator", pl.col("period").alias("regions_period"), "territory").unique()
    counts = in_force.join(
        reported.with_columns(pl.lit(True).alias("_has")), on=list(in_force.columns), how="left"
    )
    counted = counts.group_by("indicator").agg(
        pl.len().cast(pl.Int32).alias("regions_expected"),
        pl.col("_has").is_not_null().sum().cast(pl.Int32).alias("regions_reported"),
    )
    return (
        periods.select("indicator", "regions_period")
        .join(counted, on="indicator", how="left")
        .with_columns(
            pl.col("regions_expected").fill_null(0),
            pl.col("regions_reported").fill_null(0),
        )
        .with_columns(
            pl.when(pl.col("regions_expected") > 0)
            .then(pl.col("regions_reported") / pl.col("regions_expected"))
            .alias("regions_share")
        )
    )
