"""Observations and revisions streamed as Polars frames, ordered by key (for export and the tests)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl
from sqlalchemy import Connection

from natije.store.fastread import datetime_column, iter_frames
from natije.store.reads import STATUS_NAMES


def _filter(program: str | None, indicators: Sequence[str] | None, reference: bool) -> tuple[str, dict]:
    clauses, params = [], {}
    if program is not None:
        clauses.append("i.program_id = (SELECT id FROM programs WHERE code = :program)")
        params["program"] = program
    if reference:
        clauses.append("i.program_id IS NULL")
    if indicators is not None:
        names = [f"ind{k}" for k in range(len(indicators))]
        params.update(zip(names, indicators))
        clauses.append(f"i.code IN ({', '.join(':' + n for n in names)})" if names else "1 = 0")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


OBSERVATION_COLUMNS = {
    "indicator": pl.String,
    "territory": pl.String,
    "period": pl.String,
    "period_start": pl.Int32,
    "value": pl.Float64,
    "source": pl.String,
    "note": pl.String,
    "status": pl.Int16,
    "first_recorded": "datetime",
    "recorded_at": "datetime",
}
REVISION_COLUMNS = {
    "indicator": pl.String,
    "territory": pl.String,
    "period": pl.String,
    "value": pl.Float64,
    "reason": pl.String,
    "author": pl.String,
    "recorded_at": "datetime",
    "source": pl.String,
}
_JOINS = "JOIN indicators i ON i.id = o.indicator_id JOIN territories t ON t.id = o.territory_id "


def iter_observations(
    conn: Connection,
    *,
    program: str | None = None,
    indicators: Sequence[str] | None = None,
    reference: bool = False,
    batch_size: int = 100_000,
) -> Iterator[pl.DataFrame]:
    """Stream current observation values (``OBSERVATION_COLUMNS``, status as text) ordered by key."""
    where, params = _filter(program, indicators, reference)
    (first, first_kind), (rec, rec_kind) = (
        datetime_column(conn, "o.first_recorded"),
        datetime_column(conn, "o.recorded_at"),
    )
    sql = (
        f"SELECT i.code, t.code, o.period, o.period_start, o.value, s.code, o.note, o.status, {first}, {rec} "
        f"FROM observations o {_JOINS} LEFT JOIN sources s ON s.id = o.source_id{where} "
        "ORDER BY i.code, t.code, o.period_start, o.period"
    )
    kinds = {**OBSERVATION_COLUMNS, "first_recorded": first_kind, "recorded_at": rec_kind}
    for frame in iter_frames(conn, sql, params, kinds, batch_size):
        yield frame.with_columns(pl.col("status").replace_strict(STATUS_NAMES, return_dtype=pl.String))


def iter_revisions(
    conn: Connection,
    *,
    program: str | None = None,
    indicators: Sequence[str] | None = None,
    reference: bool = False,
    batch_size: int = 100_000,
) -> Iterator[pl.DataFrame]:
    """Stream every revision (first values included, ``REVISION_COLUMNS``) ordered by key, then time."""
    where, params = _filter(program, indicators, reference)
    rec, rec_kind = datetime_column(conn, "r.recorded_at")
    sql = (
        "SELECT i.code, t.code, o.period, r.value, NULLIF(x.reason, ''), NULLIF(x.author, ''), "
        f"{rec}, s.code "
        f"FROM observation_revisions r JOIN observations o ON o.id = r.observation_id {_JOINS}"
        "LEFT JOIN sources s ON s.id = r.source_id "
        f"LEFT JOIN revision_reasons x ON x.id = r.reason_id{where} "
        "ORDER BY i.code, t.code, o.period_start, o.period, r.recorded_at, r.id"
    )
    yield from iter_frames(conn, sql, params, {**REVISION_COLUMNS, "recorded_at": rec_kind}, batch_size)
