"""Frames built by hand for the results tests (the store is not needed: the engine is pure)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from natije.domain.periods import Period
from natije.results.frames import ProgramFrames


def periods(texts: list[str]) -> dict[str, list]:
    ps = [Period.parse(t) for t in texts]
    return {"period": [str(p) for p in ps], "period_start": [p.start_month for p in ps],
            "period_end": [p.end_month for p in ps]}


def obs(rows: list[tuple], recorded: datetime = datetime(2020, 1, 1)) -> pl.DataFrame:
    """rows: (indicator, territory, period, value[, recorded_at])."""
    p = periods([r[2] for r in rows])
    return pl.DataFrame({
        "indicator": [r[0] for r in rows], "territory": [r[1] for r in rows], **p,
        "value": [float(r[3]) for r in rows],
        "recorded_at": [r[4] if len(r) > 4 else recorded for r in rows],
        "first_recorded": [r[4] if len(r) > 4 else recorded for r in rows],
        "illustrative": [False] * len(rows),
    })


def commits(rows: list[tuple]) -> pl.DataFrame:
    """rows: (indicator, territory|None, kind, period, value, decided_on[, version])."""
    p = periods([r[3] for r in rows])
    return pl.DataFrame({
        "indicator": [r[0] for r in rows], "territory": [r[1] for r in rows], "kind": [r[2] for r in rows], **p,
        "value": [float(r[4]) for r in rows], "decided_on": [r[5] for r in rows],
        "version": [r[6] if len(r) > 6 else 1 for r in rows],
        "recorded_at": [datetime.combine(r[5], datetime.min.time()) for r in rows],
        "document": ["decree"] * len(rows),
    }, schema_overrides={"territory": pl.String})


def indicators(rows: list[dict]) -> pl.DataFrame:
    base = {"program": "P", "unit": "%", "direction": "increase", "kind": "stock", "frequency": "A",
            "name_en": None}
    return pl.DataFrame([{**base, **r} for r in rows], infer_schema_length=None)


KZ = "000000000"


@pytest.fixture
def demo_like() -> ProgramFrames:
    return demo_like_frames()


def demo_like_frames() -> ProgramFrames:
    """Digital literacy (achieved) and villages on fibre (far from 90 % by 2027), national level."""
    ind = indicators([
        {"code": "DK.LIT", "name_en": "Digital literacy", "program": "DK"},
        {"code": "DK.FIBRE", "name_en": "Villages on backbone fibre", "program": "DK"},
    ])
    o = obs([
        ("DK.LIT", KZ, "2018", 79.6), ("DK.LIT", KZ, "2019", 82.1), ("DK.LIT", KZ, "2021", 87.3),
        ("DK.FIBRE", KZ, "2020", 19.3), ("DK.FIBRE", KZ, "2023", 35.0), ("DK.FIBRE", KZ, "2024", 41.0),
        ("DK.FIBRE", KZ, "2025", 42.2),
    ])
    c = commits([
        ("DK.LIT", None, "target", "2022", 83, date(2017, 12, 12)),
        ("DK.LIT", None, "baseline", "2017", 76.2, date(2017, 12, 12)),
        ("DK.FIBRE", None, "target", "2027", 90, date(2023, 6, 1)),
        ("DK.FIBRE", None, "baseline", "2022", 30, date(2023, 6, 1)),
    ])
    terr = pl.DataFrame({"code": [KZ], "level": ["country"], "parent": [None]}, schema_overrides={"parent": pl.String})
    return ProgramFrames.build(program="DK", indicators=ind, observations=o, commitments=c, territories=terr)
