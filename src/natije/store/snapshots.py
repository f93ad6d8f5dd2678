"""Stored result snapshots (table ``result_snapshots``): written as upserts, read by their whole key.

The store keeps bytes and text only; what they hold (Arrow IPC frames, a JSON scorecard) is decided by
:mod:`natije.services.snapshots`. A row answers for exactly its key — program, day, store version, natije
version — so a reader that asks with the current store version never gets a stale one.

>>> from datetime import date
>>> from natije.store import Store
>>> store = Store.open(":memory:")
>>> store.init()
>>> key = SnapshotKey("P", date(2026, 1, 1), "1.0", "0.1.0")
>>> with store.transaction() as conn:
...     write_snapshots(conn, [SnapshotRow(key, b"r", b"f", b"b", "{}", "[]")])
...     write_snapshots(conn, [SnapshotRow(key, b"other", b"f", b"b", "{}", "[]")])  # the first one stays
>>> with store.connect() as conn:
...     read_snapshot(conn, key).results, store_version(conn)
(b'r', '0.0')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, delete, select, text, tuple_

_KEY = ("program", "day", "store_version", "natije_version")

# The two reads of a command answered from a snapshot are plain SQL: building the schema's tables
# (natije.store.tables) would cost that command more than the reads themselves.
_VERSION = text("SELECT (SELECT max(id) FROM imports), (SELECT max(id) FROM evaluations)")
_READ = text(
    "SELECT results, flags, budget, scorecard, national FROM result_snapshots WHERE program = :program "
    "AND day = :day AND store_version = :store_version AND natije_version = :natije_version"
)


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot answers for: one program judged on one day, at one store version, by one natije."""

    program: str
    day: date
    store_version: str
    natije_version: str


@dataclass(frozen=True)
class SnapshotRow:
    """One stored snapshot: three frames as bytes, the scorecard and the national territory codes as text."""

    key: SnapshotKey
    results: bytes
    flags: bytes
    budget: bytes
    scorecard: str
    national: str


def store_version(conn: Connection) -> str:
    """``"<last import id>.<last evaluation id>"``: changes whenever the store's content does (each import
    that changes anything and each stored evaluation add a row), and only grows."""
    imports, evaluations = conn.execute(_VERSION).one()
    return f"{imports or 0}.{evaluations or 0}"


def _older(version: str, than: str) -> bool:
    """Whether store version ``version`` came before ``than`` (compared as numbers, part by part)."""
    return tuple(map(int, version.split("."))) < tuple(map(int, than.split(".")))


def read_snapshot(conn: Connection, key: SnapshotKey) -> SnapshotRow | None:
    """The snapshot stored under exactly ``key``, or ``None``."""
    params = {c: getattr(key, c) for c in _KEY}
    if conn.dialect.name == "sqlite":  # stored by SQLAlchemy's Date type as ISO text
        params["day"] = key.day.isoformat()
    row = conn.execute(_READ, params).first()
    if row is None:
        return None
    return SnapshotRow(
        key, bytes(row.results), bytes(row.flags), bytes(row.budget), row.scorecard, row.national
    )


def write_snapshots(conn: Connection, rows: Sequence[SnapshotRow], now: datetime | None = None) -> None:
    """Insert ``rows``; a key already stored keeps its row (writers racing on one key computed the same
    answer, so whichever came first stays)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]

    from natije.store import tables as T
    from natije.store.staging import utcnow

    stamp = now or utcnow()
    values = [
        {
            "program": r.key.program,
            "day": r.key.day,
            "store_version": r.key.store_version,
            "natije_version": r.key.natije_version,
            "computed_at": stamp,
            "results": r.results,
            "flags": r.flags,
            "budget": r.budget,
            "scorecard": r.scorecard,
            "national": r.national,
        }
        for r in rows
    ]
    conn.execute(insert(T.result_snapshots).on_conflict_do_nothing(index_elements=list(_KEY)), values)


def drop_all_snapshots(conn: Connection) -> None:
    """Delete every snapshot (an import does, in its transaction: none is of the version it leaves)."""
    from natije.store import tables as T

    conn.execute(delete(T.result_snapshots))


def drop_older_snapshots(conn: Connection, key: SnapshotKey) -> None:
    """Delete the snapshots of ``key.program`` that can never answer again once ``key`` does: those of an
    earlier day, and those of the same day at an earlier store version. Rows of a later day or version (a
    racing writer ahead of this one) are left alone."""
    from natije.store import tables as T

    s = T.result_snapshots
    stored = conn.execute(
        select(s.c.day, s.c.store_version, s.c.natije_version).where(s.c.program == key.program)
    ).all()
    old = [
        (key.program, day, version, natije)
        for day, version, natije in stored
        if day < key.day or (day == key.day and _older(version, key.store_version))
    ]
    if old:
        conn.execute(delete(s).where(tuple_(*(s.c[c] for c in _KEY)).in_(old)))
