"""Effects over time with their confidence intervals:
event-time (or calendar-period) estimates of an evaluation.

Takes :meth:`natije.evaluation.result.EvaluationResult.effects_frame` (``label``, ``kind``, ``estimate``,
``se``, ``ci_low``, ``ci_high``). Event-time labels are numbers of periods since the program started (0 =
first treated period): a dashed rule marks the start and a line marks zero effect. Calendar periods (synthetic
control, ITS) are drawn on their own axis.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from natije.charts.chart import COLORS, HEIGHT, WIDTH, Chart, finish, number_format, records, wrap
from natije.domain.unit_text import number
from natije.locale import t

OVER_TIME = ("event_time", "period", "calendar")


def _is_number(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def effects_chart(effects: pl.DataFrame, *, lang: str, level: int = 95, outcome: str | None = None) -> Chart:
    """Estimates by event time (or period) with a band for their ``level`` % confidence intervals."""
    frame = effects.filter(pl.col("kind").is_in(OVER_TIME)).with_columns(pl.col("label").cast(pl.String))
    rows: list[dict[str, Any]] = records(frame.select("label", "kind", "estimate", "se", "ci_low", "ci_high"))
    event_time = bool(rows) and all(_is_number(r["label"]) for r in rows)
    for r in rows:
        r["x"] = int(r["label"]) if event_time else r["label"]
    if event_time:
        rows.sort(key=lambda r: r["x"])
    title = t("chart.title.effects", lang)
    band_name = t("chart.legend.interval", lang, level=level)
    fmt = number_format([v for r in rows for v in (r["estimate"], r["ci_low"], r["ci_high"])])
    x = (
        alt.X("x:Q", title=t("chart.axis.event_time", lang), axis=alt.Axis(format="d", tickMinStep=1))
        if event_time
        else alt.X("x:O", title=t("chart.axis.period", lang), sort=None, axis=alt.Axis(labelAngle=0))
    )
    y = alt.Y("estimate:Q", title=outcome or t("chart.axis.effect", lang), axis=alt.Axis(format=fmt))
    base = alt.Chart(alt.Data(values=[{**r, "band": band_name} for r in rows]))
    band = (
        base.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)")
        .mark_area(opacity=0.25, color=COLORS["actual"])
        .encode(
            x=x,
            y=alt.Y("ci_low:Q", title=None),
            y2="ci_high:Q",
            fill=alt.Fill(
                "band:N",
                title=None,
                scale=alt.Scale(domain=[band_name], range=[COLORS["actual"]]),
                legend=alt.Legend(symbolType="square"),
            ),
        )
    )
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#555555").encode(y="zero:Q")
    layers = [band, zero, base.mark_line(color=COLORS["actual"], point=True).encode(x=x, y=y)]
    if event_time:
        start = alt.Chart(alt.Data(values=[{"start": -0.5}])).mark_rule(strokeDash=[4, 3], color="#777777")
        layers.insert(1, start.encode(x="start:Q"))
    chart = alt.layer(*layers).properties(title=wrap(title), width=WIDTH, height=HEIGHT)
    if rows:
        last = rows[-1]
        text = t(
            "chart.alt.effects",
            lang,
            title=title,
            first=rows[0]["label"],
            last=last["label"],
            level=level,
            estimate=number(last["estimate"], lang),
            low=number(last["ci_low"], lang),
            high=number(last["ci_high"], lang),
        )
    else:
        text = t("chart.alt.effects_empty", lang, title=title)
    data_rows = [{k: r[k] for k in ("label", "kind", "estimate", "se", "ci_low", "ci_high")} for r in rows]
    return finish(chart, lang, text, data_rows)
