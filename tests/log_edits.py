"""Reading and rewriting the log's stored blocks directly, as someone with database access could (the format
is documented in natije/store/ledger_blocks.py): the tampering tests' tools."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert

from natije.store import tables as T
from natije.store.ledger_blocks import BLOCK, entries_between, log_size, pack


def read_log(conn: Connection) -> list[tuple[int, bytes]]:
    """Every entry of the log in order, with its transaction number."""
    return [(tx, entry) for _, tx, entry in entries_between(conn, 0, log_size(conn))]


def write_log(conn: Connection, records: Sequence[tuple[int, bytes]]) -> None:
    """Replace the stored log by ``records`` (transaction number, entry), packed the way natije packs them."""
    conn.execute(delete(T.ledger_blocks))
    rows = [
        {"block": k, "count": len(part), "last_tx": part[-1][0], "data": pack(part)}
        for k, part in enumerate(records[i : i + BLOCK] for i in range(0, len(records), BLOCK))
    ]
    if rows:
        conn.execute(insert(T.ledger_blocks), rows)
