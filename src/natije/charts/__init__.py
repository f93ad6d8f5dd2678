"""Charts and maps as Vega-Lite specs, rendered to SVG on the server; the web pages and the report share them.

Every function takes plain data (Polars frames shaped like what the services return) and a language, and
returns a :class:`Chart`: the Vega-Lite spec (a dict, built with Altair), a text alternative in that language
and the rows behind the chart (for a data link or a table). :func:`svg` renders a spec through vl-convert,
cached by the SHA-256 of the spec with its data; the same spec always gives the same bytes.

- :func:`series_chart`: actual values against every version of the targets (first promised and in force);
- :func:`region_map`: a choropleth of the regions whose boundaries were valid at the end of the period;
- :func:`budget_chart`: budget by year and stage; :func:`effects_chart`: effects over time with their
  intervals.

This package imports Polars, Altair, vl-convert, :mod:`natije.locale` and :mod:`natije.domain` only: no store,
service, ingest or edge (an import-linter contract checks it).
"""

from natije.charts.budget import budget_chart
from natije.charts.chart import Chart
from natije.charts.effects import effects_chart
from natije.charts.maps import boundaries, region_map
from natije.charts.render import svg, warm
from natije.charts.series import series_chart

__all__ = [
    "Chart",
    "boundaries",
    "budget_chart",
    "effects_chart",
    "region_map",
    "series_chart",
    "svg",
    "warm",
]
