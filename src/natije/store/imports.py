"""The import log: which package (by content hash) was imported when, with a summary of what it did.

Each row is logged (docs/ledger.md) in the transaction that writes it, so ``natije verify`` finds a row of
``imports`` edited, deleted or added with SQL as it finds one of any other logged table.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from natije.store import tables as T
from natije.store.ledger_log import log_row
from natije.store.staging import utcnow


def record_import(
    conn: Connection,
    *,
    package_hash: str,
    program: str | None,
    summary: dict[str, Any],
    now: datetime | None = None,
) -> int:
    """Append a row to the import log, and its insert to the log; return its id."""
    row = {
        "package_hash": package_hash,
        "program": program,
        "recorded_at": now or utcnow(),
        "summary": json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str),
    }
    key = conn.execute(insert(T.imports).values(**row)).inserted_primary_key
    assert key is not None
    log_row(conn, "imports", (int(key[0]),))
    return int(key[0])
