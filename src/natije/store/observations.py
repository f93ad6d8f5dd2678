"""Merge observations into the store: insert new keys, append a revision for changed values.

:func:`merge_observations` takes current values (``observations.csv``); :func:`merge_revisions` takes full
histories (``revisions.csv``), so that export → import → export reproduces the same files.

The batches are staged in bulk (see :mod:`natije.store.staging`) and merged with a handful of set-based
statements, so a million-row import costs a few SQL statements, not a million Python iterations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, text

from natije.store.staging import (
    code_ids,
    create_stage,
    drop_stage,
    fill_times,
    load_stage,
    period_start_of,
    resolve_codes,
    utcnow,
)

STAGE = "natije_obs_stage"
STAGE_COLUMNS = {
    "indicator_id": "int", "territory_id": "int", "period": "text", "period_start": "int",
    "value": "float", "source_id": "int", "note": "text", "as_of": "datetime",
}
_KEY = "o.indicator_id = s.indicator_id AND o.territory_id = s.territory_id AND o.period = s.period"


@dataclass(frozen=True)
class MergeStats:
    """What one merge did: keys inserted, values revised, rows found unchanged."""

    inserted: int = 0
    revised: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class CodeResolver:
    """Turns indicator/territory/source codes of a batch into the store's integer ids."""

    def __init__(self, conn: Connection) -> None:
        self.indicators = code_ids(conn, "indicators")
        self.territories = code_ids(conn, "territories")
        self.sources = code_ids(conn, "sources")

    def __call__(self, batch: pl.DataFrame, now: datetime, time_column: str = "as_of") -> pl.DataFrame:
        out = resolve_codes(batch, "indicator", self.indicators, "indicator_id")
        out = resolve_codes(out, "territory", self.territories, "territory_id")
        out = resolve_codes(out, "source", self.sources, "source_id", nullable=True)
        if "note" not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.String).alias("note"))
        if "period_start" not in out.columns:
            raise ValueError("observation batches need a period_start column (Period.start_month)")
        out = fill_times(out, time_column, now)
        return out.with_columns(pl.col("value").cast(pl.Float64), pl.col("period_start").cast(pl.Int64))


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
    current value; an unchanged value is skipped, so merging the same rows twice changes nothing.

    Parameters
    ----------
    conn
        A connection inside :meth:`Store.transaction` (the caller commits or rolls back).
    batches
        Polars frames with ``indicator, territory, period, period_start, value`` and optional ``source, note,
        as_of``; consumed one at a time.
    reason, author
        Recorded on every revision this merge appends.
    now
        Timestamp for rows without ``as_of`` (default: current UTC time).

    Raises
    ------
    ValidationError
        When a batch names an indicator, territory or source the store does not know.
    """
    now = now or utcnow()
    resolve = CodeResolver(conn)
    create_stage(conn, STAGE, STAGE_COLUMNS)
    total = 0
    for batch in batches:
        staged = resolve(batch, now)
        load_stage(conn, STAGE, STAGE_COLUMNS, staged)
        total += staged.height
    stats = merge_stage(conn, reason=reason, author=author, total=total)
    drop_stage(conn, STAGE)
    return stats


def merge_stage(conn: Connection, *, reason: str, author: str, total: int) -> MergeStats:
    """Apply the staged rows: revise changed values, then insert new keys with their first revision."""
    params = {"reason": reason, "author": author}
    revised = conn.execute(text(
        "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason, author, source_id) "
        f"SELECT o.id, s.value, s.as_of, :reason, :author, s.source_id FROM {STAGE} s "
        f"JOIN observations o ON {_KEY} WHERE o.value <> s.value"), params).rowcount
    if revised:
        conn.execute(text(
            "UPDATE observations AS o SET value = s.value, recorded_at = s.as_of, source_id = s.source_id, "
            f"note = s.note, n_values = o.n_values + 1 FROM {STAGE} s WHERE {_KEY} AND o.value <> s.value"))
    # a note is an annotation, not a value: refreshing it needs no revision (keeps export round trips exact)
    conn.exec_driver_sql(
        f"UPDATE observations AS o SET note = s.note FROM {STAGE} s WHERE {_KEY} AND o.value = s.value "
        "AND (o.note <> s.note OR (o.note IS NULL) <> (s.note IS NULL))")
    insert_new = (
        "INSERT INTO observations (indicator_id, territory_id, period, period_start, value, source_id, note, "
        "status, n_values, first_recorded, recorded_at) "
        "SELECT s.indicator_id, s.territory_id, s.period, s.period_start, s.value, s.source_id, s.note, 0, 1, "
        f"s.as_of, s.as_of FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE {_KEY})"
    )
    first_revision = (
        "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason, author, source_id) "
        "SELECT n.id, n.value, n.first_recorded, :reason, :author, n.source_id FROM {src} n"
    )
    if conn.dialect.name == "postgresql":
        inserted = conn.execute(text(
            f"WITH n AS ({insert_new} RETURNING id, value, first_recorded, source_id) "
            + first_revision.format(src="n")), params).rowcount
    else:
        # SQLite hands out rowids above the current maximum, so the new rows are exactly those above it.
        top = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM observations").scalar_one()
        inserted = conn.exec_driver_sql(insert_new).rowcount
        if inserted:
            conn.execute(text(first_revision.format(src="observations") + " WHERE n.id > :top"),
                         {**params, "top": top})
    return MergeStats(inserted=inserted, revised=revised, unchanged=total - inserted - revised)


# --- full histories (revisions.csv): used instead of merge_observations when a package carries them ---

REV_STAGE = "natije_rev_stage"
REV_STAGE_COLUMNS = {
    "indicator_id": "int", "territory_id": "int", "period": "text", "period_start": "int", "value": "float",
    "source_id": "int", "reason": "text", "author": "text", "recorded_at": "datetime",
}
_LATEST = ("(SELECT r.{col} FROM observation_revisions r WHERE r.observation_id = observations.id "
           "ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1)")
_AGG = "(SELECT {fn} FROM observation_revisions r WHERE r.observation_id = observations.id)"


def merge_revisions(conn: Connection, batches: Iterable[pl.DataFrame], *, now: datetime | None = None) -> MergeStats:
    """Add every revision not yet stored; create missing observations; reset current values to the latest.

    Batches carry ``indicator, territory, period, value, reason, author, recorded_at, source``. A revision
    is already stored when the same observation has one with the same ``recorded_at`` and value.
    Returns observations ``inserted``, revision rows added (``revised``) and rows already present
    (``unchanged``).
    """
    now = now or utcnow()
    resolve = CodeResolver(conn)
    create_stage(conn, REV_STAGE, REV_STAGE_COLUMNS)
    total = 0
    for batch in batches:
        if "period_start" not in batch.columns:
            batch = batch.with_columns(period_start_of())
        for col in ("reason", "author"):
            if col not in batch.columns:
                batch = batch.with_columns(pl.lit(None, pl.String).alias(col))
        staged = resolve(batch, now, time_column="recorded_at")
        load_stage(conn, REV_STAGE, REV_STAGE_COLUMNS, staged)
        total += staged.height
    inserted = conn.exec_driver_sql(
        "INSERT INTO observations (indicator_id, territory_id, period, period_start, value, source_id, note, "
        "status, n_values, first_recorded, recorded_at) "
        "SELECT s.indicator_id, s.territory_id, s.period, min(s.period_start), min(s.value), NULL, NULL, 0, 0, "
        f"min(s.recorded_at), min(s.recorded_at) FROM {REV_STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE {_KEY}) "
        "GROUP BY s.indicator_id, s.territory_id, s.period").rowcount
    added = conn.exec_driver_sql(
        "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason, author, source_id) "
        f"SELECT o.id, s.value, s.recorded_at, s.reason, s.author, s.source_id FROM {REV_STAGE} s "
        f"JOIN observations o ON {_KEY} WHERE NOT EXISTS (SELECT 1 FROM observation_revisions r "
        "WHERE r.observation_id = o.id AND r.recorded_at = s.recorded_at AND r.value = s.value)").rowcount
    if added:
        conn.exec_driver_sql(
            f"UPDATE observations SET value = {_LATEST.format(col='value')}, "
            f"source_id = {_LATEST.format(col='source_id')}, recorded_at = {_AGG.format(fn='max(r.recorded_at)')}, "
            f"first_recorded = {_AGG.format(fn='min(r.recorded_at)')}, n_values = {_AGG.format(fn='count(*)')} "
            f"WHERE id IN (SELECT o.id FROM {REV_STAGE} s JOIN observations o ON {_KEY})")
    drop_stage(conn, REV_STAGE)
    return MergeStats(inserted=inserted, revised=added, unchanged=total - added)
