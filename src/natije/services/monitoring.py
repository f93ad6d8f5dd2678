"""Monitoring use cases: results, flags, lineage and scorecards of a program, read from the store.

Each function loads the program's frames (``natije.store.frames.load_program_frames``) and hands them to the
pure results engine (:mod:`natije.results`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from natije.errors import ValidationError
from natije.results.asof import as_date
from natije.results.budget import execution
from natije.results.engine import national_codes, results_table, results_with_flags
from natije.results.flags import flags as compute_flags
from natije.results.frames import ProgramFrames
from natije.results.lineage import lineage
from natije.results.scorecard import Scorecard, scorecard
from natije.store import Store

__all__ = [
    "Scorecard",
    "program_flags",
    "program_lineage",
    "program_results",
    "program_results_with_flags",
    "program_scorecard",
    "scorecards",
]


def load_frames(
    store: Store, code: str, as_of: date | str | None = None, observations: str = "all"
) -> ProgramFrames:
    """The frames of program ``code`` as known on ``as_of``; raises ``NotFound`` for an unknown program.

    ``observations``: ``"all"``, ``"results"`` (only those the results, flags and scorecard read) or
    ``"none"`` (see ``natije.store.frames.load_program_frames``)."""
    from natije.store.frames import load_program_frames

    with store.connect() as conn:
        return load_program_frames(conn, code, as_of=as_date(as_of), observations=observations)


NATIONAL = "national"


def _territory(frames: ProgramFrames, table: pl.DataFrame, territory: str | None) -> pl.DataFrame:
    """``territory="national"`` keeps the country-level rows; ``None`` or ``"all"`` keeps every territory."""
    if territory == NATIONAL:
        return table.filter(pl.col("territory").is_in(national_codes(frames.territories)))
    return table


def _code(territory: str | None) -> str | None:
    return None if territory in (None, "all", NATIONAL) else territory


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
    frames = load_frames(store, code, as_of, observations="results")
    table = results_table(frames, as_of=as_of, territory=_code(territory), basis=basis)
    return _territory(frames, table, territory)


def program_results_with_flags(
    store: Store,
    code: str,
    as_of: date | str | None = None,
    territory: str | None = None,
    basis: str = "current",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The results table of ``code`` (as :func:`program_results`) and the program's flags, worst first."""
    frames = load_frames(store, code, as_of, observations="results")
    if _code(territory) is None:
        table, flag_frame = results_with_flags(frames, as_of=as_of, basis=basis)
    else:
        table, flag_frame = (
            results_table(frames, as_of, _code(territory), basis),
            compute_flags(frames, as_of=as_of),
        )
    return _territory(frames, table, territory), flag_frame


def program_flags(store: Store, code: str, as_of: date | str | None = None) -> pl.DataFrame:
    """Moved-goalpost flags of ``code``, worst first."""
    return compute_flags(load_frames(store, code, as_of, observations="results"), as_of=as_of)


def program_lineage(
    store: Store, code: str, as_of: date | str | None = None, lang: str = "en"
) -> pl.DataFrame:
    """Promises of ``code`` and its predecessors: carried over, repeated later, dropped, new."""
    return lineage(load_frames(store, code, as_of, observations="none"), lang=lang)


def program_scorecard(store: Store, code: str, as_of: date | str | None = None) -> Scorecard:
    """Scorecard of one program."""
    return scorecard(load_frames(store, code, as_of, observations="results"), as_of=as_of)


def scorecards(store: Store, as_of: date | str | None = None) -> list[Scorecard]:
    """Scorecards of every program in the store, oldest program first; raises for a store without programs.
    Concepts a lineage chain dropped from the portfolio appear on the card of the chain's latest
    program only."""
    from natije.store.reads import list_programs
    from natije.store.session import empty_store_error

    with store.connect() as conn:
        programs = sorted(list_programs(conn), key=lambda p: (p.start_year, p.code))
    if not programs:
        raise empty_store_error(store.url)
    cards, too_early = [], None
    for p in programs:
        try:
            cards.append(program_scorecard(store, p.code, as_of))
        except ValidationError as exc:  # a program nothing was known about yet on ``as_of`` has no card
            if not exc.problems or exc.problems[0].code != "as_of":
                raise
            too_early = too_early or exc
    if not cards and too_early is not None:
        raise too_early
    # a chain's dropped concepts are listed once: on the cards of programs no other program succeeds
    succeeded = {pred for p in programs for pred in p.predecessors}
    return [replace(c, dropped=()) if c.program in succeeded else c for c in cards]


@dataclass(frozen=True)
class ProgramSnapshot:
    """Everything the pages show about one program on one day, from one load of its frames.

    ``results`` holds every territory's rows (national rows are those whose territory is in ``national``);
    ``scorecard`` is judged on the same ``basis`` as ``results``.
    """

    code: str
    as_of: date | None
    basis: str
    results: pl.DataFrame
    flags: pl.DataFrame
    scorecard: Scorecard
    national: tuple[str, ...]
    budget: pl.DataFrame  # by year and currency: planned, approved, executed, rate (versions known on as_of)


def program_snapshot(
    store: Store, code: str, as_of: date | str | None = None, basis: str = "current"
) -> ProgramSnapshot:
    """Results of every territory, flags and scorecard of ``code``; raises NotFound, ValidationError."""
    frames = load_frames(store, code, as_of, observations="results")
    table, flag_frame = results_with_flags(frames, as_of=as_of, basis=basis)
    card = scorecard(frames, as_of=as_of, results=table, flag_frame=flag_frame)
    day = as_date(as_of)
    budgets = frames.budgets.filter(pl.col("program") == code)
    if day is not None:  # amounts decided later were not known yet
        budgets = budgets.filter(pl.col("decided_on").is_null() | (pl.col("decided_on") <= day))
    return ProgramSnapshot(
        code,
        day,
        basis,
        table,
        flag_frame,
        card,
        tuple(national_codes(frames.territories)),
        execution(budgets, by=("year",)),
    )


def store_version(store: Store) -> str:
    """A cheap token that changes whenever the store's content does: the last import and the last evaluation.

    Caches of computed results key on it, so a new import or a stored evaluation is seen on the next request.
    """
    from sqlalchemy import func, select

    from natije.store import tables as T

    with store.connect() as conn:
        imports = conn.execute(select(func.max(T.imports.c.id))).scalar()
        evaluations = conn.execute(select(func.max(T.evaluations.c.id))).scalar()
    return f"{imports or 0}.{evaluations or 0}"
