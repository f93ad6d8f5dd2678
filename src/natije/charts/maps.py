"""A choropleth of Kazakhstan's regions for one period, on the boundaries valid at the period's end.

The boundaries are the lean files of ``natije/demo/data/reference/geo`` (built by ``tools/build_demo.py`` from
geokz: rings rebuilt, exteriors clockwise as d3-geo expects): 17 regions from the 2018 reform to 8 June 2022,
20 regions after. Values join by the 9-digit KATO code. Regions without a value are grey with a dashed
outline, in the legend as "no data" and named in the text alternative; every region's path carries its name
and code.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from importlib import resources
from typing import Any

import altair as alt
import polars as pl

from natije.charts.chart import Chart, finish, number_format, wrap
from natije.domain.periods import Period
from natije.domain.unit_text import unit_name, value
from natije.locale import t

REFORM_2022 = datetime.date(2022, 6, 8)  # Abai, Zhetysu and Ulytau regions formed: 17 → 20 regions
MAP_WIDTH = 560
MAP_HEIGHT = 300
NO_DATA = "#e6e6e6"
# Conic conformal centred on Kazakhstan (67° E):
# standard parallels a sixth of the latitude span in from each edge.
ROTATE = [-67.0, 0.0]
PARALLELS = [43.5, 52.5]


@cache
def _load(name: str) -> str:
    folder = resources.files("natije").joinpath("demo", "data", "reference", "geo")
    return folder.joinpath(name).read_text(encoding="utf-8")


def boundaries(on: datetime.date) -> dict[str, Any]:
    """The region boundaries (GeoJSON FeatureCollection) valid on day ``on``:
    17 regions before 8 June 2022, 20 after.

    The 2018 file serves earlier days too (no older boundaries are shipped: before 19 June 2018 South
    Kazakhstan region, 510000000, has no shape of its own).
    """
    name = "regions_2024.geojson" if on >= REFORM_2022 else "regions_2018.geojson"
    data: dict[str, Any] = json.loads(_load(name))
    return data


def _features(values: pl.DataFrame, on: datetime.date, lang: str, unit: str | None) -> list[dict[str, Any]]:
    known = {r["territory"]: r["value"] for r in values.iter_rows(named=True) if r["value"] is not None}
    no_data = t("chart.map.no_data", lang)
    out = []
    for feature in boundaries(on)["features"]:
        props = feature["properties"]
        code, name = props["code"], props[f"name_{lang}"]
        amount = known.get(code)
        shown = value(amount, unit, lang) if amount is not None else no_data
        out.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": code,
                    "name": name,
                    "value": amount,
                    "label": f"{name} ({code}): {shown}",
                    "status": None if amount is not None else no_data,
                },
            }
        )
    return out


def _alt_text(features: list[dict[str, Any]], *, name: str, period: str, lang: str, unit: str | None) -> str:
    with_data = [f["properties"] for f in features if f["properties"]["value"] is not None]
    missing = [f["properties"]["name"] for f in features if f["properties"]["value"] is None]
    if not with_data:
        return t("chart.alt.map_empty", lang, name=name, period=period)
    low = min(with_data, key=lambda p: p["value"])
    high = max(with_data, key=lambda p: p["value"])
    text = t(
        "chart.alt.map",
        lang,
        name=name,
        period=period,
        regions=t("chart.plural.regions", lang, count=len(features)),
        low=value(low["value"], unit, lang),
        low_region=low["name"],
        high=value(high["value"], unit, lang),
        high_region=high["name"],
    )
    if missing:
        text += " " + t("chart.alt.map_missing", lang, names=", ".join(missing))
    return text


def region_map(values: pl.DataFrame, *, period: str, lang: str, name: str, unit: str | None = None) -> Chart:
    """Regions coloured by value in ``period``, on the boundaries valid on the period's last day.

    Parameters
    ----------
    values : polars.DataFrame
        ``territory`` (9-digit KATO code) and ``value``; codes that are not regions then (the country, an old
        region) are not drawn.
    period : str
        The SDMX period the values belong to (``2024``, ``2024-Q3``); chooses the boundaries.
    lang, name, unit
        Language; the indicator's name in it (the title); its unit (legend title, values in texts).
    """
    on = Period.parse(period).end
    features = _features(values, on, lang, unit)
    title = t("chart.title.map", lang, name=name, period=period)
    text = _alt_text(features, name=name, period=period, lang=lang, unit=unit)
    description = alt.Description("properties.label:N")
    layers = []
    missing = [f for f in features if f["properties"]["value"] is None]
    present = [f for f in features if f["properties"]["value"] is not None]
    if missing:
        label = t("chart.map.no_data", lang)
        layers.append(
            alt.Chart(alt.Data(name="regions_without_data"))
            .mark_geoshape(stroke="#777777", strokeWidth=0.7, strokeDash=[2, 2])
            .encode(
                fill=alt.Fill(
                    "properties.status:N",
                    title=None,
                    scale=alt.Scale(domain=[label], range=[NO_DATA]),
                    legend=alt.Legend(symbolType="square", symbolStrokeColor="#777777", symbolDash=[2, 2]),
                ),
                description=description,
            )
        )
    if present:
        fmt = number_format([f["properties"]["value"] for f in present])
        layers.append(
            alt.Chart(alt.Data(name="regions"))
            .mark_geoshape(stroke="white", strokeWidth=0.7)
            .encode(
                color=alt.Color(
                    "properties.value:Q",
                    scale=alt.Scale(scheme={"name": "blues", "extent": [0.2, 1.0]}),
                    legend=alt.Legend(title=unit_name(unit, lang) or None, format=fmt, gradientLength=200),
                ),
                description=description,
            )
        )
    chart = alt.layer(*layers).project(type="conicConformal", rotate=ROTATE, parallels=PARALLELS)
    chart = chart.properties(title=wrap(title), width=MAP_WIDTH, height=MAP_HEIGHT)
    rows = [
        {
            "territory": f["properties"]["code"],
            "name": f["properties"]["name"],
            "period": period,
            "value": f["properties"]["value"],
        }
        for f in features
    ]
    named = {"regions": present, "regions_without_data": missing}
    return finish(chart, lang, text, rows, datasets={k: v for k, v in named.items() if v})
