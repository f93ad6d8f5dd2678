"""Money against results: execution rates, cost per unit of result, budget spent vs targets achieved.

Rules (docs/results-rules.md): the approved amount is the ``adjusted`` one when present, else ``approved``;
execution rate = executed / approved. Budget lines are taken as disjoint (goal lines are not repeated in a
program-level line). A line linked to indicators counts in full for each of them (costs are not apportioned;
``shared`` says how many indicators a line pays for). Cost per unit = money (executed, else approved) over the
change actual − baseline at the national level.
"""

from __future__ import annotations

import polars as pl

STAGES = ("planned", "approved", "adjusted", "executed")


def _stages(budgets: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    b = budgets.group_by(keys).agg(
        *[pl.col("amount").filter(pl.col("stage") == s).sum().alias(s) for s in STAGES],
        *[(pl.col("stage") == s).any().alias(f"has_{s}") for s in STAGES],
        pl.col("currency").first(),
    )
    approved = pl.when(pl.col("has_adjusted")).then(pl.col("adjusted")).when(pl.col("has_approved")) \
        .then(pl.col("approved"))
    executed = pl.when(pl.col("has_executed")).then(pl.col("executed"))
    return b.with_columns(approved.alias("approved"), executed.alias("executed"),
                          pl.when(pl.col("has_planned")).then(pl.col("planned")).alias("planned")) \
        .drop([f"has_{s}" for s in STAGES], "adjusted")


def execution(budgets: pl.DataFrame, by: tuple[str, ...] = ("program", "year")) -> pl.DataFrame:
    """Planned, approved (adjusted if any), executed and ``rate`` = executed / approved, grouped ``by``.

    ``by`` may be any of program, goal, year (e.g. ``("program", "goal", "year")``).
    """
    out = _stages(budgets, list(by)).with_columns(
        pl.when(pl.col("approved") > 0).then(pl.col("executed") / pl.col("approved")).alias("rate")
    )
    return out.sort(list(by), nulls_last=True)


def cost_per_result(budgets: pl.DataFrame, results: pl.DataFrame, national: list[str]) -> pl.DataFrame:
    """Per linked indicator: money, change achieved (actual − baseline), and money per unit of change."""
    lines = budgets.with_row_index("_line").with_columns(pl.col("indicators").list.len().alias("shared")) \
        .explode("indicators").rename({"indicators": "indicator"}).filter(pl.col("indicator").is_not_null())
    money = _stages(lines, ["indicator", "_line", "shared"]).group_by("indicator").agg(
        pl.col("executed").sum().alias("executed"), pl.col("approved").sum().alias("approved"),
        pl.col("shared").max(), pl.col("currency").first(),
    ).with_columns(pl.when(pl.col("executed") > 0).then(pl.col("executed")).otherwise(pl.col("approved"))
                   .alias("money"))
    res = results.filter(pl.col("territory").is_in(national)).sort("period").group_by("indicator").agg(
        pl.col("actual").drop_nulls().last(), pl.col("baseline").drop_nulls().last(), pl.col("unit").first(),
    )
    out = money.join(res, on="indicator", how="left").with_columns(
        (pl.col("actual") - pl.col("baseline")).alias("change")
    )
    return out.with_columns(
        pl.when(pl.col("change") != 0).then(pl.col("money") / pl.col("change").abs()).alias("cost_per_unit"),
        pl.format("{} per {}", pl.col("currency"), pl.col("unit").fill_null("unit")).alias("cost_unit"),
    ).sort("indicator")


def spent_vs_achieved(budgets: pl.DataFrame, results: pl.DataFrame) -> dict[str, float | None]:
    """Share of the budget spent, and share of targets with data that are achieved.

    Only years with an executed amount count (a program in progress is not "behind" on years to come); a year's
    base is its approved (adjusted) amount, else its planned amount when no approval was recorded.
    """
    years = _stages(budgets, ["year"]).with_columns(pl.coalesce("approved", "planned").alias("base"))
    reported = years.filter(pl.col("executed").is_not_null())
    approved = float(reported["base"].sum()) if reported.height else None
    executed = float(reported["executed"].sum()) if reported.height else None
    judged = results.filter(pl.col("status") != "no_data")
    achieved = judged.filter(pl.col("status") == "achieved").height
    return {
        "approved": approved or None, "executed": executed,
        "spent_share": executed / approved if approved and executed is not None else None,
        "achieved_share": achieved / judged.height if judged.height else None,
    }
