"""Submissions and submitted values as rows; each change of one is appended to the log in its transaction.

A submission is written once (its answer included) and never changed; its values are written ``pending`` and
later updated by a decision (approved, returned) or by a new submission of the same indicator, territory and
period (superseded). Each write reads the rows' logged form (:data:`natije.store.ledger_views.VIEWS`) before
and after and appends the entries, so ``natije verify`` finds a later SQL edit of a submitted value or of a
decision.
The caller opens the transaction (:meth:`natije.store.Store.transaction`) and names the actor first
(``log_for(conn, actor)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Select, and_, insert, select, tuple_, update

from natije.domain.submissions import OPEN_STATES, SubmittedRow
from natije.store import tables as T
from natije.store.ledger_log import log_for, log_row
from natije.store.ledger_views import VIEWS
from natije.store.staging import CodeResolver

S, V = T.submissions, T.submitted_values


def find_by_key(conn: Connection, actor: str, key: str) -> tuple[str, dict[str, Any]] | None:
    """The request digest and the answer of ``actor``'s submission with idempotency ``key`` (or ``None``)."""
    query = select(S.c.request_digest, S.c.answer).where(S.c.actor == actor, S.c.idempotency_key == key)
    row = conn.execute(query).first()
    return None if row is None else (row.request_digest, json.loads(row.answer))


def _logged_values(conn: Connection, ids: Sequence[int], change: Callable[[], object]) -> None:
    """Run ``change`` (updates of the submitted values ``ids``); log each row that it changed."""
    if not ids:
        return
    view, keys = VIEWS["submitted_values"], [(int(i),) for i in ids]
    before = {r["id"]: r for r in view.rows(conn, keys)}
    change()
    log = log_for(conn)
    after = [r for r in view.rows(conn, keys) if before.get(r["id"]) != r]
    log.append([log.entry("submitted_values", before.get(r["id"]), r) for r in after])


def _open_ids(conn: Connection, rows: pl.DataFrame) -> list[int]:
    """Ids of pending or returned values with a key (indicator_id, territory_id, period) of ``rows``."""
    keys = list(rows.select("indicator_id", "territory_id", "period").unique().iter_rows())
    if not keys:
        return []
    found: list[int] = []
    for start in range(0, len(keys), 500):
        query = select(V.c.id).where(
            tuple_(V.c.indicator_id, V.c.territory_id, V.c.period).in_(keys[start : start + 500]),
            V.c.state.in_(OPEN_STATES),
        )
        found.extend(int(i) for i in conn.execute(query).scalars())
    return sorted(found)


def insert_submission(
    conn: Connection,
    *,
    agency: str,
    channel: str,
    actor: str,
    key: str | None,
    digest: str,
    at: datetime,
    rows: pl.DataFrame,
) -> tuple[int, list[tuple[int, int]]]:
    """Store a submission of the checked ``rows`` (indicator, territory, period, period_start, value, source,
    note, row): its values ``pending``, superseding the open values of the same keys. Returns the submission's
    id and ``(row, value id)`` per row. Its answer is set by :func:`finish_submission`."""
    new = insert(S).values(
        agency=agency,
        channel=channel,
        actor=actor,
        idempotency_key=key,
        request_digest=digest,
        submitted_at=at,
        answer="{}",
        row_count=rows.height,
    )
    inserted = conn.execute(new).inserted_primary_key
    assert inserted is not None
    sid = int(inserted[0])
    resolved = CodeResolver(conn)(rows, at)
    superseded = _open_ids(conn, resolved)
    _logged_values(
        conn,
        superseded,
        lambda: conn.execute(update(V).where(V.c.id.in_(superseded)).values(state="superseded")),
    )
    records = resolved.select(
        pl.lit(sid).alias("submission_id"),
        "row",
        "indicator_id",
        "territory_id",
        "period",
        "period_start",
        "value",
        "note",
        "source_id",
        pl.lit("pending").alias("state"),
    ).to_dicts()
    conn.execute(insert(V), records)
    ids = [(int(r), int(i)) for i, r in conn.execute(select(V.c.id, V.c.row).where(V.c.submission_id == sid))]
    return sid, sorted(ids)


def finish_submission(conn: Connection, submission_id: int, answer: dict[str, Any]) -> None:
    """Set the submission's answer and log it and its values as inserts."""
    text = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    conn.execute(update(S).where(S.c.id == submission_id).values(answer=text))
    log_row(conn, "submissions", (submission_id,))
    ids = [
        (int(i),) for i in conn.execute(select(V.c.id).where(V.c.submission_id == submission_id)).scalars()
    ]
    log = log_for(conn)
    log.append(
        [log.entry("submitted_values", None, row) for row in VIEWS["submitted_values"].rows(conn, ids)]
    )


def decide_values(
    conn: Connection,
    ids: Sequence[int],
    *,
    state: str,
    by: str,
    at: datetime,
    reason: str | None,
    observations: dict[int, int] | None = None,
) -> None:
    """Record a decision on the submitted values ``ids`` (logged): their ``state``, who, when, why and, for an
    approval, the observation each became (``observations``: value id → observation id)."""
    links = observations or {}

    def change() -> None:
        decided = {"state": state, "decided_by": by, "decided_at": at, "reason": reason}
        unlinked = [i for i in ids if i not in links]
        if unlinked:
            conn.execute(update(V).where(V.c.id.in_(unlinked)).values(**decided))
        for vid, oid in links.items():
            conn.execute(update(V).where(V.c.id == vid).values(**decided, observation_id=oid))

    _logged_values(conn, ids, change)


def observation_ids(
    conn: Connection, keys: Iterable[tuple[int, int, str]]
) -> dict[tuple[int, int, str], int]:
    """Observation ids by (indicator_id, territory_id, period)."""
    wanted = list(keys)
    o = T.observations
    out: dict[tuple[int, int, str], int] = {}
    for start in range(0, len(wanted), 500):
        query = select(o.c.indicator_id, o.c.territory_id, o.c.period, o.c.id).where(
            tuple_(o.c.indicator_id, o.c.territory_id, o.c.period).in_(wanted[start : start + 500])
        )
        out.update({(int(a), int(b), str(c)): int(i) for a, b, c, i in conn.execute(query)})
    return out


def observation_values(conn: Connection, ids: Sequence[int]) -> dict[int, float]:
    """The current published value of each observation ``ids``."""
    o = T.observations
    out: dict[int, float] = {}
    for start in range(0, len(ids), 500):
        query = select(o.c.id, o.c.value).where(o.c.id.in_(list(ids[start : start + 500])))
        out.update({int(i): float(v) for i, v in conn.execute(query)})
    return out


def _rows_query() -> Select[Any]:
    i, t, src = T.indicators, T.territories, T.sources
    return (
        select(
            V.c.id,
            V.c.submission_id,
            S.c.agency,
            i.c.code.label("indicator"),
            t.c.code.label("territory"),
            V.c.period,
            V.c.value,
            V.c.note,
            src.c.code.label("source"),
            V.c.state,
            S.c.actor.label("submitted_by"),
            S.c.submitted_at,
            S.c.channel,
            V.c.decided_by,
            V.c.decided_at,
            V.c.reason,
            V.c.observation_id,
        )
        .select_from(
            V.join(S, S.c.id == V.c.submission_id)
            .join(i, i.c.id == V.c.indicator_id)
            .join(t, t.c.id == V.c.territory_id)
            .outerjoin(src, src.c.id == V.c.source_id)
        )
        .order_by(V.c.id)
    )


def keyed_rows(conn: Connection, ids: Sequence[int]) -> list[tuple[SubmittedRow, int, int, int]]:
    """The submitted values ``ids`` with their indicator, territory and period start for a merge."""
    query = _rows_query().add_columns(V.c.indicator_id, V.c.territory_id, V.c.period_start)
    out = []
    for start in range(0, len(ids), 500):
        part = query.where(V.c.id.in_(list(ids[start : start + 500])))
        for r in conn.execute(part).mappings():
            values = dict(r)
            keys = (values.pop("indicator_id"), values.pop("territory_id"), values.pop("period_start"))
            out.append((SubmittedRow(**values), *keys))
    return out


def list_values(
    conn: Connection,
    *,
    agency: str | None = None,
    states: Sequence[str] | None = None,
    indicator: str | None = None,
    territory: str | None = None,
    period: str | None = None,
    submission: int | None = None,
) -> list[SubmittedRow]:
    """Submitted values, oldest first, filtered by agency, states, key and submission."""
    conditions = []
    if submission is not None:
        conditions.append(V.c.submission_id == submission)
    if agency is not None:
        conditions.append(S.c.agency == agency)
    if states is not None:
        conditions.append(V.c.state.in_(list(states)))
    if indicator is not None:
        conditions.append(T.indicators.c.code == indicator)
    if territory is not None:
        conditions.append(T.territories.c.code == territory)
    if period is not None:
        conditions.append(V.c.period == period)
    query = _rows_query().where(and_(True, *conditions))
    return [SubmittedRow(**r) for r in conn.execute(query).mappings()]


def get_submission(conn: Connection, submission_id: int) -> dict[str, Any] | None:
    """One submission's id, agency, channel, actor, submitted_at and row_count (``None`` when absent)."""
    query = select(S.c.id, S.c.agency, S.c.channel, S.c.actor, S.c.submitted_at, S.c.row_count).where(
        S.c.id == submission_id
    )
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def published_history(conn: Connection, indicator: str, territory: str, period: str) -> list[dict[str, Any]]:
    """The published values of one observation, oldest first: value, recorded_at, source, reason, author."""
    o, r, why, i, t = (
        T.observations,
        T.observation_revisions,
        T.revision_reasons,
        T.indicators,
        T.territories,
    )
    src = T.sources
    query = (
        select(r.c.value, r.c.recorded_at, src.c.code.label("source"), why.c.reason, why.c.author)
        .select_from(
            r.join(o, o.c.id == r.c.observation_id)
            .join(i, i.c.id == o.c.indicator_id)
            .join(t, t.c.id == o.c.territory_id)
            .outerjoin(why, why.c.id == r.c.reason_id)
            .outerjoin(src, src.c.id == r.c.source_id)
        )
        .where(i.c.code == indicator, t.c.code == territory, o.c.period == period)
        .order_by(r.c.recorded_at, r.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def indicator_agencies(conn: Connection, codes: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """Per indicator code: its agency and its program's code (``None`` for a reference indicator)."""
    i, p = T.indicators, T.programs
    query = (
        select(i.c.code, i.c.agency, p.c.code.label("program"))
        .select_from(i.outerjoin(p, p.c.id == i.c.program_id))
        .where(i.c.code.in_(sorted(set(codes))))
    )
    return {row.code: (row.agency, row.program) for row in conn.execute(query)}


def agency_programs(conn: Connection, agency: str | None = None) -> dict[str, dict[str, list[str]]]:
    """Per agency (all, or ``agency``): per program its indicators belong to, their codes (sorted)."""
    i, p = T.indicators, T.programs
    query = select(i.c.agency, p.c.code, i.c.code.label("indicator")).select_from(
        i.join(p, p.c.id == i.c.program_id)
    )
    query = query.where(i.c.agency.is_not(None))
    if agency is not None:
        query = query.where(i.c.agency == agency)
    out: dict[str, dict[str, list[str]]] = {}
    for a, code, indicator in conn.execute(query.order_by(i.c.agency, p.c.code, i.c.code)):
        out.setdefault(a, {}).setdefault(code, []).append(indicator)
    return out


def submission_frame(conn: Connection, agency: str | None = None) -> pl.DataFrame:
    """Every submitted value as a frame: agency, indicator, territory, period, period_start, state, channel,
    submitted_at, decided_at, observation_id (for the supply scorecard)."""
    query = _rows_query().add_columns(V.c.period_start)
    if agency is not None:
        query = query.where(S.c.agency == agency)
    cols = [
        "agency", "indicator", "territory", "period", "period_start", "state", "channel", "submitted_at",
        "decided_at", "observation_id",
    ]  # fmt: skip
    rows = [{c: r[c] for c in cols} for r in conn.execute(query).mappings()]
    schema: dict[str, pl.DataType] = {
        "agency": pl.String(), "indicator": pl.String(), "territory": pl.String(), "period": pl.String(),
        "period_start": pl.Int64(), "state": pl.String(), "channel": pl.String(),
        "submitted_at": pl.Datetime("us"), "decided_at": pl.Datetime("us"), "observation_id": pl.Int64(),
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


__all__ = [
    "agency_programs",
    "decide_values",
    "find_by_key",
    "finish_submission",
    "get_submission",
    "indicator_agencies",
    "insert_submission",
    "keyed_rows",
    "list_values",
    "observation_ids",
    "observation_values",
    "published_history",
    "submission_frame",
]
