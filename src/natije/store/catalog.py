"""Catalog writes (upsert a :class:`ProgramPackage`) and the catalog lookup validation needs.

Catalog tables are small, so each sync reads the stored rows, compares, and writes only what differs:
the counts it returns are exact and re-writing a package is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from natije.domain.indicators import Indicator
from natije.domain.observations import Source
from natije.domain.package import ProgramPackage
from natije.domain.territories import Territory
from natije.store import rows as R
from natije.store import tables as T
from natije.store.budgets import write_budgets
from natije.store.commitments import write_commitments
from natije.store.ledger_log import logged
from natije.store.staging import utcnow


@dataclass(frozen=True)
class PackageStats:
    """Rows inserted or changed per catalog table by one :func:`write_package`."""

    agencies: int = 0
    sources: int = 0
    territories: int = 0
    territory_changes: int = 0
    programs: int = 0
    goals: int = 0
    indicators: int = 0
    commitments_new: int = 0
    budgets_new: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Catalog:
    """What validation needs to know about the store: codes with their domain objects."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    indicator_program: dict[str, str | None] = field(default_factory=dict)
    territories: dict[str, Territory] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    agencies: set[str] = field(default_factory=set)
    programs: set[str] = field(default_factory=set)
    predecessors: dict[str, tuple[str, ...]] = field(default_factory=dict)


def sync_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    keep: Sequence[str] = (),
) -> int:
    """Insert rows whose ``key`` is new, update rows that differ; return how many were written.

    Columns named in ``keep`` are not overwritten on existing rows.
    """
    if not rows:
        return 0
    cols = list(rows[0])
    stored = {tuple(r[k] for k in key): r for r in conn.execute(select(table)).mappings()}
    new, written = [], 0
    for row in rows:
        old = stored.get(tuple(row[k] for k in key))
        if old is None:
            new.append(row)
            continue
        changes = {c: row[c] for c in cols if c not in keep and old[c] != row[c]}
        if changes:
            conn.execute(update(table).where(table.c.id == old["id"]).values(**changes))
            written += 1
    if new:
        conn.execute(insert(table), new)
    return written + len(new)


def write_package(conn: Connection, package: ProgramPackage, *, now: datetime | None = None) -> PackageStats:
    """Upsert everything ``package`` declares (see STORE_API.md for the rules); idempotent.

    Commitments and budget amounts are versioned, never updated: an entry equal to a stored version is
    skipped, anything else becomes the next version of its key.
    """
    with logged(conn):
        return _write_package(conn, package, now or utcnow())


def _write_package(conn: Connection, package: ProgramPackage, now: datetime) -> PackageStats:
    counts: dict[str, int] = {
        "agencies": sync_rows(conn, T.agencies, [R.agency_row(a) for a in package.agencies], ["code"]),
        "sources": sync_rows(conn, T.sources, [R.source_row(s) for s in package.sources], ["code"]),
        "territories": sync_rows(
            conn, T.territories, [R.territory_row(t) for t in package.territories], ["code"]
        ),
        "territory_changes": sync_rows(
            conn,
            T.territory_changes,
            [r for c in package.territory_changes for r in R.change_rows(c)],
            ["day", "source", "target"],
        ),
    }
    program_id = None
    if package.program is not None:
        p = package.program
        counts["programs"] = sync_rows(conn, T.programs, [R.program_row(p)], ["code"])
        program_id = conn.execute(select(T.programs.c.id).where(T.programs.c.code == p.code)).scalar_one()
        counts["programs"] = max(counts["programs"], _sync_predecessors(conn, program_id, p.predecessors))
        counts["goals"] = sync_rows(
            conn, T.goals, [R.goal_row(g, program_id, i) for i, g in enumerate(p.goals)], ["code"]
        )
    keep = ["program_id"] if program_id is None else []
    counts["indicators"] = sync_rows(
        conn,
        T.indicators,
        [R.indicator_row(ind, program_id, i) for i, ind in enumerate(package.indicators)],
        ["code"],
        keep=keep,
    )
    counts["commitments_new"] = write_commitments(conn, package.commitments, now)
    if program_id is not None:
        counts["budgets_new"] = write_budgets(conn, program_id, package.budgets, now)
    return PackageStats(**counts)


def _sync_predecessors(conn: Connection, program_id: int, predecessors: tuple[str, ...]) -> int:
    t = T.program_predecessors
    stored = [
        r.predecessor
        for r in conn.execute(
            select(t.c.predecessor).where(t.c.program_id == program_id).order_by(t.c.position)
        )
    ]
    if stored == list(predecessors):
        return 0
    conn.execute(delete(t).where(t.c.program_id == program_id))
    if predecessors:
        conn.execute(
            insert(t),
            [
                {"program_id": program_id, "predecessor": code, "position": i}
                for i, code in enumerate(predecessors)
            ],
        )
    return 1


def lookup_catalog(conn: Connection) -> Catalog:
    """Every indicator, territory, source, agency and program code in the store
    (with programs' predecessors)."""
    programs = {r.id: r.code for r in conn.execute(select(T.programs.c.id, T.programs.c.code))}
    ind_rows = list(conn.execute(select(T.indicators).order_by(T.indicators.c.code)).mappings())
    pp = T.program_predecessors
    predecessors: dict[str, tuple[str, ...]] = {}
    for r in conn.execute(select(pp.c.program_id, pp.c.predecessor).order_by(pp.c.program_id, pp.c.position)):
        predecessors[programs[r.program_id]] = (*predecessors.get(programs[r.program_id], ()), r.predecessor)
    return Catalog(
        indicators={r["code"]: R.indicator_of(r) for r in ind_rows},
        indicator_program={r["code"]: programs.get(r["program_id"]) for r in ind_rows},
        territories={r["code"]: R.territory_of(r) for r in conn.execute(select(T.territories)).mappings()},
        sources={r["code"]: R.source_of(r) for r in conn.execute(select(T.sources)).mappings()},
        agencies={r.code for r in conn.execute(select(T.agencies.c.code))},
        programs=set(programs.values()),
        predecessors=predecessors,
    )
