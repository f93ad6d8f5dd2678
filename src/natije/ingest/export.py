"""Write a program back in the package format, byte for byte the same every time.

Everything is ordered explicitly (never by dict or hash order), floats use their shortest round-trip text,
timestamps one fixed form, and YAML is emitted with fixed options, so export → import into an empty store
→ export reproduces the same files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from natije.domain.budgets import listing_order
from natije.domain.commitments import Commitment
from natije.domain.indicators import Indicator
from natije.domain.names import Names
from natije.domain.package import ProgramPackage
from natije.domain.programs import Goal, Program
from natije.domain.territories import Territory, TerritoryChange
from natije.ingest.program_yaml import FORMAT

OBSERVATION_COLUMNS = ("indicator", "territory", "period", "value", "source", "note", "status", "as_of")
REVISION_COLUMNS = ("indicator", "territory", "period", "value", "reason", "author", "recorded_at", "source")
TERRITORY_COLUMNS = (
    "code",
    "level",
    "parent",
    "valid_from",
    "valid_to",
    "successors",
    "iso_code",
    "name_kk",
    "name_ru",
    "name_en",
)


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, indented lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _names(n: Names) -> dict[str, str]:
    return {"kk": n.kk, "ru": n.ru, "en": n.en}


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _goals(goals: tuple[Goal, ...], parent: str | None) -> list[dict[str, Any]]:
    return [
        _drop_none({"code": g.code, "names": _names(g.names), "tasks": _goals(goals, g.code)})
        for g in goals
        if g.parent == parent
    ]


def _program(p: Program) -> dict[str, Any]:
    return _drop_none(
        {
            "code": p.code,
            "names": _names(p.names),
            "description": _names(p.description) if p.description else None,
            "kind": p.kind.value,
            "legal_act": _names(p.legal_act) if isinstance(p.legal_act, Names) else p.legal_act,
            "start_year": p.start_year,
            "end_year": p.end_year,
            "status": p.status.value,
            "repealed_on": p.repealed_on,
            "owner": p.owner,
            "predecessors": list(p.predecessors),
            "goals": _goals(p.goals, None),
        }
    )


def _indicator(i: Indicator) -> dict[str, Any]:
    span = _drop_none(
        {"from": str(i.span_from) if i.span_from else None, "to": str(i.span_to) if i.span_to else None}
    )
    ratio = (
        {"numerator": i.ratio.numerator, "denominator": i.ratio.denominator, "scale": i.ratio.scale}
        if i.ratio
        else None
    )
    return _drop_none(
        {
            "code": i.code,
            "names": _names(i.names),
            "definition": _names(i.definition) if i.definition else None,
            "continues": i.continues,
            "goal": i.goal,
            "level": i.level.value,
            "unit": i.unit,
            "direction": i.direction.value,
            "kind": i.kind.value,
            "frequency": i.frequency.value,
            "span": span,
            "agency": i.agency,
            "source": i.source,
            "ratio": ratio,
            "tolerance": i.tolerance,
            "range": _range(i.value_range),
        }
    )


def _range(bounds: tuple[float, float] | None) -> list[float | None] | None:
    """A declared range as written in program.yaml: an open side (infinite) is null."""
    return [None if math.isinf(b) else b for b in bounds] if bounds else None


def _commitment_key(c: Commitment) -> tuple:
    return (
        c.indicator,
        c.kind.value,
        c.territory or "",
        c.period.start_month,
        -c.period.freq.months,
        c.decided_on,
        c.version,
    )


def program_yaml_text(package: ProgramPackage) -> str:
    """``program.yaml`` for ``package``: every commitment version, in a fixed order."""
    data: dict[str, Any] = {"format": FORMAT}
    data["agencies"] = [
        {"code": a.code, "names": _names(a.names)} for a in sorted(package.agencies, key=lambda a: a.code)
    ]
    data["sources"] = [
        _drop_none(
            {
                "code": s.code,
                "title": s.title,
                "kind": s.kind.value,
                "url": s.url,
                "publisher": s.publisher,
                "licence": s.licence,
                "names": _names(s.names) if s.names else None,
            }
        )
        for s in sorted(package.sources, key=lambda s: s.code)
    ]
    if package.program is not None:
        data["program"] = _program(package.program)
    data["indicators"] = [_indicator(i) for i in package.indicators]  # declared order (the store keeps it)
    data["commitments"] = [
        _drop_none(
            {
                "indicator": c.indicator,
                "kind": c.kind.value,
                "period": str(c.period),
                "territory": c.territory,
                "value": c.value,
                "decided_on": c.decided_on,
                "document": c.document,
                "note": c.note,
            }
        )
        for c in sorted(package.commitments, key=_commitment_key)
    ]
    data["budgets"] = [
        _drop_none(
            {
                "year": b.year,
                "stage": b.stage.value,
                "amount": b.amount,
                "currency": b.currency,
                "goal": b.goal,
                "line": b.line,
                "funding": b.funding.value if b.funding else None,
                "indicators": sorted(b.indicators),
                "decided_on": b.decided_on,
                "document": b.document,
                "source": b.source,
            }
        )
        for b in sorted(package.budgets, key=listing_order)
    ]
    data = {k: v for k, v in data.items() if v != []}
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False
    )


def _time_text(column: str) -> pl.Expr:
    """ISO text of a timestamp: the date alone at midnight, else seconds, else microseconds."""
    col = pl.col(column)
    return (
        pl.when(col.dt.time() == pl.time(0))
        .then(col.dt.strftime("%Y-%m-%d"))
        .when(col.dt.microsecond() == 0)
        .then(col.dt.strftime("%Y-%m-%dT%H:%M:%S"))
        .otherwise(col.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
        .alias(column)
    )


def write_csv_stream(
    path: Path, batches: Iterable[pl.DataFrame], columns: tuple[str, ...], time_columns: tuple[str, ...] = ()
) -> int:
    """Write ``batches`` (already in order) as one UTF-8 CSV with a header; return the row count."""
    rows = 0
    with open(path, "wb") as fh:
        fh.write((",".join(columns) + "\n").encode())
        for batch in batches:
            missing = [pl.lit(None, dtype=pl.String).alias(c) for c in columns if c not in batch.columns]
            frame = batch.with_columns(*missing).select(columns)
            frame = frame.with_columns(_time_text(c) for c in time_columns if frame.schema[c] != pl.String)
            frame.write_csv(fh, include_header=False, line_terminator="\n")
            rows += frame.height
    return rows


def territories_frame(territories: Iterable[Territory]) -> pl.DataFrame:
    """territories.csv rows, sorted by code."""
    rows = [
        {
            "code": t.code,
            "level": t.level.value,
            "parent": t.parent,
            "valid_from": t.valid_from.isoformat() if t.valid_from else None,
            "valid_to": t.valid_to.isoformat() if t.valid_to else None,
            "successors": ";".join(t.successors) or None,
            "iso_code": t.iso_code,
            "name_kk": t.names.kk,
            "name_ru": t.names.ru,
            "name_en": t.names.en,
        }
        for t in sorted(territories, key=lambda t: t.code)
    ]
    return pl.DataFrame(rows, schema={c: pl.String for c in TERRITORY_COLUMNS})


def changes_frame(changes: Iterable[TerritoryChange]) -> pl.DataFrame:
    """territory_changes.csv rows, sorted by day, source, target."""
    rows = [
        {
            "day": c.day.isoformat(),
            "kind": c.kind.value,
            "source": c.source,
            "target": target,
            "share": share,
            "basis": c.basis,
        }
        for c in changes
        for target, share in c.shares.items()
    ]
    schema = {
        "day": pl.String,
        "kind": pl.String,
        "source": pl.String,
        "target": pl.String,
        "share": pl.Float64,
        "basis": pl.String,
    }
    return pl.DataFrame(rows, schema=schema).sort("day", "source", "target", "kind")
