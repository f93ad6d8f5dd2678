"""Lean copies of the region boundaries for maps, rebuilt from the geokz shapefiles.

The shapefiles (and the GeoJSON files converted from them) are not fit to draw as they are: rings come in both
orientations, and some holes hang on degenerate rings of zero area (Astana inside Akmola, Shymkent inside
Turkestan in the 2024 file), so a renderer that trusts the ring order paints the whole frame. The build:

1. rebuilds each region's polygons from its rings by containment, whatever their orientation: a ring inside an
   odd number of the region's other rings is a hole of the smallest ring around it; rings of zero area go;
2. nodes all regions' outlines together and gives every face to the region that holds it (a sliver between
   two regions goes to the neighbour sharing the longest edge), so neighbours share their vertices exactly;
3. simplifies the whole coverage at once (``shapely.coverage_simplify``): a shared border is simplified once,
   so no gaps or overlaps open between neighbours; islands smaller than ``ISLAND`` that touch no other
   region go;
4. rounds coordinates to ``PRECISION`` decimals and winds every exterior ring clockwise and every hole
   anticlockwise, the order d3-geo (Vega) expects, the reverse of RFC 7946's advice;
5. keeps as properties the 9-digit KATO code and the names in kk, ru and en as ``territories.csv``
   writes them.

shapely and pyshp are needed by this build only (the ``build`` extra), never at run time.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import shapefile
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

from demo_build.territories import region_names

PRECISION = 3  # decimals of a degree: about 100 m
TOLERANCE = 0.05  # degrees, for coverage_simplify: a map of the whole country, 600-900 px wide
ISLAND = 0.01  # square degrees (~80 km²): smaller islands touching no other region are left out
MIN_AREA = 1e-9  # square degrees: rings of less area are degenerate


def _rings(shape: Any) -> list[list[tuple[float, float]]]:
    bounds = [*shape.parts, len(shape.points)]
    return [[(p[0], p[1]) for p in shape.points[a:b]] for a, b in pairwise(bounds)]


def rebuild(rings: list[list[tuple[float, float]]]) -> MultiPolygon:
    """Polygons from rings of any orientation: a ring inside an odd number of others is a hole.

    >>> square = [(0, 0), (0, 4), (4, 4), (4, 0), (0, 0)]
    >>> inner = [(1, 1), (1, 2), (2, 2), (2, 1), (1, 1)]  # same orientation as the exterior
    >>> flat = [(5, 5), (6, 6), (5, 5), (5, 5)]  # no area
    >>> rebuild([flat, inner, square]).area
    15.0
    """
    shells = sorted((Polygon(r) for r in rings if len(set(r)) >= 3), key=lambda p: -p.area)
    shells = [p for p in shells if p.area > MIN_AREA]
    holes: dict[int, list[Any]] = {}
    for i, ring in enumerate(shells):
        point = ring.representative_point()
        around = [j for j in range(i) if shells[j].contains(point)]
        if len(around) % 2 == 0:
            holes[i] = []
        else:
            holes[around[-1]].append(ring.exterior.coords)
    polygons = [Polygon(shells[i].exterior.coords, inner) for i, inner in holes.items()]
    out = MultiPolygon(polygons)
    return out if out.is_valid else MultiPolygon(shapely.get_parts(shapely.make_valid(out)))


def _coverage(regions: list[MultiPolygon]) -> list[Any]:
    """The regions rebuilt from one noded set of faces, so that neighbours share their vertices exactly."""
    lines = shapely.union_all([g.boundary for g in regions])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    owners: list[int] = []
    for face in faces:
        point = face.representative_point()
        holding = [i for i, g in enumerate(regions) if g.contains(point)]
        if not holding:  # a sliver between neighbours: to the one sharing the longest edge
            shared = [(g.boundary.intersection(face.boundary).length, i) for i, g in enumerate(regions)]
            holding = [max(shared)[1]]
        owners.append(holding[0])
    out = [shapely.union_all([f for f, o in zip(faces, owners) if o == i]) for i in range(len(regions))]
    if not shapely.coverage_is_valid(out):
        raise ValueError("the regions do not form a valid coverage after noding")
    return out


def _lean(regions: list[Any]) -> list[list[Polygon]]:
    """Simplified as one coverage, small lone islands dropped, rounded, exteriors wound clockwise."""
    simplified = list(shapely.coverage_simplify(regions, TOLERANCE))
    out = []
    for i, geometry in enumerate(simplified):
        others = shapely.union_all([g for j, g in enumerate(simplified) if j != i])
        parts = [p for p in shapely.get_parts(geometry) if p.area >= ISLAND or p.intersects(others)]
        grid = shapely.set_precision(MultiPolygon(parts), 10**-PRECISION)
        out.append([orient(p, sign=-1.0) for p in shapely.get_parts(grid)])
    return out


def _rounded(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return round(value, PRECISION) + 0.0  # + 0.0: no "-0.0"


def _geometry(parts: list[Polygon]) -> dict[str, Any]:
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": _rounded(mapping(parts[0])["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": _rounded(mapping(MultiPolygon(parts))["coordinates"])}


def simplify_file(source: Path, target: Path, valid: str) -> None:
    """Write the lean GeoJSON of shapefile ``source`` (without extension) to ``target``."""
    reader = shapefile.Reader(str(source), encoding="utf-8")
    records, regions = [], []
    for item in reader.iterShapeRecords():
        records.append(item.record.as_dict())
        regions.append(rebuild(_rings(item.shape)))
    reader.close()
    lean = _lean(_coverage(regions))
    features = []
    for props, parts in sorted(zip(records, lean), key=lambda pair: pair[0]["KATO"]):
        kk, ru, en = region_names(props)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": props["KATO"],
                    "iso_code": props["ISO_3166_2"],
                    "name_kk": kk,
                    "name_ru": ru,
                    "name_en": en,
                },
                "geometry": _geometry(parts),
            }
        )
    for feature in features:
        if not shapely.geometry.shape(feature["geometry"]).is_valid:
            raise ValueError(f"region {feature['properties']['code']} is not valid after rounding")
    out = {"type": "FeatureCollection", "name": f"Kazakhstan regions ({valid})", "features": features}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
