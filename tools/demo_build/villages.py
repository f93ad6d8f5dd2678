"""ILLUSTRATIVE villages-on-fibre panel by region, 2018-2025, consistent with the published national figures.

Nobody published fibre connections by region. Maps and the impact-evaluation demo need them, so this module
generates them deterministically (seeded) and every row it returns names the ``demo_illustrative`` source.

Construction
------------
- National totals: published where known (2020: 1,257 of ~6,500; 2024: ~41 %; 2025: 2,606 of 6,179), linearly
  interpolated otherwise; 2018 ≈ 1,257 / 3.8 ("almost quadrupled" by 2020) and 2019 halfway.
- Regions are handled as the 17 rural units of today's map ("atoms"); before the 2022 reform the atoms of
  Abai, Zhetysu and Ulytau are added back into East Kazakhstan, Almaty and Karaganda regions.
- Village totals per atom: an illustrative base (rough order of magnitude of rural settlements per region)
  scaled to the national total. Connections grow by yearly increments allocated in proportion to the
  unconnected villages, weighted so that a seeded "early" cohort (five regions whose borders did not change in
  2022) gets most of the 2019-2020 wave and the other regions most of the 2024-2025 wave. Integer allocation
  by largest remainder, so regions sum exactly.
"""

from __future__ import annotations

import random

SEED = 2024
YEARS = list(range(2018, 2026))
BASE = {  # illustrative rural-settlement counts per pre-2022 region (order of magnitude only)
    "110000000": 616,
    "150000000": 370,
    "190000000": 760,
    "230000000": 180,
    "270000000": 430,
    "310000000": 370,
    "350000000": 450,
    "390000000": 540,
    "430000000": 260,
    "470000000": 60,
    "550000000": 400,
    "590000000": 600,
    "610000000": 830,
    "630000000": 780,
}
MERGE_BEFORE_2022 = {"100000000": "630000000", "330000000": "190000000", "620000000": "350000000"}


def national_totals() -> dict[int, tuple[int, int]]:
    """``{year: (connected, total)}``; published for 2020 and 2025, share-consistent for 2024."""
    total = {y: 6500 if y <= 2020 else round(6500 + (6179 - 6500) * (y - 2020) / 5) for y in YEARS}
    connected = {2018: round(1257 / 3.8), 2020: 1257, 2024: round(0.41 * total[2024]), 2025: 2606}
    connected[2019] = round((connected[2018] + 1257) / 2)
    for y in (2021, 2022, 2023):
        connected[y] = round(1257 + (connected[2024] - 1257) * (y - 2020) / 4)
    return {y: (connected[y], total[y]) for y in YEARS}


def largest_remainder(amount: int, weights: dict[str, float]) -> dict[str, int]:
    """Split the integer ``amount`` in proportion to ``weights``; the parts sum exactly to ``amount``."""
    norm = sum(weights.values())
    raw = {k: amount * w / norm if norm else 0.0 for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[: amount - sum(out.values())]:
        out[k] += 1
    return out


def atoms(shares: dict[str, dict[str, float]]) -> dict[str, float]:
    """Illustrative base village counts for the 17 rural units of today's map."""
    base = {code: float(n) for code, n in BASE.items()}
    for old, targets in shares.items():
        if old in base:
            whole = base.pop(old)
            for target, share in targets.items():
                base[target] = whole * share
    return base


def generate(shares: dict[str, dict[str, float]]) -> tuple[list[tuple[str, int, int, int]], list[str]]:
    """``(code, year, connected, total)`` rows for the regions valid each year, and the early cohort."""
    rng = random.Random(SEED)
    base = atoms(shares)
    codes = sorted(base)
    # regions whose borders changed in 2022 stay in the late cohort, so every unit has one treatment date
    stable = [c for c in codes if c not in MERGE_BEFORE_2022 and c not in MERGE_BEFORE_2022.values()]
    early = sorted(rng.sample(stable, 5))
    noise = {c: rng.uniform(0.8, 1.25) for c in codes}
    totals = national_totals()
    connected: dict[str, int] = {c: 0 for c in codes}
    rows: list[tuple[str, int, int, int]] = []
    for year in YEARS:
        n_nat, d_nat = totals[year]
        villages = largest_remainder(d_nat, base)
        increment = n_nat - sum(connected.values())
        weights = {}
        for c in codes:
            wave = 1.0
            if year in (2019, 2020):
                wave = 6.0 if c in early else 1.0
            elif year >= 2024:
                wave = 1.0 if c in early else 3.0
            weights[c] = wave * noise[c] * max(villages[c] - connected[c], 0)
        for c, extra in largest_remainder(increment, weights).items():
            connected[c] += extra
        for c in codes:
            if connected[c] > villages[c]:
                raise ValueError(f"illustrative villages: {c} {year} connected exceeds total")
        merged_n: dict[str, int] = {}
        merged_d: dict[str, int] = {}
        for c in codes:
            key = MERGE_BEFORE_2022.get(c, c) if year < 2022 else c
            merged_n[key] = merged_n.get(key, 0) + connected[c]
            merged_d[key] = merged_d.get(key, 0) + villages[c]
        rows.extend((c, year, merged_n[c], merged_d[c]) for c in sorted(merged_n))
    return rows, early


def observation_rows(program: str, part: str, shares: dict[str, dict[str, float]]) -> list[dict[str, str]]:
    """Observation rows of one part (``numerator``, ``denominator`` or ``share``) for
    ``program``'s indicators."""
    suffix = {
        "numerator": "VILLAGES_FIBRE",
        "denominator": "VILLAGES_TOTAL",
        "share": "VILLAGES_FIBRE_SHARE",
    }[part]
    rows, early = generate(shares)
    out = []
    for code, year, n, d in rows:
        value = {"numerator": str(n), "denominator": str(d), "share": f"{100 * n / d:.1f}"}[part]
        cohort = "early (2019-2020 wave)" if code in early else "late"
        out.append(
            {
                "indicator": f"{program}.{suffix}",
                "territory": code,
                "period": str(year),
                "value": value,
                "unit": {"share": "%"}.get(part, "count"),
                "source": "demo_illustrative",
                "note": f"ILLUSTRATIVE regional breakdown, generated; cohort {cohort}",
                "as_of": "",
            }
        )
    return out
