"""Catalog use cases: initialise a store (schema and built-in territories), list programs, show one program.

>>> from natije.store import Store
>>> store = Store.open(":memory:")
>>> _ = initialise(store)
>>> list_programs(store)
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from natije.domain.budgets import BudgetLine, listing_order
from natije.domain.commitments import Commitment
from natije.domain.indicators import Indicator
from natije.domain.names import Names
from natije.domain.observations import Source
from natije.domain.programs import Program
from natije.store import Store
from natije.store.reads import get_package, has_programs, known_programs
from natije.store.reads import list_programs as read_programs
from natije.store.session import empty_store_error


@dataclass(frozen=True)
class ProgramSummary:
    """One line of the program registry, with its direct predecessors and successors."""

    code: str
    names: dict[str, str]
    kind: str
    status: str
    start_year: int
    end_year: int
    owner: str | None
    legal_act: str | dict[str, str] | None  # one text, or a text per language
    repealed_on: str | None
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "names": dict(self.names),
            "kind": self.kind,
            "status": self.status,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "owner": self.owner,
            "legal_act": dict(self.legal_act) if isinstance(self.legal_act, dict) else self.legal_act,
            "repealed_on": self.repealed_on,
            "predecessors": list(self.predecessors),
            "successors": list(self.successors),
        }


@dataclass(frozen=True)
class ProgramDetails:
    """A program with goals, indicators, every commitment version, every budget version and its whole lineage.

    ``budgets`` are ordered by year and line, stages in lifecycle order (planned → approved → adjusted →
    executed), versions in decision order.

    ``lineage`` runs from the oldest ancestor to the newest descendant; codes not in the store are kept
    (a package may name a predecessor that was never imported).
    """

    summary: ProgramSummary
    program: Program
    indicators: tuple[Indicator, ...]
    commitments: tuple[Commitment, ...]
    budgets: tuple[BudgetLine, ...]
    lineage: tuple[str, ...] = field(default_factory=tuple)
    known: frozenset[str] = frozenset()
    agencies: dict[str, dict[str, str]] = field(default_factory=dict)
    territories: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "lineage": [{"code": c, "in_store": c in self.known} for c in self.lineage],
            "goals": [
                {"code": g.code, "names": g.names.to_dict(), "parent": g.parent, "kind": g.kind}
                for g in self.program.goals
            ],
            "indicators": [_indicator(i) for i in self.indicators],
            "commitments": [_commitment(c) for c in self.commitments],
            "budgets": [_budget(b) for b in self.budgets],
        }


def _indicator(i: Indicator) -> dict[str, Any]:
    return {
        "code": i.code,
        "names": i.names.to_dict(),
        "unit": i.unit,
        "direction": i.direction.value,
        "kind": i.kind.value,
        "level": i.level.value,
        "frequency": i.frequency.value,
        "goal": i.goal,
        "span": [str(i.span_from) if i.span_from else None, str(i.span_to) if i.span_to else None],
        "agency": i.agency,
        "source": i.source,
    }


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "indicator": c.indicator,
        "kind": c.kind.value,
        "period": str(c.period),
        "territory": c.territory,
        "version": c.version,
        "value": c.value,
        "decided_on": c.decided_on.isoformat(),
        "document": c.document,
    }


def _budget(b: BudgetLine) -> dict[str, Any]:
    return {
        "year": b.year,
        "goal": b.goal,
        "line": b.line,
        "funding": b.funding.value if b.funding else None,
        "currency": b.currency,
        "indicators": list(b.indicators),
        "stage": b.stage.value,
        "version": b.version,
        "amount": b.amount,
        "decided_on": b.decided_on.isoformat() if b.decided_on else None,
        "document": b.document,
        "source": b.source,
    }


def initialise(store: Store) -> str:
    """Create or migrate the schema and seed the built-in territories; return the store URL (password hidden).

    Safe to repeat and to run from several processes at once (one write transaction under the store's lock).
    """
    store.init(seed=lambda conn: _seed(store, conn))
    return store.url


def _seed(store: Store, conn: Any) -> None:
    """What a new or migrated store gets, under its write lock (so processes creating it at once make its key
    once): the log's signing key, its rows held before it had a log logged, the built-in territories."""
    # the built-in territories are imported by the commands that create a store, not by the ones that read one
    from natije.services.ledger_keys import ensure_key
    from natije.services.territories import seed_territories
    from natije.store.ledger_log import log_existing

    ensure_key(store)
    log_existing(conn)
    seed_territories(conn)


def ensure_store(store: Store) -> None:
    """Initialise ``store`` unless its schema is already current: the first write creates the store."""
    if not store.is_ready():
        initialise(store)


def _summaries(programs: list[Program]) -> list[ProgramSummary]:
    successors: dict[str, list[str]] = {}
    for p in programs:
        for pred in p.predecessors:
            successors.setdefault(pred, []).append(p.code)
    return [
        ProgramSummary(
            p.code,
            p.names.to_dict(),
            p.kind.value,
            p.status.value,
            p.start_year,
            p.end_year,
            p.owner,
            p.legal_act.to_dict() if isinstance(p.legal_act, Names) else p.legal_act,
            p.repealed_on.isoformat() if p.repealed_on else None,
            p.predecessors,
            tuple(sorted(successors.get(p.code, ()))),
        )
        for p in programs
    ]


def require_programs(store: Store) -> None:
    """Raise ``ConfigurationError`` unless the store has its schema and at least one program; the message of
    an empty store names ``natije demo`` and ``natije import PATH``."""
    with store.connect() as conn:
        if not has_programs(conn):
            raise empty_store_error(store.url)


def list_programs(
    store: Store, *, allow_empty: bool = True, as_of: date | None = None
) -> list[ProgramSummary]:
    """Every program in the store, ordered by start year then code; with ``as_of``, only the programs known
    on that day (adopted by then: see :func:`natije.domain.programs.known_from`), their successors among
    them.

    Raises ``ConfigurationError`` for a store without schema, and with ``allow_empty=False`` also for a store
    that holds no program (the message names ``natije demo`` and ``natije import PATH``).
    """
    with store.connect() as conn:
        programs = read_programs(conn)
        known = known_programs(conn, as_of) if as_of is not None else set()
    if not programs and not allow_empty:
        raise empty_store_error(store.url)
    if as_of is not None:
        programs = [p for p in programs if p.code in known]
    return sorted(_summaries(programs), key=lambda s: (s.start_year, s.code))


def lineage(summaries: list[ProgramSummary], code: str) -> tuple[str, ...]:
    """All ancestors (oldest first), the program, then all descendants, following predecessor links."""
    by_code = {s.code: s for s in summaries}

    def walk(start: str, step: str) -> list[str]:
        seen: list[str] = []
        todo = list(getattr(by_code[start], step)) if start in by_code else []
        while todo:
            c = todo.pop(0)
            if c not in seen and c != code:
                seen.append(c)
                todo.extend(getattr(by_code[c], step) if c in by_code else ())
        return seen

    return (*reversed(walk(code, "predecessors")), code, *walk(code, "successors"))


def show_program(store: Store, code: str) -> ProgramDetails:
    """One program in full. Raises NotFound when no program has ``code``."""
    with store.connect() as conn:
        package = get_package(conn, code)
        summaries = _summaries(read_programs(conn))
        places = _territory_names(conn)
    assert package.program is not None
    summary = next(s for s in summaries if s.code == code)
    budgets = tuple(sorted(package.budgets, key=listing_order))  # stages in lifecycle order, versions in time
    return ProgramDetails(
        summary,
        package.program,
        package.indicators,
        package.commitments,
        budgets,
        lineage(summaries, code),
        frozenset(s.code for s in summaries),
        {a.code: a.names.to_dict() for a in package.agencies},
        places,
        package.sources,
    )


def territory_names(store: Store) -> dict[str, dict[str, str]]:
    """Every territory's names by KATO code: ``{"000000000": {"kk": "Қазақстан", "ru": …, "en": …}}``."""
    store.ensure_ready()
    with store.connect() as conn:
        return _territory_names(conn)


def _territory_names(conn: Any) -> dict[str, dict[str, str]]:
    from sqlalchemy import select

    from natije.store.tables import territories as T

    rows = conn.execute(select(T.c.code, T.c.name_kk, T.c.name_ru, T.c.name_en)).all()
    return {code: {"kk": kk, "ru": ru, "en": en} for code, kk, ru, en in rows}
