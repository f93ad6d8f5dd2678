"""Money against results: execution rates, cost per unit of result, budget spent vs targets achieved.

Rules (docs/results-rules.md). A budget line is one goal × line code × funding × currency × linked indicators
× year; its stages are versioned, and the version in force is the latest decided (undated versions count as
the earliest). Per line, the approved amount is the ``adjusted`` one where the line has one, else the
``approved`` one: the choice is made line by line, never for a whole year. Amounts are only ever added up
within one currency. Lines are taken as disjoint (goal lines are not repeated in a program-level line). A line
linked to indicators counts in full for each of them (costs are not apportioned; ``shared`` says how many
indicators a line pays for). Cost per unit = money (executed, else approved) over the change actual − baseline
at the national level.
"""

from __future__ import annotations

from typing import Any, TypedDict

import polars as pl

from natije.domain.budgets import STAGE_ORDER
from natije.results.frames import conform

STAGES = STAGE_ORDER
#: What tells budget lines apart (with the year); stages and versions of one line share it.
LINE = ["program", "goal", "line", "funding", "currency", "_indicators", "year"]


def _keyed(budgets: pl.DataFrame) -> pl.DataFrame:
    """The frame with its linked indicators as one sortable text column (a list does not group reliably)."""
    return budgets.with_columns(
        pl.col("indicators").fill_null([]).list.sort().list.join(";").alias("_indicators")
    )


def in_force(budgets: pl.DataFrame) -> pl.DataFrame:
    """The version in force of each line and stage: the latest decided (undated first),
    then the highest number."""
    budgets = conform("budgets", budgets)  # frames built by hand may lack the version columns
    if budgets.height == 0:
        return budgets
    return (
        _keyed(budgets)
        .with_columns(pl.col("version").fill_null(1))
        .sort(pl.col("decided_on"), pl.col("version"), nulls_last=False)
        .group_by([*LINE, "stage"], maintain_order=True)
        .last()
        .drop("_indicators")
        .select(budgets.columns)
    )


def lines(budgets: pl.DataFrame) -> pl.DataFrame:
    """One row per budget line: its planned, approved (adjusted where one exists),
    adjusted and executed amounts.

    ``approved`` is the line's adjusted amount when it has one, else its approved amount, else null; the
    other stages are null where the line has none. Versions are settled first (:func:`in_force`).
    """
    current = _keyed(in_force(budgets))

    def stage(name: str) -> pl.Expr:
        has = (pl.col("stage") == name).any()
        return pl.when(has).then(pl.col("amount").filter(pl.col("stage") == name).sum()).alias(name)

    out = current.group_by(LINE, maintain_order=True).agg(
        *(stage(s) for s in STAGES), pl.col("indicators").first()
    )
    return out.with_columns(pl.coalesce("adjusted", "approved").alias("approved"))


def _sum(col: str) -> pl.Expr:
    """A sum that stays null when no line has the figure (no amount is not an amount of zero)."""
    return pl.when(pl.col(col).is_not_null().any()).then(pl.col(col).sum()).alias(col)


def execution(budgets: pl.DataFrame, by: tuple[str, ...] = ("program", "year")) -> pl.DataFrame:
    """Planned, approved (adjusted per line where adjusted), executed and ``rate`` = executed / approved.

    Grouped ``by`` (any of program, goal, line, funding, year) and always by currency, so no sum mixes
    currencies. Each group's approved amount is the sum of its lines' approved amounts, each line's adjusted
    amount replacing its approved one.
    """
    keys = [*by, "currency"]
    out = (
        lines(budgets)
        .group_by(keys)
        .agg(*(_sum(s) for s in ("planned", "approved", "executed")))
        .with_columns(
            pl.when(pl.col("approved") > 0).then(pl.col("executed") / pl.col("approved")).alias("rate")
        )
    )
    return out.sort(keys, nulls_last=True)


def cost_per_result(budgets: pl.DataFrame, results: pl.DataFrame, national: list[str]) -> pl.DataFrame:
    """Per linked indicator and currency: money, change achieved (actual − baseline),
    money per unit of change.

    A line's money is its executed amount, else its approved (adjusted) amount.
    """
    per_line = lines(budgets).with_columns(
        pl.col("indicators").list.len().alias("shared"), pl.coalesce("executed", "approved").alias("money")
    )
    money = (
        per_line.explode("indicators")
        .rename({"indicators": "indicator"})
        .filter(pl.col("indicator").is_not_null())
        .group_by("indicator", "currency")
        .agg(_sum("executed"), _sum("approved"), _sum("money"), pl.col("shared").max())
    )
    res = (
        results.filter(pl.col("territory").is_in(national))
        .sort("period")
        .group_by("indicator")
        .agg(
            pl.col("actual").drop_nulls().last(),
            pl.col("baseline").drop_nulls().last(),
            pl.col("unit").first(),
        )
    )
    out = money.join(res, on="indicator", how="left").with_columns(
        (pl.col("actual") - pl.col("baseline")).alias("change")
    )
    return out.with_columns(
        pl.when(pl.col("change") != 0).then(pl.col("money") / pl.col("change").abs()).alias("cost_per_unit"),
        pl.format("{} per {}", pl.col("currency"), pl.col("unit").fill_null("unit")).alias("cost_unit"),
    ).sort("indicator", "currency")


def spent_by_currency(budgets: pl.DataFrame) -> pl.DataFrame:
    """Per currency: base, executed and ``spent_share`` over the lines that report an executed amount.

    A line in progress is not "behind" on money it has not yet reported; a line's base is its approved
    (adjusted) amount, else its planned amount when no approval was recorded.
    """
    reported = (
        lines(budgets)
        .filter(pl.col("executed").is_not_null())
        .with_columns(pl.coalesce("approved", "planned").alias("base"))
    )
    out = reported.group_by("currency").agg(
        _sum("base").alias("approved"), pl.col("executed").sum(), pl.len().alias("lines")
    )
    return out.with_columns(
        pl.when(pl.col("approved") > 0).then(pl.col("executed") / pl.col("approved")).alias("spent_share")
    ).sort("currency")


def main_currency(budgets: pl.DataFrame) -> str | None:
    """The currency a program's headline figures use: KZT when it has KZT lines, else the first by code."""
    codes = sorted(set(budgets["currency"].drop_nulls().to_list()))
    return "KZT" if "KZT" in codes else (codes[0] if codes else None)


class Money(TypedDict):
    """What :func:`spent_vs_achieved` returns."""

    currency: str | None
    approved: float | None
    executed: float | None
    spent_share: float | None
    achieved_share: float | None
    by_currency: list[dict[str, Any]]


def spent_vs_achieved(budgets: pl.DataFrame, results: pl.DataFrame) -> Money:
    """Share of the budget spent (main currency; every currency under ``by_currency``),
    share of targets achieved.

    ``approved`` and ``executed`` sum the lines with an executed amount in :func:`main_currency`.
    """
    spent = spent_by_currency(budgets)
    currency = main_currency(budgets)
    main = spent.filter(pl.col("currency") == currency) if currency is not None else spent.clear()
    row = (
        main.row(0, named=True) if main.height else {"approved": None, "executed": None, "spent_share": None}
    )
    judged = results.filter(pl.col("status") != "no_data")
    achieved = judged.filter(pl.col("status") == "achieved").height
    return {
        "currency": currency,
        "approved": row["approved"] or None,
        "executed": row["executed"],
        "spent_share": row["spent_share"],
        "by_currency": spent.drop("lines").to_dicts(),
        "achieved_share": achieved / judged.height if judged.height else None,
    }
