"""ILLUSTRATIVE regional outcome for the impact-evaluation demo: rural internet users by region, 2015-2025.

No such regional series is published in the shared data. The rows are generated (seeded) with a **planted
effect** of fibre arrival, so an evaluation on the demo has a known answer to recover:

    users(region, year) = trend(year) - gap(region) + noise + EFFECT * [year >= cohort(region)]

with ``trend`` a smooth rise from about 50 % (2015) to about 85 % (2025), ``gap`` a fixed regional offset,
``cohort`` = 2019 for the early fibre cohort of :mod:`demo_build.villages` and 2024 for the others, and
``EFFECT`` = 3.0 percentage points. The numbers say nothing about Kazakhstan; they exercise the methods.
Before the 2022 reform, East Kazakhstan, Almaty and Karaganda regions are the village-weighted average of
the units they later split into (all in the late cohort).
"""

from __future__ import annotations

import math
import random

from demo_build import villages

SEED = 2019
EFFECT = 3.0
YEARS = list(range(2015, 2026))
EARLY_START, LATE_START = 2019, 2024
TURKESTAN, SOUTH_KAZAKHSTAN = "610000000", "510000000"


def _trend(year: int) -> float:
    return 50.0 + 35.0 * (1.0 - math.exp(-(year - 2015) / 4.0))


def observation_rows(program: str, shares: dict[str, dict[str, float]]) -> list[dict[str, str]]:
    """``<program>.RURAL_INTERNET_USERS`` rows by region and year, all naming ``demo_illustrative``."""
    rng = random.Random(SEED)
    base = villages.atoms(shares)
    _, early = villages.generate(shares)
    codes = sorted(base)
    gap = {c: rng.gauss(0.0, 3.0) for c in codes}
    values: dict[tuple[str, int], float] = {}
    for year in YEARS:
        for c in codes:
            start = EARLY_START if c in early else LATE_START
            values[(c, year)] = (
                _trend(year) - gap[c] + rng.gauss(0.0, 0.6) + (EFFECT if year >= start else 0.0)
            )
    out = []
    for year in YEARS:
        merged: dict[str, tuple[float, float]] = {}
        for c in codes:
            key = villages.MERGE_BEFORE_2022.get(c, c) if year < 2022 else c
            if year < 2018 and key == TURKESTAN:
                # Turkestan region's rural areas were South Kazakhstan's before June 2018
                key = SOUTH_KAZAKHSTAN
            total, weight = merged.get(key, (0.0, 0.0))
            merged[key] = (total + values[(c, year)] * base[c], weight + base[c])
        for code, (total, weight) in sorted(merged.items()):
            cohort = EARLY_START if code in early else LATE_START  # South Kazakhstan / Turkestan: late
            out.append(
                {
                    "indicator": f"{program}.RURAL_INTERNET_USERS",
                    "territory": code,
                    "period": str(year),
                    "value": f"{total / weight:.1f}",
                    "unit": "%",
                    "source": "demo_illustrative",
                    "note": (
                        f"ILLUSTRATIVE outcome with a planted fibre effect of {EFFECT} pp; cohort {cohort}"
                    ),
                    "as_of": "",
                }
            )
    return out


def cohort_rows(shares: dict[str, dict[str, float]]) -> list[dict[str, str]]:
    """``territory,first_period`` of every region in the outcome:
    the fibre cohort an evaluation should use."""
    _, early = villages.generate(shares)
    return [
        {"territory": c, "first_period": str(EARLY_START if c in early else LATE_START)}
        for c in sorted(villages.atoms(shares))
    ]
