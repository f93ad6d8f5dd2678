"""Lean copies of the region boundaries for maps: coordinates rounded, near-collinear points dropped.

Rounding to 3 decimals (about 100 m) and a Douglas-Peucker pass at 0.005 degrees keep the outlines
recognisable on a country map at a fraction of the size. Rings that collapse below four points are dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

PRECISION = 3
TOLERANCE = 0.005
KEEP = ("KATO", "ISO_3166_2", "ADM1_EN", "ADM1_KK", "ADM1_RU")


def _perpendicular(p: list[float], a: list[float], b: list[float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return ((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5


def _simplify(points: list[list[float]]) -> list[list[float]]:
    # iterative Douglas-Peucker: keep[i] marks points that survive
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        best, index = 0.0, -1
        for i in range(lo + 1, hi):
            d = _perpendicular(points[i], points[lo], points[hi])
            if d > best:
                best, index = d, i
        if index >= 0 and best > TOLERANCE:
            keep[index] = True
            stack.extend([(lo, index), (index, hi)])
    return [p for p, k in zip(points, keep) if k]


def _ring(ring: list[list[float]]) -> list[list[float]] | None:
    rounded: list[list[float]] = []
    for x, y in ((round(p[0], PRECISION), round(p[1], PRECISION)) for p in ring):
        if not rounded or rounded[-1] != [x, y]:
            rounded.append([x, y])
    if len(rounded) < 4:
        return None
    out = _simplify(rounded)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for poly in polys:
        rings = [_ring(r) for r in poly]
        if rings and rings[0] is not None:
            out.append([r for r in rings if r is not None])
    return out


def simplify_file(source: Path, target: Path, valid: str) -> None:
    """Write a lean copy of ``source`` to ``target`` (properties reduced to KATO, ISO code and names)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in sorted(data["features"], key=lambda f: f["properties"]["KATO"]):
        polys = _polygons(feature["geometry"])
        geometry = {"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else {
            "type": "MultiPolygon", "coordinates": polys}
        props = {k: feature["properties"][k] for k in KEEP}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    out = {"type": "FeatureCollection", "name": f"Kazakhstan regions ({valid})", "features": features}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
