"""Properties of the build's generators (``tools/demo_build``): integer splits, boundary rings, dates."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from demo_build import geo, readers, villages

weights = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=0.01, max_value=1e4, allow_nan=False),
    min_size=1,
    max_size=20,
)


@given(st.integers(min_value=0, max_value=100_000), weights)
def test_largest_remainder_splits_exactly_and_proportionally(amount, w):
    parts = villages.largest_remainder(amount, w)
    assert sum(parts.values()) == amount and set(parts) == set(w)
    total = sum(w.values())
    assert all(0 <= parts[k] and abs(parts[k] - amount * w[k] / total) < 1 + 1e-9 for k in w)


boxes = st.lists(
    st.tuples(
        st.floats(min_value=46.0, max_value=80.0),
        st.floats(min_value=40.0, max_value=50.0),
        st.floats(min_value=0.5, max_value=5.0),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


def _box(x: float, y: float, size: float, clockwise: bool) -> list[tuple[float, float]]:
    ring = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return ring[::-1] if clockwise else ring


@given(boxes)
def test_rings_nested_in_any_orientation_alternate_between_shell_and_hole(specs):
    # concentric squares, each wound either way, plus a degenerate ring: area follows nesting only
    x, y = specs[0][0], specs[0][1]
    sizes = sorted({round(s[2], 3) for s in specs}, reverse=True)
    rings = [_box(x - size / 2, y - size / 2, size, s[3]) for size, s in zip(sizes, specs)]
    rings.append([(x, y), (x + 1, y + 1), (x, y), (x, y)])
    expected = sum((-1) ** depth * size * size for depth, size in enumerate(sizes))
    built = geo.rebuild(rings)
    assert built.is_valid and abs(built.area - expected) < 1e-6


@given(
    st.sampled_from(["wdi", "owid_itu", "un_egdi", "bns_population", "sozmedia_literacy"]),
    st.integers(min_value=2000, max_value=2026),
)
def test_conventional_dates_are_bounded_by_the_year_after_and_the_latest_snapshot(source, year):
    known = readers.known_by(source, year)
    assert known <= readers.LATEST_SNAPSHOT.isoformat() and known <= f"{year + 1}-12-31"
    if source == "sozmedia_literacy" and year < 2025:
        assert known == f"{year + 1}-12-31"


def test_villages_panel_matches_national_totals_every_year():
    shares = {
        "630000000": {"630000000": 0.55, "100000000": 0.45},
        "190000000": {"190000000": 0.68, "330000000": 0.32},
        "350000000": {"350000000": 0.84, "620000000": 0.16},
    }
    rows, early = villages.generate(shares)
    totals = villages.national_totals()
    for year, (connected, total) in totals.items():
        assert sum(r[2] for r in rows if r[1] == year) == connected
        assert sum(r[3] for r in rows if r[1] == year) == total
    assert all(0 <= r[2] <= r[3] for r in rows) and len(early) == 5
