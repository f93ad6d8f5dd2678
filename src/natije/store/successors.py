"""The programs that come after a lineage chain, as the results engine reads them
(``ProgramFrames.successors``): a concept one of them carries is not dropped from the portfolio.

They are read apart from the chain's own frames: their observations, commitments and budgets are never read,
only what names a concept (indicator code, English name, ``continues``) and when the program is in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import polars as pl
from sqlalchemy import Connection, select

from natije.results.frames import SCHEMAS
from natije.store import tables as T
from natije.store.reads import known_by


def descendants(predecessors: Mapping[str, Sequence[str]], codes: Iterable[str]) -> list[str]:
    """The programs (of ``predecessors``: code → its predecessors) that ``codes`` lead to, transitively,
    outside ``codes``; sorted.

    >>> descendants({"A": [], "B": ["A"], "C": ["B"], "D": []}, ["A"])
    ['B', 'C']
    """
    start = set(codes)
    seen, grew = set(start), True
    while grew:
        more = {c for c, preds in predecessors.items() if c not in seen and seen.intersection(preds or ())}
        seen |= more
        grew = bool(more)
    return sorted(seen - start)


def load_successors(
    conn: Connection, programs: pl.DataFrame, chain: Sequence[str], day: date | None
) -> pl.DataFrame:
    """The indicators of the programs that succeed a program of ``chain`` (transitively) and are known by
    ``day`` (adopted or running by then: :func:`natije.store.reads.known_programs`; every one when ``None``),
    with their program's facts, as the frame :data:`natije.results.frames.SCHEMAS` names ``successors``.
    ``programs`` is every program (id, code, predecessors, start_year, end_year, repealed_on, status)."""
    later = descendants(dict(zip(programs["code"], programs["predecessors"].to_list())), chain)
    if day is not None:
        later = [code for code in later if known_by(conn, code, day)]
    progs = programs.filter(pl.col("code").is_in(later)).select(
        "id", "predecessors", "start_year", "end_year", "repealed_on", "status", program="code"
    )
    i = T.indicators
    query = select(i.c.program_id, i.c.code, i.c.name_en, i.c.continues).where(
        i.c.program_id.in_(progs["id"].to_list())
    )
    schema = SCHEMAS["successors"]
    rows = pl.DataFrame(
        [tuple(r) for r in conn.execute(query)],
        schema={"id": pl.Int64, **{c: schema[c] for c in ("code", "name_en", "continues")}},
        orient="row",
    )
    return progs.join(rows, on="id").select(*schema).sort("program", "code")
