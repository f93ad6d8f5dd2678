"""The import log: which package (by content hash) was imported when, with a summary of what it did."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from natije.store import tables as T
from natije.store.staging import utcnow


def record_import(conn: Connection, *, package_hash: str, program: str | None, summary: dict[str, Any],
                  now: datetime | None = None) -> int:
    """Append a log entry for an import; return its id."""
    row = {"package_hash": package_hash, "program": program, "recorded_at": now or utcnow(),
           "summary": json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str)}
    key = conn.execute(insert(T.imports).values(**row)).inserted_primary_key
    assert key is not None
    return int(key[0])


def find_import(conn: Connection, package_hash: str) -> dict[str, Any] | None:
    """The latest log entry for ``package_hash`` (``summary`` decoded), or ``None``."""
    t = T.imports
    row = conn.execute(select(t).where(t.c.package_hash == package_hash).order_by(t.c.id.desc()).limit(1)
                       ).mappings().first()
    if row is None:
        return None
    return {**row, "summary": json.loads(row["summary"])}


def list_imports(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` log entries, newest first."""
    t = T.imports
    rows = conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()
    return [{**r, "summary": json.loads(r["summary"])} for r in rows]
