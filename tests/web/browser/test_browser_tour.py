"""What a visitor does, in Chromium: the overview, another language, a program on an earlier day, an
indicator's map, a chart's data as a CSV file, a search; and that the charts and the map were really drawn."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from browser_app import ARTIFACTS, Shoot, picture_program_page
from playwright.sync_api import Page

from natije.locale import t

pytestmark = pytest.mark.browser

FIBRE = "AI2023.VILLAGES_FIBRE_SHARE"

# Per chart: its SVG's size and the paths its marks drew (lines, points, bars, regions; not axes or legends).
CHARTS_JS = """() => [...document.querySelectorAll("figure.chart svg")].map(svg => {
  const box = svg.getBoundingClientRect();
  return {width: box.width, height: box.height, marks: svg.querySelectorAll(".role-mark path").length,
          label: svg.closest("[role=img]").getAttribute("aria-label")};
})"""

# The map's regions: how many, their colours, each one's box against the plot's (a map that failed to project
# is one shape filling the whole frame).
MAP_JS = """(svg) => {
  const frame = svg.querySelector("path.background").getBBox();
  const regions = [...svg.querySelectorAll('path[aria-roledescription="geoshape"]')];
  const boxes = regions.map(path => path.getBBox());
  return {
    count: regions.length,
    fills: [...new Set(regions.map(path => getComputedStyle(path).fill))].length,
    largest: Math.max(...boxes.map(b => b.width * b.height)) / (frame.width * frame.height),
    spread: (Math.max(...boxes.map(b => b.x + b.width)) - Math.min(...boxes.map(b => b.x))) / frame.width,
  };
}"""


def _text(page: Page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).replace("\u202f", " ")


def test_a_visit_from_the_overview_to_a_region(page: Page, base_url: str, shoot: Shoot) -> None:
    page.goto(f"{base_url}/")  # the browser speaks Kazakh
    assert page.url == f"{base_url}/kk/" and page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("h1").inner_text() == t("web.overview.title", "kk")
    shoot(page, "overview-kk")

    page.locator("nav.languages a[hreflang=en]").click()
    page.wait_for_url(f"{base_url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#card-AI2023 h2").inner_text() == 'National project "Affordable Internet"'
    shoot(page, "overview-en")

    page.locator("#card-AI2023 h2 a").click()
    page.wait_for_url(f"{base_url}/en/programs/AI2023")
    card = f"[id='ind-{FIBRE}']"
    assert "90%" in _text(page, card) and "42.2%" in _text(page, card)

    page.locator("#as_of").fill("2025-07-01")
    page.locator("#basis").select_option("first")
    page.locator("form.asof button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/programs/AI2023\?as_of=2025-07-01&basis=first$"))
    assert page.locator("#as_of").input_value() == "2025-07-01"
    # on that day 88% was promised and the 2025 value was not published yet
    assert "88%" in _text(page, card) and "42.2%" not in _text(page, card)
    shoot(page, "program-en-2025-07-01")

    page.locator(f"{card} h3 a").click()
    page.wait_for_url(f"{base_url}/en/indicators/{FIBRE}")
    regions = page.locator("#regions")
    assert regions.locator("table.regions a", has_text="Kyzylorda Region").count() == 1
    drawn = regions.locator("figure.chart svg").evaluate(MAP_JS)
    assert drawn["count"] >= 17, drawn  # every region of the period's map
    assert drawn["fills"] >= 5, drawn  # shaded by value, not one colour
    assert drawn["largest"] < 0.35 and drawn["spread"] > 0.8, (
        drawn
    )  # regions side by side, not a filled frame
    shoot(page, "indicator-en")

    with page.expect_download() as download:
        regions.locator("figcaption a[download][href*='/regions.csv']").click()
    csv = download.value
    assert csv.suggested_filename == f"{FIBRE}-2025-regions.csv"
    csv.save_as(ARTIFACTS / csv.suggested_filename)
    text = (ARTIFACTS / csv.suggested_filename).read_text(encoding="utf-8")
    # a byte-order mark for spreadsheets, then the headers in the page's language
    assert text.startswith("\ufeff" + t("column.territory", "en") + ",")
    assert "430000000,Kyzylorda Region,2025,39.7" in text

    page.locator("#q").fill("кызылорда")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/en/search\?q="))
    page.locator("ul.hits a[href='/en/territories/430000000']").click()
    page.wait_for_url(f"{base_url}/en/territories/430000000")
    assert page.locator("h1").inner_text() == "Kyzylorda Region"
    assert page.locator(f"main a[href='/en/indicators/{FIBRE}']").count() >= 1
    shoot(page, "territory-en")

    page.goto(f"{base_url}/")  # the language chosen last is remembered
    assert page.url == f"{base_url}/en/"


def test_every_chart_of_the_program_page_is_drawn(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/en/programs/AI2023")
    charts: list[dict[str, Any]] = page.evaluate(CHARTS_JS)
    assert len(charts) >= 6  # one per indicator, and the budget
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 100, chart
    drawn = [chart for chart in charts if chart["marks"]]
    empty = [chart for chart in charts if not chart["marks"]]
    # only a chart that says it has nothing to draw may draw nothing
    assert all("no actual values yet" in chart["label"] for chart in empty), empty
    assert len(drawn) >= len(charts) - 1
    fibre = next(
        chart for chart in charts if chart["label"].startswith("Villages connected to backbone fibre")
    )
    assert fibre["marks"] >= 5  # actual line and points, target steps, forecast
    budget = page.locator("section.budget svg .role-mark path")
    assert budget.count() >= 3  # bars by year and stage


def test_the_evaluation_chart_is_drawn(page: Page, base_url: str, shoot: Shoot) -> None:
    page.goto(f"{base_url}/en/evaluations/1")
    (chart,) = page.evaluate(CHARTS_JS)
    assert chart["marks"] >= 2 and chart["width"] > 200, chart  # the band and the effects
    shoot(page, "evaluation-en")


def test_the_readme_picture_of_the_program_page(open_page: Callable[..., Page], base_url: str) -> None:
    page = open_page(locale="en-GB")  # dates in the form as the English page writes them
    path = picture_program_page(page, base_url, ARTIFACTS / "program-en-readme.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000  # a page, not a blank
