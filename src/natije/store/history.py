"""Merge full observation histories (``revisions.csv``): every value an observation ever had.

Used instead of :func:`~natije.store.observations.merge_observations` when a package carries its history,
so that export → import → export reproduces the same files.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl
from sqlalchemy import Connection

from natije.store.ledger_observations import keep_keys, last_revision, log_changes, log_revisions, read_kept
from natije.store.staging import (
    CodeResolver,
    MergeStats,
    create_stage,
    drop_stage,
    load_stage,
    period_start_of,
    utcnow,
)

_KEY = "o.indicator_id = s.indicator_id AND o.territory_id = s.territory_id AND o.period = s.period"
REV_STAGE = "natije_rev_stage"
REV_STAGE_COLUMNS = {
    "indicator_id": "int",
    "territory_id": "int",
    "period": "text",
    "period_start": "int",
    "value": "float",
    "source_id": "int",
    "reason": "text",
    "author": "text",
    "recorded_at": "datetime",
}
_LATEST = (
    "(SELECT r.{col} FROM observation_revisions r WHERE r.observation_id = observations.id "
    "ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1)"
)
_AGG = "(SELECT {fn} FROM observation_revisions r WHERE r.observation_id = observations.id)"


def merge_revisions(
    conn: Connection, batches: Iterable[pl.DataFrame], *, now: datetime | None = None
) -> MergeStats:
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
        if batch.height == 0:
            continue
        if "period_start" not in batch.columns:
            batch = batch.with_columns(period_start_of())
        for col in ("reason", "author"):
            if col not in batch.columns:
                batch = batch.with_columns(pl.lit(None, pl.String).alias(col))
        staged = resolve(batch, now, time_column="recorded_at")
        load_stage(conn, REV_STAGE, REV_STAGE_COLUMNS, staged)
        total += staged.height
    keep_keys(conn, f"SELECT DISTINCT indicator_id, territory_id, period FROM {REV_STAGE}")
    before, top = read_kept(conn), last_revision(conn)
    inserted = conn.exec_driver_sql(
        "INSERT INTO observations (indicator_id, territory_id, period, period_start, value, source_id, note, "
        "status, n_values, first_recorded, recorded_at) "
        "SELECT s.indicator_id, s.territory_id, s.period, min(s.period_start), min(s.value), "
        "NULL, NULL, 0, 0, "
        f"min(s.recorded_at), min(s.recorded_at) FROM {REV_STAGE} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE {_KEY}) "
        "GROUP BY s.indicator_id, s.territory_id, s.period"
    ).rowcount
    same_reason = "x.reason = coalesce(s.reason, '') AND x.author = coalesce(s.author, '')"
    is_new = (
        "NOT EXISTS (SELECT 1 FROM observation_revisions r WHERE r.observation_id = o.id "
        "AND r.recorded_at = s.recorded_at AND r.value = s.value)"
    )
    conn.exec_driver_sql(  # only the reasons of revisions about to be added: a no-op merge writes nothing
        "INSERT INTO revision_reasons (reason, author) SELECT DISTINCT coalesce(s.reason, ''), "
        f"coalesce(s.author, '') FROM {REV_STAGE} s JOIN observations o ON {_KEY} "
        f"WHERE {is_new} AND NOT EXISTS (SELECT 1 FROM revision_reasons x WHERE {same_reason})"
    )
    added = conn.exec_driver_sql(
        "INSERT INTO observation_revisions (observation_id, value, recorded_at, reason_id, source_id) "
        f"SELECT o.id, s.value, s.recorded_at, x.id, s.source_id FROM {REV_STAGE} s "
        f"JOIN observations o ON {_KEY} JOIN revision_reasons x ON {same_reason} WHERE {is_new}"
    ).rowcount
    if added:
        conn.exec_driver_sql(
            f"UPDATE observations SET value = {_LATEST.format(col='value')}, "
            f"source_id = {_LATEST.format(col='source_id')}, "
            f"recorded_at = {_AGG.format(fn='max(r.recorded_at)')}, "
            f"first_recorded = {_AGG.format(fn='min(r.recorded_at)')}, "
            f"n_values = {_AGG.format(fn='count(*)')} "
            f"WHERE id IN (SELECT o.id FROM {REV_STAGE} s JOIN observations o ON {_KEY})"
        )
    drop_stage(conn, REV_STAGE)
    log_changes(conn, before, pl.lit(None, pl.Null), always=True)
    log_revisions(conn, top)
    return MergeStats(inserted=inserted, revised=added, unchanged=total - added)
