"""Reads: programs and whole packages as domain objects
(observations and revisions as frames: ``streams.py``).

Nothing here needs Polars, so listing or showing programs does not load it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from natije.domain.budgets import BudgetLine
from natije.domain.package import ProgramPackage
from natije.domain.programs import Program, known_from
from natije.errors import Expected, NatijeError, NotFound, Problem, Text, ValidationError
from natije.store import rows as R
from natije.store import tables as T
from natije.store.session import empty_store_error
from natije.store.tables import STATUS_CODES

STATUS_NAMES = {v: k for k, v in STATUS_CODES.items()}


def has_programs(conn: Connection) -> bool:
    """Whether the store holds at least one program."""
    return conn.execute(select(T.programs.c.id).limit(1)).first() is not None


def program_missing(conn: Connection, code: str) -> NatijeError:
    """The error for an unknown program: "not found", or, when the store holds no program at all, the
    empty-store message that names ``natije demo`` and ``natije import PATH``."""
    if not has_programs(conn):
        return empty_store_error(conn.engine.url.render_as_string(hide_password=True))
    return NotFound(Text("error.program_not_found", code=code), program=code)


def _programs(conn: Connection, code: str | None = None) -> list[tuple[int, Program]]:
    p, g, pp = T.programs, T.goals, T.program_predecessors
    query = select(p).order_by(p.c.code)
    if code is not None:
        query = query.where(p.c.code == code)
    rows = list(conn.execute(query).mappings())
    ids = [r["id"] for r in rows]
    goals: dict[int, list] = {}
    for r in conn.execute(
        select(g).where(g.c.program_id.in_(ids)).order_by(g.c.program_id, g.c.position)
    ).mappings():
        goals.setdefault(r["program_id"], []).append(R.goal_of(r))
    preds: dict[int, list[str]] = {}
    for link in conn.execute(
        select(pp).where(pp.c.program_id.in_(ids)).order_by(pp.c.program_id, pp.c.position)
    ):
        preds.setdefault(link.program_id, []).append(link.predecessor)
    return [
        (r["id"], R.program_of(r, tuple(preds.get(r["id"], ())), tuple(goals.get(r["id"], ())))) for r in rows
    ]


def known_programs(conn: Connection, day: date, code: str | None = None) -> set[str]:
    """Codes of the programs (only ``code`` when given) known on ``day``: started by then, or with a baseline
    or target decided by then (the rule of :func:`natije.domain.programs.known_from`, asked without reading
    every commitment: the first one decided early enough answers)."""
    p, i, c = T.programs, T.indicators, T.commitments
    decided = (
        select(c.c.id)
        .join(i, i.c.id == c.c.indicator_id)
        .where(i.c.program_id == p.c.id, c.c.decided_on <= day)
        .exists()
    )
    query = select(p.c.code).where((p.c.start_year <= day.year) | decided)
    if code is not None:
        query = query.where(p.c.code == code)
    return set(conn.execute(query).scalars())


def first_known(conn: Connection, code: str) -> date | None:
    """The first day program ``code`` was known (:func:`natije.domain.programs.known_from`); ``None`` for an
    unknown code."""
    p, i, c = T.programs, T.indicators, T.commitments
    start = conn.execute(select(p.c.start_year).where(p.c.code == code)).scalar()
    if start is None:
        return None
    own = select(i.c.id).join(p, p.c.id == i.c.program_id).where(p.c.code == code)
    decided = conn.execute(select(func.min(c.c.decided_on)).where(c.c.indicator_id.in_(own))).scalar()
    return known_from(start, None if decided is None else date.fromisoformat(str(decided)[:10]))


def known_by(conn: Connection, code: str, day: date) -> bool:
    """Whether program ``code`` was known by the end of ``day`` (see :func:`known_programs`)."""
    return bool(known_programs(conn, day, code))


def check_known(conn: Connection, code: str, day: date | None) -> None:
    """Raise :class:`ValidationError` when ``day`` is before program ``code`` was known (see
    :func:`known_programs`): an answer "as of" that day would judge a program nobody had adopted yet."""
    if day is None or known_by(conn, code, day):
        return
    first = first_known(conn, code)
    if first is not None and day < first:
        raise ValidationError(
            Problem(
                "--as-of",
                None,
                None,
                day.isoformat(),
                Expected("expected.as_of_known", first=first.isoformat(), program=code),
                code="as_of",
            ),
            "nothing known yet",
        )


def list_programs(conn: Connection) -> list[Program]:
    """Every stored program (with goals and predecessors), ordered by code."""
    return [p for _, p in _programs(conn)]


def get_package(conn: Connection, code: str) -> ProgramPackage:
    """Program ``code`` with its indicators, every commitment version, budgets, and the agencies and sources
    they mention (including the sources of its observations). Raises :class:`NotFound`."""
    found = _programs(conn, code)
    if not found:
        raise program_missing(conn, code)
    program_id, program = found[0]
    return _package(conn, program, T.indicators.c.program_id == program_id, program_id)


def get_reference_package(conn: Connection) -> ProgramPackage:
    """Territories, territory changes, program-less indicators with their commitments and sources."""
    pkg = _package(conn, None, T.indicators.c.program_id.is_(None), None)
    changes = [
        dict(r)
        for r in conn.execute(
            select(T.territory_changes).order_by(
                T.territory_changes.c.day, T.territory_changes.c.source, T.territory_changes.c.id
            )
        ).mappings()
    ]
    territories = tuple(
        R.territory_of(r)
        for r in conn.execute(select(T.territories).order_by(T.territories.c.code)).mappings()
    )
    return ProgramPackage(
        None,
        pkg.agencies,
        pkg.sources,
        pkg.indicators,
        pkg.commitments,
        (),
        territories,
        tuple(R.changes_of(changes)),
    )


def _package(conn: Connection, program: Program | None, which: Any, program_id: int | None) -> ProgramPackage:
    i, c = T.indicators, T.commitments
    ind_rows = list(conn.execute(select(i).where(which).order_by(i.c.position, i.c.code)).mappings())
    codes = {r["id"]: r["code"] for r in ind_rows}
    indicators = tuple(R.indicator_of(r) for r in ind_rows)
    commitments = tuple(
        R.commitment_of(r, codes[r["indicator_id"]])
        for r in conn.execute(
            select(c)
            .where(c.c.indicator_id.in_(codes))
            .order_by(c.c.indicator_id, c.c.kind, c.c.period_start, c.c.period, c.c.territory, c.c.version)
        ).mappings()
    )
    budgets: tuple[BudgetLine, ...] = ()
    if program is not None and program_id is not None:
        from natije.store.budgets import read_budgets  # imports the staging helpers, and so Polars

        budgets = read_budgets(conn, program_id, program.code)
    agency_codes: set[str] = {x.agency for x in indicators if x.agency} | (
        {program.owner} if program and program.owner else set()
    )
    source_codes: set[str] = {x.source for x in indicators if x.source} | {
        x.source for x in budgets if x.source
    }
    if codes:
        ids = ", ".join(str(int(k)) for k in codes)
        used = conn.exec_driver_sql(
            f"SELECT code FROM sources WHERE id IN (SELECT DISTINCT source_id FROM observations "
            f"WHERE indicator_id IN ({ids})) "
            "OR id IN (SELECT DISTINCT r.source_id FROM observation_revisions r "
            f"JOIN observations o ON o.id = r.observation_id WHERE o.indicator_id IN ({ids}))"
        )
        source_codes |= {r[0] for r in used}
    agencies = tuple(
        R.agency_of(r)
        for r in conn.execute(
            select(T.agencies).where(T.agencies.c.code.in_(agency_codes)).order_by(T.agencies.c.code)
        ).mappings()
    )
    sources = tuple(
        R.source_of(r)
        for r in conn.execute(
            select(T.sources).where(T.sources.c.code.in_(source_codes)).order_by(T.sources.c.code)
        ).mappings()
    )
    return ProgramPackage(program, agencies, sources, indicators, commitments, budgets)
