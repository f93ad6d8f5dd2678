"""The chart object every chart function returns, and what all charts share: font, language, colours, rows."""

from __future__ import annotations

import csv
import datetime
import io
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from natije.domain.periods import Period
from natije.locale import formats

FONT = "DejaVu Sans"  # installed with the package's fonts; covers the Kazakh letters ә ғ қ ң ө ұ ү һ і
WIDTH = 560
HEIGHT = 260
INK = "#333333"
GRID = "#e4e4e4"
COLORS = {  # colour-blind safe (Okabe–Ito), one per kind of mark
    "actual": "#0072b2",
    "illustrative": "#56b4e9",
    "target": "#d55e00",
    "first_promised": "#999999",
    "baseline": "#000000",
    "forecast": "#009e73",
    "decision": "#bbbbbb",
}
SHAPES = {
    "actual": "circle",
    "illustrative": "circle",
    "target": "diamond",
    "first_promised": "diamond",
    "baseline": "square",
    "forecast": "triangle-up",
    "decision": "stroke",
}


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec, its text alternative in the spec's language, and the rows the chart shows."""

    spec: dict[str, Any]
    alt_text: str
    data_rows: tuple[dict[str, Any], ...]

    def svg(self, cache_dir: Path | None = None) -> str:
        """The chart as SVG (cached; see :func:`natije.charts.svg`)."""
        from natije.charts.render import svg

        return svg(self.spec, cache_dir=cache_dir)

    def csv(self) -> str:
        """The rows as CSV, columns in the order they first appear (the chart's data link)."""
        columns: dict[str, None] = {}
        for row in self.data_rows:
            columns.update(dict.fromkeys(row))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.data_rows)
        return out.getvalue()


def finish(
    chart: alt.TopLevelMixin,
    lang: str,
    alt_text: str,
    rows: Iterable[Mapping[str, Any]],
    datasets: Mapping[str, list[dict[str, Any]]] | None = None,
) -> Chart:
    """The spec of ``chart`` with the shared configuration, described by ``alt_text``, and its rows.

    Large data (map geometries) goes in ``datasets``, named by the chart's ``alt.Data(name=...)``. The spec is
    not validated against the Vega-Lite schema here (a tenth of a second a chart, most of a report's charts'
    time): the tests validate every kind of chart (``tests/charts/test_charts.py``).
    """
    configured = chart.properties(description=alt_text).configure(
        font=FONT,
        background="white",
        locale=formats.d3_locale(lang),
        axis={
            "labelColor": INK,
            "titleColor": INK,
            "gridColor": GRID,
            "labelFontSize": 11,
            "titleFontSize": 11,
        },
        legend={
            "orient": "bottom",
            "columns": 2,
            "labelFontSize": 11,
            "titleFontSize": 11,
            "labelLimit": 270,
        },
        title={"anchor": "start", "fontSize": 14, "color": INK, "subtitleColor": INK, "limit": WIDTH + 40},
        view={"stroke": None},
    )
    spec = configured.to_dict(validate=False)
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return Chart(spec, alt_text, tuple(dict(r) for r in rows))


def plain(value: Any) -> Any:
    """A value as JSON writes it: dates as ISO text, NaN as null."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` with JSON-safe values."""
    return [{k: plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def period_day(period: str) -> str:
    """The first day of an SDMX period (``2024`` → ``2024-01-01``):
    where a period's value is drawn, over its label."""
    return Period.parse(period).start.isoformat()


def wrap(title: str, width: int = 60) -> list[str] | str:
    """A long title as lines of at most ``width`` characters (Vega draws a list as lines)."""
    lines = textwrap.wrap(title, width)
    return lines if len(lines) > 1 else title


def number_format(values: Iterable[float | None]) -> str:
    """A d3 number format with as many decimals as the largest value needs (none from 1,000 up)."""
    sizes = [abs(v) for v in values if v is not None and not math.isnan(v)]
    top = max(sizes, default=0.0)
    digits = 0 if top >= 1000 else 1 if top >= 10 else 2
    return f",.{digits}~f"
