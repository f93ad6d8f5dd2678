"""Maps: the boundaries valid for the period, one path per region, real holes, and never a painted frame."""

from __future__ import annotations

import copy
import datetime
import re
from itertools import pairwise

import numpy as np
import polars as pl
import pytest
from chart_pictures import read_png, region_codes

from natije.charts import boundaries, region_map, svg
from natije.charts.render import png

CODE = re.compile(r'aria-label="[^"]*\((\d{9})\)')
LATIN = re.compile(r"[A-Za-z]")


def _rings(feature: dict) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring)) / 2


def _inside(point: tuple[float, float], feature: dict) -> bool:
    """Even-odd rule over every ring of the feature (holes included)."""
    x, y = point
    crossings = 0
    for polygon in _rings(feature):
        for ring in polygon:
            for (x1, y1), (x2, y2) in pairwise(ring):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


def _feature(on: datetime.date, code: str) -> dict:
    return next(f for f in boundaries(on)["features"] if f["properties"]["code"] == code)


@pytest.mark.parametrize(("on", "count"), [(datetime.date(2022, 6, 7), 17), (datetime.date(2022, 6, 8), 20)])
def test_boundaries_are_those_valid_on_the_day(on, count):
    codes = region_codes(on)
    assert len(codes) == len(set(codes)) == count
    assert all(re.fullmatch(r"\d{9}", c) for c in codes)


@pytest.mark.parametrize(("period", "count"), [("2020", 17), ("2021-Q4", 17), ("2022", 20), ("2024", 20)])
def test_map_draws_one_path_per_region_carrying_its_code(period, count, regional_values):
    chart = region_map(regional_values, period=period, lang="en", name="Villages on fibre", unit="%")
    drawn = CODE.findall(svg(chart.spec))
    assert len(drawn) == count and set(drawn) == set(region_codes(datetime.date(int(period[:4]), 12, 31)))
    assert "000000000" not in drawn


@pytest.mark.parametrize("on", [datetime.date(2020, 1, 1), datetime.date(2024, 1, 1)])
def test_exteriors_wind_clockwise_and_holes_anticlockwise_as_d3_expects(on):
    for feature in boundaries(on)["features"]:
        for polygon in _rings(feature):
            assert _signed_area(polygon[0]) < 0, feature["properties"]["code"]
            assert all(_signed_area(hole) > 0 for hole in polygon[1:]), feature["properties"]["code"]


@pytest.mark.parametrize("on", [datetime.date(2020, 1, 1), datetime.date(2024, 1, 1)])
@pytest.mark.parametrize(
    ("city", "around", "point", "elsewhere"),
    [
        ("710000000", "110000000", (71.43, 51.13), (69.39, 53.28)),  # Astana in Akmola region (Kokshetau)
        (
            "790000000",
            "610000000",
            (69.60, 42.32),
            (68.25, 43.30),
        ),  # Shymkent in Turkestan region (Turkestan)
    ],
)
def test_cities_are_their_own_regions_cut_out_of_the_region_around_them(on, city, around, point, elsewhere):
    assert _inside(point, _feature(on, city))
    assert not _inside(point, _feature(on, around))
    assert _inside(elsewhere, _feature(on, around)) and not _inside(elsewhere, _feature(on, city))


@pytest.mark.parametrize("on", [datetime.date(2020, 1, 1), datetime.date(2024, 1, 1)])
def test_kazakh_names_have_no_latin_letters(on):
    names = [f["properties"]["name_kk"] for f in boundaries(on)["features"]]
    assert names and not [n for n in names if LATIN.search(n)]
    assert "Солтүстік Қазақстан облысы" in names


def _picture(spec: dict) -> tuple[float, float, float, np.ndarray]:
    """Share of the frame that is coloured, the coloured area's width/height and its width
    share of the frame."""
    pixels = read_png(png(spec))[:, :, :3].astype(int)
    coloured = ~(pixels >= 250).all(axis=2)
    rows, columns = np.nonzero(coloured)
    width, height = columns.max() - columns.min() + 1, rows.max() - rows.min() + 1
    return coloured.mean(), width / height, width / pixels.shape[1], pixels


def _bare(spec: dict, projection: str | None = None, reverse: bool = False) -> dict:
    """The map alone (no title, no legend), optionally on another projection or with every ring reversed."""
    out = copy.deepcopy(spec)
    out.pop("title", None)
    out["config"]["legend"] = {"disable": True}
    if projection:
        out["projection"] = {"type": projection}
    for values in out["datasets"].values() if reverse else []:
        for feature in values:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            for ring in (ring for polygon in polygons for ring in polygon):
                ring.reverse()
    return out


@pytest.mark.parametrize("period", ["2020", "2024"])
@pytest.mark.parametrize("projection", [None, "equirectangular"])
def test_map_is_a_country_not_a_painted_frame(period, projection, regional_values):
    spec = _bare(region_map(regional_values, period=period, lang="kk", name="x", unit="%").spec, projection)
    share, aspect, span, pixels = _picture(spec)
    assert 0.30 <= share <= 0.75, share
    for corner in (pixels[0, 0], pixels[0, -1], pixels[-1, 0], pixels[-1, -1]):
        assert (corner >= 250).all()
    assert aspect > 1.9 and span > 0.95  # Kazakhstan is about twice as wide as high, fitted to the width


def test_rings_wound_the_other_way_would_paint_the_frame(regional_values):
    # the trap the boundary build avoids: d3-geo reads an anticlockwise exterior as the rest of the globe
    spec = region_map(regional_values, period="2024", lang="en", name="x", unit="%").spec
    share, _, _, _ = _picture(_bare(spec, "equirectangular", reverse=True))
    assert share > 0.75
    _, aspect, span, _ = _picture(_bare(spec, reverse=True))
    assert aspect < 1.9 or span < 0.95


def test_regions_without_data_are_grey_and_named(regional_values):
    values = regional_values.filter(~pl.col("territory").is_in(["710000000", "790000000"]))
    chart = region_map(values, period="2024", lang="ru", name="Доля", unit="%")
    text = svg(chart.spec)
    assert 'aria-label="город Астана (710000000): Нет данных"' in text
    assert "Нет данных: город Астана, город Шымкент." in chart.alt_text
    assert [r["value"] for r in chart.data_rows if r["territory"] == "710000000"] == [None]


def test_map_without_any_value_still_draws_every_region():
    chart = region_map(
        pl.DataFrame({"territory": [], "value": []}, schema={"territory": pl.String, "value": pl.Float64}),
        period="2019",
        lang="en",
        name="x",
    )
    assert len(CODE.findall(svg(chart.spec))) == 17
    assert chart.alt_text == "x, 2019: no values by region."
