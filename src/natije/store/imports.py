"""The import log: which package (by content hash) was imported when, with a summary of what it did."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from natije.store import tables as T
from natije.store.staging import utcnow


def record_import(
    conn: Connection,
    *,
    package_hash: str,
    program: str | None,
    summary: dict[str, Any],
    now: datetime | None = None,
) -> int:
    """Append a log entry for an import; return its id."""
    row = {
        "package_hash": package_hash,
        "program": program,
        "recorded_at": now or utcnow(),
        "summary": json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str),
    }
    key = conn.execute(insert(T.imports).values(**row)).inserted_primary_key
    assert key is not None
    return int(key[0])
