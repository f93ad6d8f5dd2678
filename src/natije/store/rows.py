"""Mapping between domain objects and table rows (both directions), kept in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from natije.domain.commitments import Commitment, CommitmentKind
from natije.domain.indicators import Direction, Indicator, IndicatorKind, IndicatorLevel, Ratio
from natije.domain.names import Names
from natije.domain.observations import Source, SourceKind
from natije.domain.periods import Frequency, Period
from natije.domain.programs import Agency, Goal, Program, ProgramKind, ProgramStatus
from natije.domain.territories import ChangeKind, Territory, TerritoryChange, TerritoryLevel

Row = Mapping[Any, Any]


def names_cols(names: Names | None, prefix: str = "name") -> dict[str, str | None]:
    """``{prefix_kk:…, prefix_ru:…, prefix_en:…}`` (all ``None`` when ``names`` is None)."""
    return {f"{prefix}_{lang}": (getattr(names, lang) if names else None) for lang in ("kk", "ru", "en")}


def names_of(row: Row, prefix: str = "name") -> Names | None:
    """The :class:`Names` stored in ``row`` under ``prefix``, or ``None`` when all three are empty."""
    values = [row[f"{prefix}_{lang}"] for lang in ("kk", "ru", "en")]
    return None if all(v is None for v in values) else Names(*(v or "" for v in values))


def agency_row(a: Agency) -> dict[str, Any]:
    return {"code": a.code, **names_cols(a.names)}


def agency_of(r: Row) -> Agency:
    return Agency(r["code"], names_of(r) or Names("", "", ""))


def source_row(s: Source) -> dict[str, Any]:
    return {
        "code": s.code,
        "title": s.title,
        "kind": s.kind.value,
        "url": s.url,
        "publisher": s.publisher,
        "licence": s.licence,
        **names_cols(s.names),
    }


def source_of(r: Row) -> Source:
    return Source(
        r["code"], r["title"], SourceKind(r["kind"]), r["url"], r["publisher"], r["licence"], names_of(r)
    )


def territory_row(t: Territory) -> dict[str, Any]:
    return {
        "code": t.code,
        "level": t.level.value,
        "parent": t.parent,
        "valid_from": t.valid_from,
        "valid_to": t.valid_to,
        "successors": ";".join(t.successors) or None,
        "iso_code": t.iso_code,
        **names_cols(t.names),
    }


def territory_of(r: Row) -> Territory:
    succ = tuple(s for s in (r["successors"] or "").split(";") if s)
    return Territory(
        r["code"],
        names_of(r) or Names("", "", ""),
        TerritoryLevel(r["level"]),
        r["parent"],
        r["valid_from"],
        r["valid_to"],
        succ,
        r["iso_code"],
    )


def change_rows(c: TerritoryChange) -> list[dict[str, Any]]:
    return [
        {
            "day": c.day,
            "kind": c.kind.value,
            "source": c.source,
            "target": target,
            "share": float(share),
            "basis": c.basis,
        }
        for target, share in c.shares.items()
    ]


def changes_of(rows: Sequence[Row]) -> list[TerritoryChange]:
    """Group per-target rows back into one change per (day, source)."""
    grouped: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        g = grouped.setdefault(
            (r["day"], r["source"]), {"kind": r["kind"], "basis": r["basis"], "shares": {}}
        )
        g["shares"][r["target"]] = r["share"]
    return [
        TerritoryChange(day, ChangeKind(g["kind"]), source, g["shares"], g["basis"])
        for (day, source), g in grouped.items()
    ]


def legal_act_cols(act: str | Names | None) -> dict[str, str | None]:
    """``legal_act`` holds the English (or the one given) text; kk and ru are stored only when given apart."""
    if isinstance(act, Names):
        return {"legal_act": act.en, "legal_act_kk": act.kk, "legal_act_ru": act.ru}
    return {"legal_act": act, "legal_act_kk": None, "legal_act_ru": None}


def legal_act_of(r: Row) -> str | Names | None:
    """The legal act as it was given: one text, or a text per language."""
    if r["legal_act_kk"] is None and r["legal_act_ru"] is None:
        return r["legal_act"]
    return Names(r["legal_act_kk"] or "", r["legal_act_ru"] or "", r["legal_act"] or "")


def program_row(p: Program) -> dict[str, Any]:
    return {
        "code": p.code,
        **names_cols(p.names),
        "kind": p.kind.value,
        "start_year": p.start_year,
        "end_year": p.end_year,
        "status": p.status.value,
        "owner": p.owner,
        **legal_act_cols(p.legal_act),
        "repealed_on": p.repealed_on,
        **names_cols(p.description, "description"),
    }


def program_of(r: Row, predecessors: tuple[str, ...], goals: tuple[Goal, ...]) -> Program:
    return Program(
        r["code"],
        names_of(r) or Names("", "", ""),
        ProgramKind(r["kind"]),
        r["start_year"],
        r["end_year"],
        ProgramStatus(r["status"]),
        r["owner"],
        legal_act_of(r),
        r["repealed_on"],
        predecessors,
        goals,
        names_of(r, "description"),
    )


def goal_row(g: Goal, program_id: int, position: int) -> dict[str, Any]:
    return {
        "program_id": program_id,
        "code": g.code,
        "parent": g.parent,
        "kind": g.kind,
        "position": position,
        **names_cols(g.names),
    }


def goal_of(r: Row) -> Goal:
    return Goal(r["code"], names_of(r) or Names("", "", ""), r["parent"], r["kind"])


def indicator_row(i: Indicator, program_id: int | None, position: int) -> dict[str, Any]:
    return {
        "code": i.code,
        "program_id": program_id,
        "position": position,
        **names_cols(i.names),
        "unit": i.unit,
        "direction": i.direction.value,
        "kind": i.kind.value,
        "level": i.level.value,
        "frequency": i.frequency.value,
        "span_from": str(i.span_from) if i.span_from else None,
        "span_to": str(i.span_to) if i.span_to else None,
        "goal": i.goal,
        "agency": i.agency,
        "source": i.source,
        "ratio_numerator": i.ratio.numerator if i.ratio else None,
        "ratio_denominator": i.ratio.denominator if i.ratio else None,
        "ratio_scale": i.ratio.scale if i.ratio else None,
        "tolerance": i.tolerance,
        **names_cols(i.definition, "definition"),
        "continues": i.continues,
        "range_low": i.value_range[0] if i.value_range else None,
        "range_high": i.value_range[1] if i.value_range else None,
    }


def indicator_of(r: Row) -> Indicator:
    ratio = (
        Ratio(r["ratio_numerator"], r["ratio_denominator"], r["ratio_scale"])
        if r["ratio_numerator"]
        else None
    )
    return Indicator(
        r["code"],
        names_of(r) or Names("", "", ""),
        r["unit"],
        Direction(r["direction"]),
        IndicatorKind(r["kind"]),
        IndicatorLevel(r["level"]),
        Frequency(r["frequency"]),
        Period.parse(r["span_from"]) if r["span_from"] else None,
        Period.parse(r["span_to"]) if r["span_to"] else None,
        r["goal"],
        r["agency"],
        r["source"],
        ratio,
        r["tolerance"],
        names_of(r, "definition"),
        r["continues"],
        _range_of(r),
    )


def _range_of(r: Row) -> tuple[float, float] | None:
    """The declared range (open sides are stored infinite), or ``None`` when none was declared."""
    if r["range_low"] is None and r["range_high"] is None:
        return None
    inf = float("inf")
    return (
        -inf if r["range_low"] is None else r["range_low"],
        inf if r["range_high"] is None else r["range_high"],
    )


def commitment_of(r: Row, indicator: str) -> Commitment:
    return Commitment(
        indicator,
        CommitmentKind(r["kind"]),
        Period.parse(r["period"]),
        r["value"],
        r["decided_on"],
        r["document"],
        r["territory"] or None,
        r["version"],
        r["note"],
    )
