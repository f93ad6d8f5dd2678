"""Log the observation merges, set-based: entries built from frames, never row by row in Python.

An observation entry's ``after`` holds the row's logged columns (:data:`VIEWS` ``["observations"]``) and
``revision``: ``{"reason", "author"}`` when the change appended a revision (the revision's value, time and
source are the row's new ones), ``null`` when it did not (a new note or status). Histories imported from
``revisions.csv`` log each added revision as an entry of table ``observation_revisions`` (docs/ledger.md).

- new indicators (the bulk path): entries come from the frame just written, no reading back;
- staged rows: the rows a merge will change are read before it (keys kept in a temporary table) and again
  after it, and the pairs become entries.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    exists,
    text,
)

from natije.ledger.frames import encode_entries
from natije.store import tables as T
from natije.store.ledger_log import log_for
from natije.store.ledger_views import VIEWS
from natije.store.staging import create_stage, drop_stage

OBSERVATIONS = VIEWS["observations"]
KEY = list(OBSERVATIONS.key)
SCHEMA: dict[str, Any] = {
    "indicator": pl.String,
    "territory": pl.String,
    "period": pl.String,
    "period_start": pl.Int64,
    "value": pl.Float64,
    "source": pl.String,
    "note": pl.String,
    "status": pl.Int64,
    "n_values": pl.Int64,
    "first_recorded": pl.Datetime("us"),
    "recorded_at": pl.Datetime("us"),
}
KEYS = "natije_ledger_keys"
SLICE = 20_000
"""Rows encoded at a time: memory for the log stays a few MB whatever the batch (100k rows took 230 MB)."""
_keys = Table(
    KEYS,
    MetaData(),
    Column("indicator_id", Integer),
    Column("territory_id", Integer),
    Column("period", Text),
)
_KEY_COLUMNS = {"indicator_id": "int", "territory_id": "int", "period": "text"}


def revision_of(reason: str | None, author: str | None) -> pl.Expr:
    """The ``revision`` field of entries that appended a revision with this reason and author."""
    return pl.struct(author=pl.lit(author or "", pl.String), reason=pl.lit(reason or "", pl.String))


def log_frame(
    conn: Connection,
    frame: pl.DataFrame,
    had_before: pl.Series | None = None,
    before: pl.DataFrame | None = None,
) -> None:
    """Append one entry per row of ``frame``: the logged columns after the change (:data:`SCHEMA`) and
    ``revision``; ``before`` holds the rows' earlier columns where ``had_before``."""
    if frame.height == 0:
        return
    log = log_for(conn)
    values = [c for c in SCHEMA if c not in KEY]
    for start in range(0, frame.height, SLICE):  # slices: the encoder's buffers stay small
        part = frame.slice(start, SLICE)
        entries = encode_entries(
            "observations",
            part.select(KEY),
            None if before is None else before.slice(start, SLICE).select(values),
            part.select(*values, "revision"),
            time=log.time,
            actor=log.actor,
            transaction=log.transaction,
            had_before=None if had_before is None else had_before.slice(start, SLICE),
        )
        log.append(entries)


def log_inserted(conn: Connection, rows: pl.DataFrame, reason: str | None, author: str | None) -> None:
    """Log rows the bulk path inserted (resolved merge rows: codes, ``as_of``, ``status_code``), a slice at a
    time (their logged form of a million rows would be about 100 MB)."""
    for part in rows.iter_slices(SLICE):
        log_frame(conn, _logged_form(part, reason, author))


def _logged_form(rows: pl.DataFrame, reason: str | None, author: str | None) -> pl.DataFrame:
    source = pl.col("source") if "source" in rows.columns else pl.lit(None, pl.String)
    return rows.select(
        pl.col("indicator", "territory", "period").cast(pl.String),
        pl.col("period_start").cast(pl.Int64),
        pl.col("value").cast(pl.Float64),
        source.cast(pl.String).alias("source"),
        pl.col("note").cast(pl.String),
        pl.col("status_code").fill_null(0).cast(pl.Int64).alias("status"),
        pl.lit(1, pl.Int64).alias("n_values"),
        pl.col("as_of").alias("first_recorded"),
        pl.col("as_of").alias("recorded_at"),
        revision_of(reason, author).alias("revision"),
    )


def keep_keys(conn: Connection, select_sql: str) -> None:
    """Keep the keys (indicator_id, territory_id, period) ``select_sql`` selects, for :func:`read_kept`."""
    create_stage(conn, KEYS, _KEY_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO {KEYS} (indicator_id, territory_id, period) {select_sql}")
    # without it SQLite answers read_kept's EXISTS by scanning every kept key for every observation: a merge
    # revising 100,000 values spent minutes there
    conn.exec_driver_sql(f"CREATE INDEX {KEYS}_key ON {KEYS} (indicator_id, territory_id, period)")


def kept_rows() -> Select[Any]:
    """The query of the kept keys' rows in their logged form."""
    o = T.observations
    return OBSERVATIONS.select().where(
        exists().where(
            and_(
                _keys.c.indicator_id == o.c.indicator_id,
                _keys.c.territory_id == o.c.territory_id,
                _keys.c.period == o.c.period,
            )
        )
    )


def read_kept(conn: Connection) -> pl.DataFrame:
    """The logged form of the kept keys' rows, as they are now."""
    rows: list[Any] = list(conn.execute(kept_rows()))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def log_changes(conn: Connection, before: pl.DataFrame, revision: pl.Expr, *, always: bool = False) -> None:
    """Log the kept rows that differ from ``before`` (their earlier :func:`read_kept`), then forget the keys.

    A row whose value changed (or which is new) carries ``revision``; others carry none. With ``always`` every
    changed row carries none (the history path logs its revisions itself)."""
    after = read_kept(conn)
    drop_stage(conn, KEYS)
    values = [c for c in SCHEMA if c not in KEY]
    joined = after.join(before, on=KEY, how="left", suffix="_before", nulls_equal=True)
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_before")) for c in values)
    joined = joined.filter(~same)
    if joined.height == 0:
        return
    revised = pl.col("value_before").is_null() | (pl.col("value") != pl.col("value_before"))
    marker = pl.lit(None, pl.Null) if always else pl.when(revised).then(revision)
    log_frame(
        conn,
        joined.select(*SCHEMA, marker.alias("revision")),
        had_before=joined["value_before"].is_not_null(),
        before=joined.select(pl.col(f"{c}_before").alias(c) for c in values),
    )


REVISION_KEY = ("indicator", "territory", "period", "recorded_at", "value")
_REVISIONS = (
    "SELECT i.code AS indicator, t.code AS territory, o.period, r.recorded_at, r.value, src.code AS source, "
    "x.reason, x.author FROM observation_revisions r "
    "LEFT JOIN observations o ON o.id = r.observation_id "
    "LEFT JOIN indicators i ON i.id = o.indicator_id LEFT JOIN territories t ON t.id = o.territory_id "
    "LEFT JOIN sources src ON src.id = r.source_id LEFT JOIN revision_reasons x ON x.id = r.reason_id "
)
REVISION_SCHEMA: dict[str, Any] = {
    "indicator": pl.String,
    "territory": pl.String,
    "period": pl.String,
    "recorded_at": pl.Datetime("us"),
    "value": pl.Float64,
    "source": pl.String,
    "reason": pl.String,
    "author": pl.String,
}


def revisions_sql(where: str = "") -> str:
    """Revision rows in their logged form (the SQL; ``where`` filters ``r``, the revisions)."""
    return _REVISIONS + where


def last_revision(conn: Connection) -> int:
    """The highest revision id so far (revisions above it are the ones a merge adds)."""
    return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM observation_revisions").scalar_one())


def log_revisions(conn: Connection, above: int) -> None:
    """Log the revisions a history merge added (ids above ``above``) as ``observation_revisions`` inserts."""
    query = text(revisions_sql("WHERE r.id > :top ORDER BY r.id")).columns(recorded_at=DateTime())
    rows: list[Any] = list(conn.execute(query, {"top": above}))
    frame = pl.DataFrame(rows, schema=REVISION_SCHEMA, orient="row")
    if frame.height == 0:
        return
    log = log_for(conn)
    log.append(
        encode_entries(
            "observation_revisions",
            frame.select(REVISION_KEY),
            None,
            frame.select("source", "reason", "author"),
            time=log.time,
            actor=log.actor,
            transaction=log.transaction,
        )
    )


def log_existing_observations(conn: Connection, chunk: int = 200_000) -> None:
    """Log every stored observation (``revision`` null) and every stored revision as inserts, in chunks of
    ``chunk`` rows: the log's first transaction in a store that held data before it had a log."""
    result = conn.execute(OBSERVATIONS.select(), execution_options={"yield_per": chunk})
    for rows in result.partitions(chunk):
        frame = pl.DataFrame(list(rows), schema=SCHEMA, orient="row")
        log_frame(conn, frame.with_columns(pl.lit(None, pl.Null).alias("revision")))
    log_revisions(conn, 0)
