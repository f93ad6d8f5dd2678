"""Budget by year and stage: planned, approved (adjusted where a line was adjusted) and
executed, in one currency.

Takes what :func:`natije.results.budget.execution` returns grouped by year (``year``, ``currency``,
``planned``, ``approved``, ``executed``); amounts of other currencies are never added in. Bars are in the
scale of the largest amount (``млрд теңге``).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from natije.charts.chart import HEIGHT, WIDTH, Chart, finish, number_format, wrap
from natije.locale import formats, t

STAGES = ("planned", "approved", "executed")
STAGE_COLORS = ("#bbbbbb", "#0072b2", "#e69f00")


def _main_currency(execution: pl.DataFrame) -> str | None:
    if execution.height == 0:
        return None
    totals = execution.group_by("currency").agg(
        pl.max_horizontal(pl.col("planned").fill_null(0).sum(), pl.col("approved").fill_null(0).sum()).alias(
            "size"
        )
    )
    return str(totals.sort("size", "currency", descending=[True, False])["currency"][0])


def budget_chart(execution: pl.DataFrame, *, lang: str, currency: str | None = None) -> Chart:
    """Bars by year: planned, approved and executed amounts of ``currency`` (default: the largest one).

    ``execution`` may hold several rows per year (by program or goal); they are summed within the currency.
    """
    currency = currency or _main_currency(execution)
    title = t("chart.title.budget", lang)
    frame = execution.filter(pl.col("currency") == currency) if currency else execution.clear()
    by_year = (
        frame.group_by("year")
        .agg(*(pl.when(pl.col(s).is_not_null().any()).then(pl.col(s).sum()).alias(s) for s in STAGES))
        .sort("year")
    )
    rows: list[dict[str, Any]] = [
        {"year": int(r["year"]), "stage": stage, "currency": currency, "amount": r[stage]}
        for r in by_year.iter_rows(named=True)
        for stage in STAGES
        if r[stage] is not None
    ]
    top = max((abs(r["amount"]) for r in rows), default=0.0)
    size, word = formats.scale(top, lang)
    names = {s: t(f"budget_stage.{s}", lang) for s in STAGES}
    values = [{**r, "shown": r["amount"] / size, "label": names[r["stage"]]} for r in rows]
    unit = " ".join(w for w in (word, formats.currency_name(currency or "", lang)) if w)
    shown = [s for s in STAGES if any(r["stage"] == s for r in rows)]
    order = [names[s] for s in shown]
    colors = [color for s, color in zip(STAGES, STAGE_COLORS) if s in shown]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("chart.axis.year", lang), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("label:N", sort=order),
            y=alt.Y(
                "shown:Q",
                title=unit or None,
                axis=alt.Axis(format=number_format([r["shown"] for r in values])),
            ),
            color=alt.Color(
                "label:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=colors),
                legend=alt.Legend(columns=len(order) or 1, symbolType="square"),
            ),
        )
        .properties(title=wrap(title), width=WIDTH, height=HEIGHT)
    )
    if rows:
        totals = ", ".join(
            f"{names[s]} "
            f"{formats.money(sum(r['amount'] for r in rows if r['stage'] == s), currency or '', lang)}"
            for s in shown
        )
        text = t(
            "chart.alt.budget", lang, title=title, first=rows[0]["year"], last=rows[-1]["year"], totals=totals
        )
    else:
        text = t("chart.alt.budget_empty", lang, title=title)
    return finish(chart, lang, text, rows)
