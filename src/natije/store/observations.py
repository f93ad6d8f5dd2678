"""Merge current observation values into the store: insert new keys, append a revision for changed values.

Two set-based paths, chosen per indicator:

* an indicator with no stored observations yet (the common first import) is bulk-inserted straight into
  ``observations`` (SQLite ``executemany`` of pre-built tuples, PostgreSQL ``COPY``) — the same work as a raw
  bulk load — and its first revisions are then copied over with one ``INSERT … SELECT``;
* rows of indicators that already have data are staged in a temporary table and merged with a few
  ``INSERT … SELECT`` / ``UPDATE … FROM`` statements (revise changed values, insert new keys).

Full histories (``revisions.csv``) go through :func:`natije.store.history.merge_revisions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from natije.errors import Expected, Problem, ValidationError
from natije.store.history import merge_revisions
from natije.store.ledger_observations import keep_keys, log_changes, log_inserted, read_kept, revision_of
from natije.store.staging import (
    SQLITE_DATETIME,
    CodeResolver,
    MergeStats,
    copy_frame,
    create_stage,
    drop_stage,
    load_stage,
    reason_id,
    utcnow,
)

__all__ = ["MergeStats", "merge_observations", "merge_revisions"]

STAGE = "natije_obs_stage"
STAGE_COLUMNS = {
    "indicator_id": "int",
    "territory_id": "int",
    "period": "text",
    "period_start": "int",
    "value": "float",
    "source_id": "int",
    "note": "text",
    "as_of": "datetime",
    "status_code": "int",
}
_KEY = "o.indicator_id = s.indicator_id AND o.territory_id = s.territory_id AND o.period = s.period"
_DIRECT = (
    "indicator_id",
    "territory_id",
    "period",
    "period_start",
    "value",
    "source_id",
    "note",
    "status",
    "n_values",
    "first_recorded",
    "recorded_at",
)
_FIRST_REVISIONS = (
    "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason_id, source_id) "
    "SELECT n.id, n.value, n.first_recorded, :reason_id, n.source_id FROM observations n "
)

# the staged rows a merge will insert or change (merge_stage's conditions), kept for the log
_CHANGING = (
    f"SELECT s.indicator_id, s.territory_id, s.period FROM {STAGE} s LEFT JOIN observations o ON {_KEY} "
    "WHERE o.id IS NULL OR o.value <> s.value "
    "OR (s.note IS NOT NULL AND (o.note IS NULL OR o.note <> s.note)) "
    "OR (s.status_code IS NOT NULL AND o.status <> s.status_code)"
)

# rows a merge writes (inserted or revised) from which it refreshes PostgreSQL's statistics itself
ANALYZE_AFTER = 10_000


def merge_observations(
    conn: Connection,
    batches: Iterable[pl.DataFrame],
    *,
    reason: str,
    author: str = "import",
    now: datetime | None = None,
) -> MergeStats:
    """Merge observation ``batches`` (CONTRACT columns) into the store, set-based.

    New keys become observations with a first revision; a changed value appends a revision and updates the
    current value; an unchanged value is skipped (only a new non-empty ``note`` is taken over), so merging
    the same rows twice changes nothing.

    Parameters
    ----------
    conn
        A connection inside :meth:`Store.transaction` (the caller commits or rolls back).
    batches
        Polars frames with ``indicator, territory, period, period_start, value`` and optional ``source, note,
        as_of``; consumed one at a time. Keys must be unique across all batches.
    reason, author
        Recorded on every revision this merge appends.
    now
        Timestamp for rows without ``as_of`` (default: current UTC time).

    Raises
    ------
    ValidationError
        When a batch names an indicator, territory or source the store does not know, or repeats a key.
    """
    now = now or utcnow()
    resolve = CodeResolver(conn)
    top = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM observations").scalar_one()
    fresh: dict[int, bool] = {}
    direct = staged_rows = staged_notes = staged_status = 0
    create_stage(conn, STAGE, STAGE_COLUMNS)
    for batch in batches:
        if batch.height == 0:
            continue
        rows = resolve(batch, now)
        for ind in rows["indicator_id"].unique().to_list():
            if ind not in fresh:
                fresh[ind] = (
                    conn.exec_driver_sql(
                        f"SELECT 1 FROM observations WHERE indicator_id = {int(ind)} LIMIT 1"
                    ).first()
                    is None
                )
        is_new = pl.col("indicator_id").is_in([i for i, f in fresh.items() if f])
        new, old = rows.filter(is_new), rows.filter(~is_new)
        if new.height:
            _insert_direct(conn, new)
            log_inserted(conn, new, reason, author)
            direct += new.height
        if old.height:
            load_stage(conn, STAGE, STAGE_COLUMNS, old)
            staged_rows += old.height
            staged_notes += old["note"].null_count() < old.height
            staged_status += old["status_code"].null_count() < old.height
    rid, created = reason_id(conn, reason, author)
    params = {"reason_id": rid}
    if direct:
        ids = ", ".join(str(int(i)) for i, f in fresh.items() if f)
        conn.execute(
            text(_FIRST_REVISIONS + f"WHERE n.id > :top AND n.indicator_id IN ({ids})"),
            {**params, "top": top},
        )
    stats = MergeStats()
    if staged_rows:
        keep_keys(conn, _CHANGING)
        before = read_kept(conn)
        stats = merge_stage(conn, params, staged_rows, notes=bool(staged_notes), statuses=bool(staged_status))
        log_changes(conn, before, revision_of(reason, author))
    drop_stage(conn, STAGE)
    if created and not (direct or stats.inserted or stats.revised):  # nothing refers to it: a no-op stays one
        conn.exec_driver_sql(f"DELETE FROM revision_reasons WHERE id = {rid}")
    refresh_statistics(conn, direct + stats.inserted + stats.revised)
    return MergeStats(stats.inserted + direct, stats.revised, stats.unchanged)


def refresh_statistics(conn: Connection, written: int) -> None:
    """On PostgreSQL, after a merge that wrote at least :data:`ANALYZE_AFTER` rows, refresh the planner's
    statistics of the observation tables.

    PostgreSQL plans each read from them, and autovacuum refreshes them only some time after a large
    write: until then, reading one indicator's revisions from a 10 M-row store was planned as a scan of every
    revision (1.6 s) instead of index lookups of its revised observations (90 ms). ``ANALYZE`` samples a
    fixed number of rows (under a second at 10 M) and runs inside the import's transaction. SQLite's planner
    needs no statistics for these reads.
    """
    if conn.dialect.name == "postgresql" and written >= ANALYZE_AFTER:
        conn.exec_driver_sql("ANALYZE observations, observation_revisions")


def _insert_direct(conn: Connection, rows: pl.DataFrame) -> None:
    """Bulk-insert rows of indicators that had no observations: the raw-load path."""
    frame = rows.select(
        *_DIRECT[:7], pl.col("status_code").fill_null(0).cast(pl.Int16).alias("status"), "as_of"
    )
    try:
        if conn.dialect.name == "postgresql":
            copy_frame(
                conn,
                "observations",
                frame.select(
                    *_DIRECT[:8],
                    n_values=pl.lit(1, pl.Int32),
                    first_recorded=pl.col("as_of"),
                    recorded_at=pl.col("as_of"),
                ),
            )
            return
        # constants as SQL literals: fewer parameters to bind per row; rows() beats iter_rows() by ~2x
        tuples = frame.select(*_DIRECT[:8], pl.col("as_of").dt.strftime(SQLITE_DATETIME)).rows()
        raw = conn.connection.driver_connection
        raw.executemany(  # type: ignore[union-attr]
            f"INSERT INTO observations ({', '.join(_DIRECT)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?9, ?9)",
            tuples,
        )
    except Exception as exc:
        if "unique" not in str(exc).lower() and not isinstance(exc, IntegrityError):
            raise
        raise ValidationError(
            Problem(
                "<observations>",
                None,
                "indicator,territory,period",
                None,
                Expected("expected.key_once_import"),
                code="duplicate",
            )
        ) from exc


def merge_stage(
    conn: Connection, params: dict[str, int], total: int, *, notes: bool = True, statuses: bool = True
) -> MergeStats:
    """Apply the staged rows: revise changed values, refresh notes and statuses, insert new keys with a first
    revision."""
    revised = conn.execute(
        text(
            "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason_id, source_id) "
            f"SELECT o.id, s.value, s.as_of, :reason_id, s.source_id FROM {STAGE} s "
            f"JOIN observations o ON {_KEY} WHERE o.value <> s.value"
        ),
        params,
    ).rowcount
    if revised:
        conn.exec_driver_sql(
            "UPDATE observations AS o SET value = s.value, recorded_at = s.as_of, source_id = s.source_id, "
            "note = s.note, status = coalesce(s.status_code, o.status), n_values = o.n_values + 1 "
            f"FROM {STAGE} s WHERE {_KEY} AND o.value <> s.value"
        )
    if notes:  # a note is an annotation, not a value: taking a new one over needs no revision
        conn.exec_driver_sql(
            f"UPDATE observations AS o SET note = s.note FROM {STAGE} s WHERE {_KEY} AND o.value = s.value "
            "AND s.note IS NOT NULL AND (o.note IS NULL OR o.note <> s.note)"
        )
    if (
        statuses
    ):  # a status (submitted → approved → published) describes the value; a new one needs no revision
        conn.exec_driver_sql(
            f"UPDATE observations AS o SET status = s.status_code FROM {STAGE} s "
            f"WHERE {_KEY} AND o.value = s.value "
            "AND s.status_code IS NOT NULL AND o.status <> s.status_code"
        )
    insert_new = (
        "INSERT INTO observations (indicator_id, territory_id, period, period_start, value, source_id, note, "
        "status, n_values, first_recorded, recorded_at) "
        "SELECT s.indicator_id, s.territory_id, s.period, s.period_start, s.value, s.source_id, s.note, "
        "coalesce(s.status_code, 0), 1, "
        f"s.as_of, s.as_of FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE {_KEY})"
    )
    if conn.dialect.name == "postgresql":
        inserted = conn.execute(
            text(
                f"WITH n AS ({insert_new} RETURNING id, value, first_recorded, source_id) "
                + _FIRST_REVISIONS.replace("FROM observations n", "FROM n")
            ),
            params,
        ).rowcount
    else:
        # SQLite hands out rowids above the current maximum, so the new rows are exactly those above it.
        top = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM observations").scalar_one()
        inserted = conn.exec_driver_sql(insert_new).rowcount
        if inserted:
            conn.execute(text(_FIRST_REVISIONS + "WHERE n.id > :top"), {**params, "top": top})
    return MergeStats(inserted=inserted, revised=revised, unchanged=total - inserted - revised)
