"""The charts the pages and the reports draw, built from what the other services return: an indicator's
series against every version of its targets (with the forecast), the regions' map, the budget, an
evaluation's effects.

They return :class:`natije.charts.Chart` objects (spec, text alternative, rows); the web app turns them into
figures with a data link, the report inlines their SVG.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from natije.charts import Chart, budget_chart, effects_chart, region_map, series_chart
from natije.services.indicators import IndicatorSeries, region_values
from natije.services.monitoring import ProgramSnapshot


def national_rows(snapshot: ProgramSnapshot, indicator: str) -> list[dict[str, Any]]:
    """The national results rows of one indicator, in period order."""
    frame = snapshot.results.filter(
        (pl.col("indicator") == indicator) & pl.col("territory").is_in(list(snapshot.national))
    )
    return frame.with_columns(pl.col("status").cast(pl.String)).sort("period").to_dicts()


def forecast_of(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The forecast of the last target period that has one (drawn on the series chart)."""
    for row in reversed(rows):
        if row.get("forecast_value") is not None:
            return {
                "period": row["period"],
                "value": row["forecast_value"],
                "low": row["forecast_low"],
                "high": row["forecast_high"],
                "p_meet": row["p_meet"],
            }
    return None


def series_of(series: IndicatorSeries, lang: str, rows: list[dict[str, Any]] | None = None) -> Chart:
    """The national series of an indicator against every version of its targets (and the forecast)."""
    commitments = series.national_commitments().filter(pl.col("kind").is_in(["target", "baseline"]))
    return series_chart(
        series.national_series(),
        commitments,
        lang=lang,
        name=series.names[lang],
        unit=series.unit,
        forecast=forecast_of(rows or []),
    )


def map_of(series: IndicatorSeries, period: str, lang: str) -> Chart:
    """The regions' values of ``period`` on the boundaries valid then."""
    return region_map(
        region_values(series, period), period=period, lang=lang, name=series.names[lang], unit=series.unit
    )


def budget_of(snapshot: ProgramSnapshot, lang: str) -> Chart:
    """The program's budget by year and stage (its main currency)."""
    return budget_chart(snapshot.budget, lang=lang)


def effects_of(result: dict[str, Any], lang: str) -> Chart:
    """An evaluation's effects over time with their confidence band."""
    effects = [{**e, "label": str(e["label"])} for e in result.get("effects") or []]
    frame = pl.DataFrame(
        effects,
        schema={
            "label": pl.String,
            "kind": pl.String,
            "estimate": pl.Float64,
            "se": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        },
    )
    alpha = (result.get("design") or {}).get("alpha") or 0.05
    return effects_chart(frame, lang=lang, level=round(100 * (1 - alpha)))
