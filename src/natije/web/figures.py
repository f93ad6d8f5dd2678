"""A chart of a page (built by :mod:`natije.services.figures`) with its SVG and the link to its data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from natije.charts import Chart


@dataclass(frozen=True)
class Figure:
    """A chart ready for a page: its SVG, its text alternative and where its rows are downloaded."""

    svg: str
    alt_text: str
    data_url: str


def figure(chart: Chart, data_url: str, cache_dir: Path | None) -> Figure:
    """The SVG (cached by spec) and text of ``chart``; its rows are served at ``data_url``."""
    return Figure(chart.svg(cache_dir=cache_dir), chart.alt_text, data_url)
