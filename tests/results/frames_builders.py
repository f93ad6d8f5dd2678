"""Frames built by hand for the results tests (the store is not needed: the engine is pure).

A module of its own, not conftest.py: several test folders have a conftest, so ``from conftest import``
would be ambiguous.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from natije.domain.periods import Period
from natije.results.frames import ProgramFrames
from natije.results.loops import Target, TargetRows
from natije.results.rules import INCREASE


def periods(texts: list[str]) -> dict[str, list]:
    ps = [Period.parse(t) for t in texts]
    return {
        "period": [str(p) for p in ps],
        "period_start": [p.start_month for p in ps],
        "period_end": [p.end_month for p in ps],
    }


def obs(rows: list[tuple], recorded: datetime = datetime(2020, 1, 1)) -> pl.DataFrame:
    """rows: (indicator, territory, period, value[, recorded_at])."""
    p = periods([r[2] for r in rows])
    return pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "territory": [r[1] for r in rows],
            **p,
            "value": [float(r[3]) for r in rows],
            "recorded_at": [r[4] if len(r) > 4 else recorded for r in rows],
            "first_recorded": [r[4] if len(r) > 4 else recorded for r in rows],
            "illustrative": [False] * len(rows),
        }
    )


def commits(rows: list[tuple]) -> pl.DataFrame:
    """rows: (indicator, territory|None, kind, period, value, decided_on[, version])."""
    p = periods([r[3] for r in rows])
    return pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "territory": [r[1] for r in rows],
            "kind": [r[2] for r in rows],
            **p,
            "value": [float(r[4]) for r in rows],
            "decided_on": [r[5] for r in rows],
            "version": [r[6] if len(r) > 6 else 1 for r in rows],
            "recorded_at": [datetime.combine(r[5], datetime.min.time()) for r in rows],
            "document": ["decree"] * len(rows),
        },
        schema_overrides={"territory": pl.String},
    )


def indicators(rows: list[dict]) -> pl.DataFrame:
    base = {
        "program": "P",
        "unit": "%",
        "direction": "increase",
        "kind": "stock",
        "frequency": "A",
        "name_en": None,
    }
    return pl.DataFrame([{**base, **r} for r in rows], infer_schema_length=None)


KZ = "000000000"


def demo_like_frames() -> ProgramFrames:
    """Digital literacy (achieved) and villages on fibre (far from 90 % by 2027), national level."""
    ind = indicators(
        [
            {"code": "DK.LIT", "name_en": "Digital literacy", "program": "DK"},
            {"code": "DK.FIBRE", "name_en": "Villages on backbone fibre", "program": "DK"},
        ]
    )
    o = obs(
        [
            ("DK.LIT", KZ, "2018", 79.6),
            ("DK.LIT", KZ, "2019", 82.1),
            ("DK.LIT", KZ, "2021", 87.3),
            ("DK.FIBRE", KZ, "2020", 19.3),
            ("DK.FIBRE", KZ, "2023", 35.0),
            ("DK.FIBRE", KZ, "2024", 41.0),
            ("DK.FIBRE", KZ, "2025", 42.2),
        ]
    )
    c = commits(
        [
            ("DK.LIT", None, "target", "2022", 83, date(2017, 12, 12)),
            ("DK.LIT", None, "baseline", "2017", 76.2, date(2017, 12, 12)),
            ("DK.FIBRE", None, "target", "2027", 90, date(2023, 6, 1)),
            ("DK.FIBRE", None, "baseline", "2022", 30, date(2023, 6, 1)),
        ]
    )
    terr = pl.DataFrame(
        {"code": [KZ], "level": ["country"], "parent": [None]}, schema_overrides={"parent": pl.String}
    )
    return ProgramFrames.build(program="DK", indicators=ind, observations=o, commitments=c, territories=terr)


def chain_frames() -> ProgramFrames:
    """Two programs: IK (2013–2020) → DK (2018–2022); one promise repeated later, one dropped, one renamed."""
    ind = indicators(
        [
            {"code": "IK.LIT", "program": "IK", "name_en": "Digital literacy"},
            {"code": "IK.TV", "program": "IK", "name_en": "Digital television coverage"},
            {"code": "IK.EGOV", "program": "IK", "name_en": "Share of e-services"},
            {"code": "DK.LIT", "program": "DK", "name_en": "Digital literacy"},
            {
                "code": "DK.ESERV",
                "program": "DK",
                "name_en": "Share of public services online",
                "continues": "IK.EGOV",
            },
            {"code": "DK.UNEMP", "program": "DK", "name_en": "Unemployment", "direction": "decrease"},
        ]
    )
    c = commits(
        [
            ("IK.LIT", None, "target", "2020", 80, date(2013, 1, 8)),
            ("IK.TV", None, "target", "2020", 95, date(2013, 1, 8)),
            ("IK.EGOV", None, "target", "2020", 50, date(2013, 1, 8)),
            ("DK.LIT", None, "target", "2022", 83, date(2017, 12, 12)),
            ("DK.ESERV", None, "target", "2022", 80, date(2017, 12, 12)),
            ("DK.ESERV", None, "target", "2022", 70, date(2019, 10, 1), 2),  # lowered
            ("DK.UNEMP", None, "target", "2022", 4.8, date(2017, 12, 12)),
            ("DK.UNEMP", None, "target", "2022", 5.2, date(2020, 3, 1), 2),  # raised = lowered ambition
            ("DK.UNEMP", None, "baseline", "2017", 4.9, date(2017, 12, 12)),
            ("DK.UNEMP", None, "baseline", "2017", 5.0, date(2018, 6, 1), 2),
        ]
    )
    o = obs(
        [
            ("DK.LIT", KZ, "2019", 82.1, datetime(2020, 3, 1)),
            ("DK.LIT", KZ, "2021", 87.3, datetime(2022, 3, 1)),
            ("DK.ESERV", KZ, "2019", 60.0, datetime(2020, 3, 1)),
            ("DK.UNEMP", KZ, "2018", 4.9, datetime(2019, 3, 1)),
            ("DK.UNEMP", KZ, "2019", 4.8, datetime(2020, 3, 1)),
            ("DK.UNEMP", KZ, "2022", 4.9, datetime(2023, 9, 1)),
        ]
    )
    rev = pl.DataFrame(
        {
            "indicator": ["DK.UNEMP", "DK.UNEMP"],
            "territory": [KZ, KZ],
            "period": ["2022", "2022"],
            "value": [5.3, 4.9],
            "reason": ["import", "correction"],
            "author": ["a", "b"],
            "recorded_at": [datetime(2023, 3, 1), datetime(2023, 9, 1)],
        }
    )
    progs = pl.DataFrame(
        {
            "code": ["IK", "DK"],
            "predecessors": [[], ["IK"]],
            "start_year": [2013, 2018],
            "end_year": [2020, 2022],
            "status": ["expired", "repealed"],
            "name_en": ["Information Kazakhstan-2020", "Digital Kazakhstan"],
        }
    )
    bud = pl.DataFrame(
        {
            "program": ["DK"] * 4,
            "goal": [None] * 4,
            "year": [2019, 2019, 2020, 2020],
            "stage": ["approved", "executed", "approved", "executed"],
            "amount": [100.0, 90.0, 100.0, 50.0],
            "currency": ["KZT"] * 4,
            "indicators": [["DK.LIT"], ["DK.LIT"], [], []],
        },
        schema_overrides={"goal": pl.String},
    )
    terr = pl.DataFrame(
        {"code": [KZ], "level": ["country"], "parent": [None]}, schema_overrides={"parent": pl.String}
    )
    return ProgramFrames.build(
        program="DK",
        indicators=ind,
        observations=o,
        commitments=c,
        revisions=rev,
        programs=progs,
        budgets=bud,
        territories=terr,
    )


TARGET_DEFAULTS = {
    "actual": np.nan,
    "baseline": np.nan,
    "target": np.nan,
    "direction": INCREASE,
    "tolerance": np.nan,
    "period_start": 2025 * 12,
    "period_end": 2026 * 12,
    "baseline_start": np.nan,
    "baseline_end": np.nan,
    "reported": False,
    "percent": False,
    "series": -1,
    "past": False,
    "actual_end": 0.0,
    "freq_months": 12.0,
}
"""A target row's columns when a test does not give them: unknown (NaN), no series,
increase, periods of 2025."""
TARGET_TYPES = {
    "direction": np.int8,
    "period_start": np.int32,
    "period_end": np.int32,
    "reported": np.bool_,
    "percent": np.bool_,
    "series": np.int64,
    "past": np.bool_,
}


def target_arrays(rows: int = 1, **columns) -> TargetRows:
    """Target rows as the judging loop reads them: ``columns`` given (scalars or sequences), the rest as
    :data:`TARGET_DEFAULTS`."""
    dtypes, values = TARGET_TYPES, {**TARGET_DEFAULTS, **columns}
    return TargetRows(
        **{
            k: np.ascontiguousarray(np.broadcast_to(np.asarray(v, dtype=dtypes.get(k, np.float64)), rows))
            for k, v in values.items()
        }
    )


def target_row(**values) -> Target:
    """One target row as the rules read it: ``values`` given, the rest as :data:`TARGET_DEFAULTS`."""
    given = {**TARGET_DEFAULTS, **values}
    return Target(**{f: TARGET_TYPES.get(f, np.float64)(given[f]) for f in Target._fields})


def rolled_up_frames() -> ProgramFrames:
    """Districts → regions → country, with every roll-up rule: counts (one cumulative) summed, shares weighted
    by population, a ratio of sums, a quarterly indicator; national and territorial targets, a maintain and a
    decrease target, a null value and a district that reports only some years."""
    ind = indicators(
        [
            {"code": "R.SCHOOLS", "unit": "count", "kind": "cumulative"},
            {"code": "R.JOBS", "unit": "count"},
            {"code": "R.NET", "unit": "%"},
            {"code": "R.POOR", "unit": "%", "direction": "decrease"},
            {"code": "R.PRICE", "unit": "%", "direction": "maintain", "frequency": "Q", "tolerance": 0.5},
            {"code": "R.DOC", "unit": "count"},
            {"code": "R.POP", "unit": "count"},
            {
                "code": "R.RATE",
                "unit": "per 1000",
                "ratio_numerator": "R.DOC",
                "ratio_denominator": "R.POP",
                "ratio_scale": 1000.0,
            },
        ]
    )
    districts = {"D1": "R1", "D2": "R1", "D3": "R2", "D4": "R2"}
    rows = []
    for k, (d, year) in enumerate((d, y) for d in districts for y in range(2018, 2025)):
        if d == "D4" and year % 2:
            continue
        rows += [
            ("R.SCHOOLS", d, str(year), 2 + k % 3),
            ("R.JOBS", d, str(year), 100 + 7 * k),
            ("R.NET", d, str(year), 40 + 3 * (year - 2018) + k % 5),
            ("R.POOR", d, str(year), 20 - k % 7),
            ("R.DOC", d, str(year), 10 + k % 4),
            ("R.POP", d, str(year), 5000 + 100 * k),
        ]
        rows += [("R.PRICE", d, f"{year}-Q{q}", 4 + (k + q) % 3 / 2) for q in (1, 2, 3, 4)]
    o = obs(rows).with_columns(
        pl.when((pl.col("territory") == "D2") & (pl.col("period") == "2020"))
        .then(None)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    c = commits(
        [
            ("R.SCHOOLS", None, "target", "2025", 120, date(2018, 1, 1)),
            ("R.JOBS", "R1", "target", "2025", 2000, date(2018, 1, 1)),
            ("R.JOBS", None, "target", "2025", 5000, date(2018, 1, 1)),
            ("R.NET", None, "target", "2026", 80, date(2018, 1, 1)),
            ("R.NET", None, "baseline", "2017", 35, date(2018, 1, 1)),
            ("R.POOR", None, "target", "2024", 10, date(2018, 1, 1)),
            ("R.POOR", None, "baseline", "2017", 22, date(2018, 1, 1)),
            ("R.PRICE", None, "target", "2025-Q4", 5, date(2018, 1, 1)),
            ("R.RATE", None, "target", "2025", 3, date(2018, 1, 1)),
        ]
    )
    terr = pl.DataFrame(
        {
            "code": [KZ, "R1", "R2", *districts],
            "level": ["country", "region", "region", *(["district"] * len(districts))],
            "parent": [None, KZ, KZ, *districts.values()],
        },
        schema_overrides={"parent": pl.String},
    )
    weights = pl.DataFrame(
        [
            {"territory": d, "period": str(y), "weight": 1000.0 + 10 * i + y % 7}
            for i, d in enumerate([*districts, "R1", "R2"])
            for y in range(2018, 2025)
        ]
    )
    return ProgramFrames.build(
        program="P", indicators=ind, observations=o, commitments=c, territories=terr, weights=weights
    )
