"""Actual values against the targets, every version of them: what was first promised, what is in force now.

Each target period gets a step line of its value over time: it starts on the day its first version was decided
and steps on each later decision, up to the target's period, where the value in force (filled) and the
value first promised (open) are marked. Decisions are dashed vertical rules. Illustrative actual values are
drawn open and named in the legend; a forecast, when given, is a point with its interval at the target period.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import altair as alt
import polars as pl

from natije.charts.chart import (
    COLORS,
    HEIGHT,
    SHAPES,
    WIDTH,
    Chart,
    finish,
    number_format,
    period_day,
    plain,
    wrap,
)
from natije.domain.unit_text import share, unit_name, value
from natije.locale import t

KINDS = ("actual", "illustrative", "target", "first_promised", "baseline", "forecast", "decision")
_LEGEND_KEYS = {
    "actual": "chart.legend.actual",
    "illustrative": "chart.legend.illustrative",
    "target": "chart.legend.target_in_force",
    "first_promised": "chart.legend.first_promised",
    "baseline": "chart.legend.baseline",
    "forecast": "chart.legend.forecast",
    "decision": "chart.legend.decision",
}


def _actual_rows(observations: pl.DataFrame) -> list[dict[str, Any]]:
    frame = observations.filter(pl.col("value").is_not_null())
    if "illustrative" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("illustrative"))
    frame = frame.with_columns(pl.col("illustrative").fill_null(False))
    rows = [
        {
            "kind": "illustrative" if r["illustrative"] else "actual",
            "period": r["period"],
            "date": period_day(r["period"]),
            "value": r["value"],
        }
        for r in frame.iter_rows(named=True)
    ]
    return sorted(rows, key=lambda r: r["date"])


def _day(decided_on: Any) -> str | None:
    if decided_on is None:
        return None
    if isinstance(decided_on, datetime.date):
        return decided_on.isoformat()
    return str(decided_on)[:10]


def _target_rows(
    commitments: pl.DataFrame, start: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Marks (in force, first promised, baseline, decisions) and the step-line vertices of every target."""
    marks: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    if commitments.height == 0:
        return marks, steps
    frame = commitments.filter(pl.col("value").is_not_null()).sort("decided_on", "version", nulls_last=False)
    for (kind, period), group in frame.group_by("kind", "period", maintain_order=True):
        versions = list(group.iter_rows(named=True))
        end = period_day(str(period))
        if kind == "baseline":
            marks.append(
                {
                    "kind": "baseline",
                    "period": period,
                    "date": end,
                    "value": versions[-1]["value"],
                    "version": versions[-1]["version"],
                    "decided_on": _day(versions[-1]["decided_on"]),
                }
            )
            continue
        if kind != "target":
            continue
        first, last = versions[0], versions[-1]
        marks.append(
            {
                "kind": "first_promised",
                "period": period,
                "date": end,
                "value": first["value"],
                "version": first["version"],
                "decided_on": _day(first["decided_on"]),
            }
        )
        marks.append(
            {
                "kind": "target",
                "period": period,
                "date": end,
                "value": last["value"],
                "version": last["version"],
                "decided_on": _day(last["decided_on"]),
            }
        )
        for row in versions:
            day = _day(row["decided_on"]) or start or end
            steps.append({"kind": "target", "period": period, "date": min(day, end), "value": row["value"]})
            if row["decided_on"] is not None:
                marks.append(
                    {
                        "kind": "decision",
                        "period": period,
                        "date": day,
                        "value": None,
                        "version": row["version"],
                        "decided_on": day,
                    }
                )
        steps.append({"kind": "target", "period": period, "date": end, "value": last["value"]})
    return marks, steps


def _forecast_rows(forecast: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not forecast or forecast.get("value") is None:
        return []
    return [
        {
            "kind": "forecast",
            "period": forecast["period"],
            "date": period_day(str(forecast["period"])),
            "value": forecast["value"],
            "low": forecast.get("low"),
            "high": forecast.get("high"),
            "p_meet": forecast.get("p_meet"),
        }
    ]


def _alt_text(
    name: str,
    unit: str | None,
    lang: str,
    actual: list[dict[str, Any]],
    marks: list[dict[str, Any]],
    forecast: list[dict[str, Any]],
) -> str:
    def shown(amount: float | None) -> str:
        return value(amount, unit, lang)

    parts = []
    if actual:
        low, high = min(r["value"] for r in actual), max(r["value"] for r in actual)
        last = actual[-1]
        parts.append(
            t(
                "chart.alt.series",
                lang,
                name=name,
                first=actual[0]["period"],
                last=last["period"],
                low=shown(low),
                high=shown(high),
                latest=shown(last["value"]),
                period=last["period"],
            )
        )
    else:
        parts.append(t("chart.alt.series_empty", lang, name=name))
    for mark in (m for m in marks if m["kind"] == "target"):
        first = next(m for m in marks if m["kind"] == "first_promised" and m["period"] == mark["period"])
        count = sum(1 for m in marks if m["kind"] == "decision" and m["period"] == mark["period"]) or 1
        versions = t("chart.plural.versions", lang, count=count)
        target = {"target": shown(mark["value"]), "first": shown(first["value"]), "versions": versions}
        parts.append(t("chart.alt.target", lang, period=mark["period"], **target))
    for row in forecast:
        spread = {"low": shown(row["low"]), "high": shown(row["high"]), "p": share(row["p_meet"], lang)}
        parts.append(t("chart.alt.forecast", lang, period=row["period"], value=shown(row["value"]), **spread))
    return " ".join(parts)


def series_chart(
    observations: pl.DataFrame,
    commitments: pl.DataFrame,
    *,
    lang: str,
    name: str,
    unit: str | None = None,
    forecast: Mapping[str, Any] | None = None,
) -> Chart:
    """Actual values of one indicator and territory against every version of its baselines and targets.

    Parameters
    ----------
    observations : polars.DataFrame
        ``period``, ``value`` and optionally ``illustrative`` (the observation frame of one series).
    commitments : polars.DataFrame
        ``kind`` (``target`` or ``baseline``), ``period``, ``value``, ``version``, ``decided_on``:
        every version.
    lang : str
        Language of titles, legend and text alternative (kk, ru, en).
    name : str
        The indicator's name in ``lang`` (the chart's title).
    unit : str, optional
        The indicator's unit (axis title, values in the text alternative).
    forecast : mapping, optional
        ``period``, ``value``, ``low``, ``high``, ``p_meet`` of a results row: drawn as a point with
        its interval.
    """
    actual = _actual_rows(observations)
    start = actual[0]["date"] if actual else None
    marks, steps = _target_rows(commitments, start)
    predicted = _forecast_rows(forecast)
    rows = [*actual, *marks, *predicted]
    present = [k for k in KINDS if any(r["kind"] == k for r in [*rows, *steps])]
    labels = {k: t(_LEGEND_KEYS[k], lang) for k in present}
    for row in [*rows, *steps]:
        row["series"] = labels[row["kind"]]
    domain = [labels[k] for k in present]
    color = alt.Color(
        "series:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=[COLORS[k] for k in present]),
    )
    shape = alt.Shape(
        "series:N",
        title=None,
        sort=domain,
        scale=alt.Scale(domain=domain, range=[SHAPES[k] for k in present]),
    )
    fmt = number_format([r.get("value") for r in [*rows, *steps]] + [r.get("high") for r in predicted])
    x = alt.X(
        "date:T",
        title=t("chart.axis.period", lang),
        axis=alt.Axis(format="%Y", tickCount="year"),
        scale=alt.Scale(padding=12),
    )
    y = alt.Y(
        "value:Q",
        title=unit_name(unit, lang) or None,
        axis=alt.Axis(format=fmt),
        scale=alt.Scale(zero=False, nice=True),
    )

    def layer(kinds: tuple[str, ...], source: list[dict[str, Any]] | None = None) -> alt.Chart:
        values = [{k: plain(v) for k, v in r.items()} for r in (source or rows) if r["kind"] in kinds]
        return alt.Chart(alt.Data(values=values))

    layers: list[alt.Chart] = []
    if "decision" in present:
        layers.append(
            layer(("decision",)).mark_rule(strokeDash=[4, 3], strokeWidth=1).encode(x=x, color=color)
        )
    if steps:
        layers.append(
            layer(("target",), steps)
            .mark_line(interpolate="step-after", strokeWidth=2)
            .encode(x=x, y=y, color=color, detail="period:N")
        )
    if actual:
        layers.append(
            layer(("actual", "illustrative"))
            .mark_line(color=COLORS["actual"], strokeWidth=2)
            .encode(x=x, y=y)
        )
    if predicted:
        layers.append(
            layer(("forecast",)).mark_rule(strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q", color=color)
        )
    filled = ("actual", "target", "baseline", "forecast")
    hollow = ("illustrative", "first_promised")
    if any(k in present for k in filled):
        layers.append(
            layer(filled).mark_point(filled=True, size=50).encode(x=x, y=y, color=color, shape=shape)
        )
    if any(k in present for k in hollow):
        layers.append(
            layer(hollow)
            .mark_point(filled=False, size=70, strokeWidth=2)
            .encode(x=x, y=y, color=color, shape=shape)
        )
    if not layers:  # axes alone; the empty mark is hidden from assistive technology (it has nothing to name)
        layers.append(layer(()).mark_point(aria=False).encode(x=x, y=y))
    text = _alt_text(name, unit, lang, actual, marks, predicted)
    chart = alt.layer(*layers).properties(title=wrap(name), width=WIDTH, height=HEIGHT)
    data_rows = [
        {k: r.get(k) for k in ("kind", "period", "value", "version", "decided_on", "low", "high")}
        for r in rows
    ]
    return finish(chart, lang, text, data_rows)
