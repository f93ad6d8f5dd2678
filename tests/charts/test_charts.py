"""Series, budget and effects charts: what they draw, their text alternatives in each language, their size."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import jsonschema
import polars as pl
import pytest

from natije.charts import budget_chart, effects_chart, region_map, series_chart, svg
from natije.charts.chart import FONT
from natije.locale import LANGUAGES, catalog

CHARTS = Path(__file__).resolve().parents[2] / "src" / "natije" / "charts"
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _all_charts(lang, regional_values, observations, commitments, execution, effects):
    forecast = {"period": "2027", "value": 53.5, "low": 40.8, "high": 66.1, "p_meet": 0.04}
    return {
        "series": series_chart(
            observations, commitments, lang=lang, name="Villages on fibre", unit="%", forecast=forecast
        ),
        "map": region_map(regional_values, period="2024", lang=lang, name="Villages on fibre", unit="%"),
        "budget": budget_chart(execution, lang=lang),
        "effects": effects_chart(effects, lang=lang),
    }


def test_every_chart_key_is_in_all_three_catalogs():
    used = set()
    for path in CHARTS.glob("*.py"):
        used |= set(re.findall(r'"(chart\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
        used |= {f"budget_stage.{s}" for s in ("planned", "approved", "executed")}
    assert len(used) > 20
    for lang in LANGUAGES:
        assert not used - set(catalog(lang)), lang
    written = {k for k in catalog("en") if k.startswith("chart.")}
    assert written <= used | {f"chart.{k}" for k in ("data_link",)}, written - used


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_of_chart_is_valid_vega_lite(
    lang, regional_values, observations, commitments, execution, effects
):
    # finish() leaves validation to this test: a spec Vega-Lite's schema refuses fails here, in every language
    validator = jsonschema.Draft7Validator(alt.load_schema())
    for kind, chart in _all_charts(
        lang, regional_values, observations, commitments, execution, effects
    ).items():
        errors = [e.message for e in validator.iter_errors(chart.spec)]
        assert not errors, (kind, errors[:3])
    broken = {
        **_all_charts(lang, regional_values, observations, commitments, execution, effects)["series"].spec
    }
    broken["mark"] = {"type": "no-such-mark"}
    assert list(validator.iter_errors(broken))  # the check can fail


def test_series_draws_every_version_of_the_target(observations, commitments):
    chart = series_chart(observations, commitments, lang="en", name="Villages on fibre", unit="%")
    kinds = [r["kind"] for r in chart.data_rows]
    assert kinds.count("actual") == 3 and kinds.count("illustrative") == 1
    first = next(r for r in chart.data_rows if r["kind"] == "first_promised")
    in_force = next(r for r in chart.data_rows if r["kind"] == "target")
    assert (first["value"], first["version"], in_force["value"], in_force["version"]) == (88.0, 1, 90.0, 2)
    assert [r["decided_on"] for r in chart.data_rows if r["kind"] == "decision"] == [
        "2025-06-24",
        "2025-10-21",
    ]
    text = svg(chart.spec)
    assert "Target as first promised" in text and "Actual value (illustrative)" in text
    assert chart.alt_text == (
        "Villages on fibre: actual values from 2020 to 2025, between 19.3% and 42.2%; latest "
        "42.2% (2025). Target for 2027: 90%, first promised 88%; 2 versions."
    )


def test_series_without_values_or_targets_still_renders():
    empty = pl.DataFrame({"period": [], "value": []}, schema={"period": pl.String, "value": pl.Float64})
    targets = pl.DataFrame(
        schema={
            "kind": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "version": pl.Int32,
            "decided_on": pl.Date,
        }
    )
    chart = series_chart(empty, targets, lang="ru", name="Показатель")
    assert chart.alt_text == "Показатель: фактических значений пока нет."
    drawn = svg(chart.spec)
    assert drawn.startswith("<svg")
    named = re.findall(r'<[^>]* role="graphics-symbol"[^>]*>', drawn)
    assert named and all("aria-label=" in tag for tag in named)  # no unnamed mark for a screen reader


def test_budget_keeps_to_one_currency_and_the_stages_it_has(execution):
    chart = budget_chart(execution, lang="ru")
    assert {r["currency"] for r in chart.data_rows} == {"KZT"}
    assert chart.alt_text == (
        "Бюджет по годам и стадиям, 2024–2026, всего: запланировано 276,7\xa0млрд тенге, "
        "утверждено 90\xa0млрд тенге, исполнено 165,9\xa0млрд тенге."
    )
    text = svg(chart.spec)
    assert "млрд тенге" in text and "исполнено" in text
    usd = budget_chart(execution, lang="en", currency="USD")
    assert [r["stage"] for r in usd.data_rows] == ["planned", "executed"]


def test_effects_band_and_text(effects):
    chart = effects_chart(effects, lang="kk")
    assert [r["label"] for r in chart.data_rows] == ["-3", "-2", "-1", "0", "1", "2", "3"]
    assert "95% сенімділік аралығы" in svg(chart.spec)
    assert chart.alt_text.endswith("3 кезеңде әсер 2,6 (95% сенімділік аралығы: 2 – 3,2).")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_alt_text_and_labels_are_in_the_chart_language(
    lang, regional_values, observations, commitments, execution, effects
):
    for name, chart in _all_charts(
        lang, regional_values, observations, commitments, execution, effects
    ).items():
        words = chart.alt_text.replace("Villages on fibre", "")
        if lang == "en":
            assert not CYRILLIC.search(words), (name, chart.alt_text)
        else:
            assert CYRILLIC.search(words), (name, chart.alt_text)
        assert bool(KAZAKH_ONLY.search(words)) == (lang == "kk"), (name, chart.alt_text)
        assert chart.spec["description"] == chart.alt_text
        assert chart.spec["config"]["font"] == FONT


def test_numbers_are_written_the_way_the_language_writes_them(regional_values):
    chart = region_map(regional_values, period="2024", lang="ru", name="x", unit="%")
    assert chart.spec["config"]["locale"]["number"] == {
        "decimal": ",",
        "thousands": "\xa0",
        "grouping": [3],
        "currency": ["", ""],
    }
    assert "77\xa0%" in chart.alt_text  # the highest value, with the Russian per-cent sign


@pytest.mark.parametrize("lang", LANGUAGES)
def test_svg_sizes_keep_a_page_under_300_kb(
    lang, regional_values, observations, commitments, execution, effects
):
    charts = _all_charts(lang, regional_values, observations, commitments, execution, effects)
    sizes = {name: len(svg(c.spec).encode("utf-8")) for name, c in charts.items()}
    assert sizes["map"] <= 60_000, sizes
    assert max(sizes["series"], sizes["budget"], sizes["effects"]) <= 30_000, sizes
    assert sum(sizes.values()) <= 150_000, sizes  # half of a page's 300 KB for all four charts together


def test_svg_text_uses_the_font_with_kazakh_letters(regional_values):
    text = svg(region_map(regional_values, period="2024", lang="kk", name="Ауылдар үлесі", unit="%").spec)
    assert re.findall(r'font-family="([^"]+)"', text) and set(re.findall(r'font-family="([^"]+)"', text)) == {
        FONT
    }
    assert "Ауылдар үлесі, 2024" in text and "Шымкент қаласы (790000000)" in text


def test_csv_of_the_data_rows(execution):
    chart = budget_chart(execution, lang="en")
    lines = chart.csv().splitlines()
    assert lines[0] == "year,stage,currency,amount" and lines[1] == "2024,planned,KZT,92400000000.0"
