"""Monitoring use cases: results, flags, lineage and scorecards of a program, read from the store.

:func:`program_snapshot` is the one path to a program's results, flags and scorecard: the present view (no
``as_of``, targets in force) is read from the snapshot stored for today at the store's version when there is
one, else computed by the results engine (:mod:`natije.results`) and stored
(:mod:`natije.services.snapshots`); a view ``as_of`` a day or on the first promises is computed. Reading a
stored snapshot imports neither NumPy nor the engine: they are imported when something is computed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from natije.errors import ValidationError
from natije.results.scorecard import Scorecard
from natije.services import snapshots
from natije.services.snapshots import ProgramSnapshot
from natije.store import Store
from natije.store.snapshots import store_version as version_of

if TYPE_CHECKING:
    from natije.results.frames import ProgramFrames

__all__ = [
    "ProgramSnapshot",
    "Scorecard",
    "program_flags",
    "program_lineage",
    "program_results",
    "program_results_with_flags",
    "program_scorecard",
    "program_snapshot",
    "scorecards",
    "store_version",
    "today",
]


def today() -> date:
    """The day the present is judged on (the local date). Every answer without ``as_of`` reads it here once
    and hands it down (``ProgramFrames.today``): its parts and the snapshot it is kept as name one day."""
    return date.today()


def load_frames(
    store: Store, code: str, as_of: date | str | None = None, observations: str = "all"
) -> ProgramFrames:
    """The frames of program ``code`` as known on ``as_of``; raises ``NotFound`` for an unknown program.

    ``observations``: ``"all"``, ``"results"`` (only those the results, flags and scorecard read) or
    ``"none"`` (see ``natije.store.frames.load_program_frames``)."""
    from natije.results.asof import as_date
    from natije.store.frames import load_program_frames

    with store.connect() as conn:
        return load_program_frames(conn, code, as_of=as_date(as_of), observations=observations, today=today())


def store_version(store: Store) -> str:
    """A cheap token that changes whenever the store's content does: the last import and the last evaluation.

    Stored snapshots and the web app's caches key on it, so a new import or a stored evaluation is seen on the
    next request.
    """
    with store.connect() as conn:
        return version_of(conn)


def program_snapshot(
    store: Store,
    code: str,
    as_of: date | str | None = None,
    basis: str = "current",
    *,
    day: date | None = None,
    version: str | None = None,
) -> ProgramSnapshot:
    """Results of every territory, flags and scorecard of ``code``; raises NotFound, ValidationError.

    The present view (``as_of=None``, ``basis="current"``) is judged on ``day`` (default :func:`today`) and
    read from the snapshot stored for that day at store version ``version`` (default: the store's now); when
    there is none it is computed and stored, unless the store cannot be written (it is answered all the same).
    Any other view is computed. A caller answering several questions at once (a web request) passes the
    ``day`` and ``version`` it read, so that every answer names the same ones.
    """
    day = day or today()
    with store.connect() as conn:
        if as_of is not None or basis != "current":
            return snapshots.compute(conn, code, as_of, basis, day)
        version = version or version_of(conn)  # before the data: what is kept under it is never older
        found = snapshots.read(conn, code, day, version)
        if found is not None:
            return found
        computed = snapshots.compute(conn, code, None, basis, day)
    snapshots.keep(store, computed, day, version)
    return computed


NATIONAL = "national"


def _in_territory(snapshot: ProgramSnapshot, territory: str | None) -> pl.DataFrame:
    """``"national"``: the country-level rows; ``None`` or ``"all"``: every territory; else that one's."""
    if territory == NATIONAL:
        return snapshot.results.filter(pl.col("territory").is_in(list(snapshot.national)))
    if territory in (None, "all"):
        return snapshot.results
    return snapshot.results.filter(pl.col("territory") == territory)


def program_results(
    store: Store,
    code: str,
    as_of: date | str | None = None,
    territory: str | None = None,
    basis: str = "current",
) -> pl.DataFrame:
    """Results table of ``code`` (see :func:`natije.results.engine.results_table`).

    ``territory``: a KATO code, ``"national"`` (country level only), or ``None``/``"all"`` (every territory).
    """
    return _in_territory(program_snapshot(store, code, as_of, basis), territory)


def program_results_with_flags(
    store: Store,
    code: str,
    as_of: date | str | None = None,
    territory: str | None = None,
    basis: str = "current",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The results table of ``code`` (as :func:`program_results`) and the program's flags, worst first."""
    snapshot = program_snapshot(store, code, as_of, basis)
    return _in_territory(snapshot, territory), snapshot.flags


def program_flags(store: Store, code: str, as_of: date | str | None = None) -> pl.DataFrame:
    """Moved-goalpost flags of ``code``, worst first."""
    return program_snapshot(store, code, as_of).flags


def program_lineage(
    store: Store, code: str, as_of: date | str | None = None, lang: str = "en"
) -> pl.DataFrame:
    """Promises of ``code`` and its predecessors: carried over, repeated later, dropped, new."""
    from natije.results.lineage import lineage

    return lineage(load_frames(store, code, as_of, observations="none"), lang=lang)


def program_costs(
    store: Store, code: str, as_of: date | str | None = None, basis: str = "current"
) -> pl.DataFrame:
    """Money per unit of result of each indicator the budget lines name (see
    :func:`natije.results.budget.cost_per_result`), as known on ``as_of``."""
    from natije.results.asof import as_date
    from natije.results.budget import cost_per_result

    snapshot = program_snapshot(store, code, as_of, basis)
    frames = load_frames(store, code, as_of, observations="none")
    budgets = snapshots.known_budgets(frames.budgets, code, as_date(as_of))
    return cost_per_result(budgets, snapshot.results, list(snapshot.national))


def lineage_by_concept(frame: pl.DataFrame, chain: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of :func:`program_lineage` grouped by concept: its name and, per program of ``chain``, what
    that program promised for it (``cells``), or the row saying the chain dropped it (``dropped``)."""
    rows: dict[str, dict[str, Any]] = {}
    for r in frame.iter_rows(named=True):
        row = rows.setdefault(
            r["concept"], {"concept": r["concept"], "name": r["name"], "cells": {}, "dropped": None}
        )
        if r["status"] == "dropped_from_portfolio":
            row["dropped"] = r
        elif r["program"] in chain:
            row["cells"][r["program"]] = r
    return list(rows.values())


def program_scorecard(store: Store, code: str, as_of: date | str | None = None) -> Scorecard:
    """Scorecard of one program."""
    return program_snapshot(store, code, as_of).scorecard


def scorecards(
    store: Store,
    as_of: date | str | None = None,
    *,
    day: date | None = None,
    version: str | None = None,
) -> list[Scorecard]:
    """Scorecards of every program in the store known on ``as_of`` (see
    :func:`natije.services.catalog.list_programs`), oldest program first; raises for a store without
    programs, and for a day before any program was known. Concepts a lineage chain dropped from the portfolio
    appear on the card of the chain's latest program on that day only. ``day`` and ``version``: as for
    :func:`program_snapshot` (read once for every card)."""
    from natije.store.reads import list_programs
    from natije.store.session import empty_store_error

    with store.connect() as conn:
        programs = sorted(list_programs(conn), key=lambda p: (p.start_year, p.code))
        version = version or version_of(conn)
    if not programs:
        raise empty_store_error(store.url)
    day = day or today()
    cards, too_early = [], None
    for p in programs:
        try:
            cards.append(program_snapshot(store, p.code, as_of, day=day, version=version).scorecard)
        except ValidationError as exc:  # a program nothing was known about yet on ``as_of`` has no card
            if not exc.problems or exc.problems[0].code != "as_of":
                raise
            too_early = too_early or exc
    if not cards and too_early is not None:
        raise too_early
    # a chain's dropped concepts are listed once: on the cards of programs no other program on a card succeeds
    # (on a day before a successor was adopted, its predecessor is the chain's latest)
    carded = {c.program for c in cards}
    succeeded = {pred for p in programs if p.code in carded for pred in p.predecessors}
    return [replace(c, dropped=()) if c.program in succeeded else c for c in cards]
