"""The polars frames the results engine reads: one program, its commitments and observations.

The store builds a :class:`ProgramFrames` (``natije.store.frames.load_program_frames``); tests and benchmarks
build one directly with :meth:`ProgramFrames.build`, which fills missing frames with empty ones of the right
schema and casts the columns given. Every function of :mod:`natije.results` takes frames and returns frames or
frozen result objects; none reads a database.

Examples
--------
>>> import polars as pl
>>> f = ProgramFrames.build(indicators=pl.DataFrame({"code": ["X"], "direction": ["increase"]}))
>>> f.indicators.schema["kind"], f.observations.height
(String, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import polars as pl

# every flag the engine raises, whatever its rule: one row per flag, worst first
FLAG_SCHEMA = {
    "flag": pl.String,
    "severity": pl.Int32,
    "indicator": pl.String,
    "territory": pl.String,
    "period": pl.String,
    "old_value": pl.Float64,
    "new_value": pl.Float64,
    "day": pl.Date,
    "evidence": pl.String,
    "args": pl.String,
}

DT = pl.Datetime("us")

SCHEMAS: dict[str, dict[str, Any]] = {
    "indicators": {
        "code": pl.String,
        "program": pl.String,
        "goal": pl.String,
        "unit": pl.String,
        "direction": pl.String,
        "kind": pl.String,
        "level": pl.String,
        "frequency": pl.String,
        "span_from": pl.String,
        "span_to": pl.String,
        "ratio_numerator": pl.String,
        "ratio_denominator": pl.String,
        "ratio_scale": pl.Float64,
        "tolerance": pl.Float64,
        "name_kk": pl.String,
        "name_ru": pl.String,
        "name_en": pl.String,
    },
    "commitments": {
        "indicator": pl.String,
        "territory": pl.String,
        "kind": pl.String,
        "period": pl.String,
        "period_start": pl.Int32,
        "period_end": pl.Int32,
        "value": pl.Float64,
        "version": pl.Int32,
        "decided_on": pl.Date,
        "recorded_at": DT,
        "document": pl.String,
    },
    "observations": {
        "indicator": pl.String,
        "territory": pl.String,
        "period": pl.String,
        "period_start": pl.Int32,
        "period_end": pl.Int32,
        "value": pl.Float64,
        "source": pl.String,
        "source_kind": pl.String,
        "illustrative": pl.Boolean,
        "status": pl.String,
        "first_recorded": DT,
        "recorded_at": DT,
        "revised_after": pl.Int32,
    },
    "revisions": {
        "indicator": pl.String,
        "territory": pl.String,
        "period": pl.String,
        "value": pl.Float64,
        "reason": pl.String,
        "author": pl.String,
        "recorded_at": DT,
    },
    "budgets": {
        "program": pl.String,
        "goal": pl.String,
        "line": pl.String,
        "funding": pl.String,
        "currency": pl.String,
        "indicators": pl.List(pl.String),
        "year": pl.Int32,
        "stage": pl.String,
        "version": pl.Int32,
        "amount": pl.Float64,
        "decided_on": pl.Date,
        "document": pl.String,
    },
    "territories": {
        "code": pl.String,
        "level": pl.String,
        "parent": pl.String,
        "valid_from": pl.Date,
        "valid_to": pl.Date,
        "name_kk": pl.String,
        "name_ru": pl.String,
        "name_en": pl.String,
    },
    "weights": {"territory": pl.String, "period": pl.String, "weight": pl.Float64},
    "programs": {
        "code": pl.String,
        "predecessors": pl.List(pl.String),
        "start_year": pl.Int32,
        "end_year": pl.Int32,
        "status": pl.String,
        "repealed_on": pl.Date,
        "name_kk": pl.String,
        "name_ru": pl.String,
        "name_en": pl.String,
    },
    "successors": {
        "program": pl.String,
        "predecessors": pl.List(pl.String),
        "start_year": pl.Int32,
        "end_year": pl.Int32,
        "repealed_on": pl.Date,
        "status": pl.String,
        "code": pl.String,
        "name_en": pl.String,
        "continues": pl.String,
    },
}
"""Required columns per frame. Extra columns are kept; missing ones are added as nulls by :meth:`build`."""


def conform(name: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    """Return ``frame`` with every column of ``SCHEMAS[name]`` present and cast (missing → null)."""
    schema = SCHEMAS[name]
    if frame is None:
        return pl.DataFrame(schema=schema)
    exprs = []
    for col, dtype in schema.items():
        if col in frame.columns:
            exprs.append(pl.col(col).cast(dtype, strict=False) if frame.schema[col] != dtype else pl.col(col))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(col))
    extra = [c for c in frame.columns if c not in schema]
    return frame.select(*exprs, *extra)


@dataclass(frozen=True)
class ProgramFrames:
    """The frames of one program (and its predecessors, for lineage), as known at ``as_of``.

    Attributes
    ----------
    program : str
        Code of the program asked for; ``programs`` also lists its predecessors.
    as_of : datetime.date | None
        The date the loader filtered at (``None`` = everything recorded).
    today : datetime.date | None
        The day an answer without ``as_of`` is judged on, when the caller fixed it (``None``: the clock's
        today; see :func:`natije.results.asof.present_day`).
    indicators, commitments, observations, revisions, budgets, territories, weights, programs
        Polars frames with at least the columns in :data:`SCHEMAS`. ``commitments`` holds every version
        recorded by ``as_of``; ``observations`` the value as known at ``as_of``.
    successors : polars.DataFrame
        The indicators (code, English name, ``continues``) of the programs known at ``as_of`` that succeed a
        program of the chain (transitively) without being in it, one row each with its program's code,
        predecessors, span and status: a concept one of them carries is not dropped from the portfolio.
    """

    program: str
    indicators: pl.DataFrame
    commitments: pl.DataFrame
    observations: pl.DataFrame
    revisions: pl.DataFrame
    budgets: pl.DataFrame
    territories: pl.DataFrame
    weights: pl.DataFrame
    programs: pl.DataFrame
    successors: pl.DataFrame
    as_of: Any = None
    today: date | None = None

    @classmethod
    def build(
        cls, program: str = "", as_of: Any = None, today: date | None = None, **frames: pl.DataFrame | None
    ) -> ProgramFrames:
        """Build from any subset of the frames; each is conformed to its schema."""
        unknown = set(frames) - set(SCHEMAS)
        if unknown:
            raise TypeError(f"unknown frames: {sorted(unknown)}; expected {sorted(SCHEMAS)}")
        return cls(
            program=program, as_of=as_of, today=today, **{n: conform(n, frames.get(n)) for n in SCHEMAS}
        )

    def replace(self, **changes: Any) -> ProgramFrames:
        """A copy with some frames (or ``program``/``as_of``/``today``) replaced; frames are conformed."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in changes.items():
            data[key] = conform(key, value) if key in SCHEMAS else value
        return ProgramFrames(**data)
