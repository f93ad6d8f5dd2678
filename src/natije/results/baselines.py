"""Which baseline a target row is measured from (docs/results-rules.md, "Baseline for a target").

* The latest baseline in force whose period lies before the target period (one at or after it does not count).
* **Each territory its own.** A territory's own baseline commitment first; else — for a target that applies
  there through a national commitment (shares, rates, indices) — the territory's own value observed in the
  period of the national baseline. The national baseline's value is the country's alone: a region at 34 % is
  never measured from a national 41 %. Without either, a territory has no baseline (achievement is then the
  ratio to the target and the pace starts from its first observed point).
"""

from __future__ import annotations

import polars as pl

KEY = ["indicator", "territory"]

BASE_COLS = ["baseline_period", "baseline_start", "baseline_end", "baseline"]


def baseline_position(targets: pl.DataFrame, baselines: pl.DataFrame) -> pl.Series:
    """Per target commitment, the row of ``baselines`` (national: indicator, BASE_COLS) in force for it: the
    latest one before the target's period (one at or after it does not count); null when there is none."""
    if baselines.height == 0:
        return pl.Series("_b", [None] * targets.height, dtype=pl.UInt32)
    ranked = baselines.select("indicator", "baseline_start").with_row_index("_b")
    if baselines.height == baselines["indicator"].n_unique():  # one per indicator: a lookup by indicator
        at = targets.select(
            pl.col("indicator").replace_strict(
                ranked["indicator"], ranked["_b"], default=None, return_dtype=pl.UInt32
            )
        ).to_series()
        before = ranked["baseline_start"].gather(at) < targets["period_start"]
        return pl.select(pl.when(before).then(at).alias("_b")).to_series()
    found = (
        targets.select("_c", "indicator", "period_start")
        .sort("period_start")
        .join_asof(
            ranked.sort("baseline_start"),
            left_on="period_start",
            right_on="baseline_start",
            by="indicator",
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .sort("_c")
    )
    return found["_b"]


def baseline_asof(targets: pl.LazyFrame, baselines: pl.DataFrame, by: list[str]) -> pl.LazyFrame:
    """Attach the latest baseline before each target's period (a baseline at or after it does not count)."""
    if baselines.height == 0:
        return targets.with_columns(pl.lit(None, baselines.schema[c]).alias(c) for c in BASE_COLS)
    if baselines.height == baselines.select(by).n_unique():  # one baseline per key: a plain join will do
        out = targets.join(baselines.select(*by, *BASE_COLS).lazy(), on=by, how="left")
        before = pl.col("baseline_start") < pl.col("period_start")
        return out.with_columns(pl.when(before).then(pl.col(c)).alias(c) for c in BASE_COLS)
    right = baselines.select(*by, *BASE_COLS).sort("baseline_start").lazy()
    return targets.sort("period_start").join_asof(
        right,
        left_on="period_start",
        right_on="baseline_start",
        by=by,
        strategy="backward",
        allow_exact_matches=False,
        check_sortedness=False,
    )


def territory_baselines(
    rows: pl.DataFrame, own: pl.DataFrame, national: list[str], meas: pl.DataFrame | None
) -> pl.DataFrame:
    """Target ``rows`` (indicator, territory, period_start, ``BASE_COLS`` of the national baseline that
    applies, null where none does) with each territory's own baseline in ``BASE_COLS``.

    ``own`` holds the territories' baseline commitments (indicator, territory, ``BASE_COLS``); ``meas`` the
    observations with their ``measure``. Rows of a country-level territory keep the national baseline when
    they have none of their own; other rows take their own value in the national baseline's period, else none.
    Row order may change (an as-of join); carry a position column to realign.
    """
    nat = [f"_n_{c}" for c in BASE_COLS]
    lazy = rows.lazy().rename(dict(zip(BASE_COLS, nat, strict=True)))
    out = (
        baseline_asof(lazy, own, KEY).collect()
        if own.height
        else rows.rename(dict(zip(BASE_COLS, nat, strict=True))).with_columns(
            pl.lit(None, rows.schema[c]).alias(c) for c in BASE_COLS
        )
    )
    home = pl.col("territory").is_in(pl.Series(national, dtype=pl.String).implode())
    none = pl.col("baseline").is_null()
    out = out.with_columns(
        pl.when(none & home).then(pl.col(n)).otherwise(pl.col(c)).alias(c)
        for c, n in zip(BASE_COLS, nat, strict=True)
    )
    wanted = none & ~home & pl.col("_n_baseline_period").is_not_null()
    if meas is not None and meas.height and out.select(wanted.any()).item():
        periods = out.filter(wanted)["_n_baseline_period"].unique().implode()
        seen = meas.filter(pl.col("period").is_in(periods) & pl.col("measure").is_not_null()).select(
            *KEY,
            pl.col("period").alias("_n_baseline_period"),
            pl.col("measure").cast(pl.Float64).alias("_seen"),
        )
        if seen.height:
            out = out.join(
                seen.unique([*KEY, "_n_baseline_period"]),
                on=[*KEY, "_n_baseline_period"],
                how="left",
                maintain_order="left",
            )
            take = wanted & pl.col("_seen").is_not_null()
            out = out.with_columns(
                *(
                    pl.when(take).then(pl.col(n)).otherwise(pl.col(c)).alias(c)
                    for c, n in zip(BASE_COLS[:3], nat[:3], strict=True)
                ),
                pl.when(take).then(pl.col("_seen")).otherwise(pl.col("baseline")).alias("baseline"),
            ).drop("_seen")
    return out.drop(nat)
