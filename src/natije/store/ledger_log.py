"""Appending to the log inside the write's own transaction: entries, leaf hashes, tree nodes.

:func:`log_for` gives the transaction's :class:`LedgerLog` (one per transaction, made on first use): it
numbers the transaction, takes the time every entry of it carries, and holds the tree's compact range,
resumed from the stored nodes. The store's write lock (:meth:`natije.store.Store.transaction`) serialises
writers, so positions and transaction numbers follow commit order; a rolled-back write leaves nothing.

:func:`change_entry` is the one rule that turns a change of a row (its logged form before and after, see
:mod:`natije.store.ledger_views`) into an :class:`~natije.ledger.canonical.Entry`; bulk writers use
:func:`natije.ledger.frames.encode_entries`, which gives the same bytes for many rows at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from natije.ledger.canonical import Entry, encode_value
from natije.ledger.frames import leaf_hashes
from natije.ledger.merkle import CompactRange, Nodes, range_hashes, stored_nodes
from natije.ledger.verify import decode_entry, leaf_hash
from natije.store import tables as T
from natije.store.ledger_blocks import (
    append_entries,
    blocks,
    entries_between,
    last_transaction,
    log_size,
    unpack,
)
from natije.store.ledger_views import CATALOG, VIEWS, logged_value
from natije.store.staging import utcnow

STRIDE = 8
"""Levels of the tree kept in ``ledger_nodes``: every multiple of 8 (one hash per 255 leaves)."""

_KEY = "natije.ledger"


def tree_nodes(conn: Connection) -> Nodes:
    """The tree's perfect subtrees read from the store (the entries' leaf hashes and the stored levels)."""

    def read(level: int, start: int, stop: int) -> list[bytes]:
        if level == 0:
            return [leaf_hash(entry) for _, _, entry in entries_between(conn, start, stop)]
        n = T.ledger_nodes
        query = select(n.c.hash).where(n.c.level == level, n.c.idx >= start, n.c.idx < stop).order_by(n.c.idx)
        return [bytes(h) for h in conn.execute(query).scalars()]

    return stored_nodes(read, stride=STRIDE)


class LedgerLog:
    """The log as one transaction appends to it."""

    def __init__(self, conn: Connection, actor: str | None = None) -> None:
        self.conn = conn
        self.actor = actor
        self.time = logged_value(utcnow())
        last = last_transaction(conn)
        self.transaction = 0 if last is None else last + 1
        size = log_size(conn)
        self._nodes: list[dict[str, Any]] = []
        self.tree = CompactRange.resume(size, range_hashes(size, tree_nodes(conn)), self._keep, STRIDE)

    def _keep(self, level: int, index: int, hash_: bytes) -> None:
        self._nodes.append({"level": level, "idx": index, "hash": hash_})

    @property
    def size(self) -> int:
        """Entries in the log, this transaction's included."""
        return self.tree.size

    def append(self, entries: Sequence[bytes]) -> None:
        """Append canonical entries in order: their rows, leaf hashes and the tree nodes they complete."""
        if not entries:
            return
        listed = list(entries)
        append_entries(
            self.conn,
            self.tree.size,
            self.transaction,
            listed,
            meanwhile=lambda: self.tree.extend(leaf_hashes(listed)),  # while the blocks compress
        )
        if self._nodes:
            self.conn.execute(insert(T.ledger_nodes), self._nodes)
            self._nodes = []

    def entry(self, table: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bytes:
        """The canonical bytes of one change in this transaction (see :func:`change_entry`)."""
        return change_entry(table, before, after, self.time, self.actor, self.transaction).encode()


def change_entry(
    table: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    time: datetime,
    actor: str | None,
    transaction: int,
) -> Entry:
    """The entry of one change of a row of ``table``, given the row's logged form before and after (``None``:
    no row), each holding its key columns too."""
    view = VIEWS[table]
    row = after if after is not None else before
    if row is None:
        raise ValueError("a change has a row before or after it")
    key, _ = view.split(row)
    kind = "insert" if before is None else "delete" if after is None else "update"
    return Entry(
        kind,
        table,
        key,
        None if before is None else view.split(before)[1],
        None if after is None else view.split(after)[1],
        time,
        actor,
        transaction,
    )


def log_for(conn: Connection, actor: str | None = None) -> LedgerLog:
    """The log of the transaction ``conn`` is in, made on first use (the transaction numbers it)."""
    current = conn.get_transaction()
    held = conn.info.get(_KEY)
    if held is None or held[0] is not current:
        held = (current, LedgerLog(conn, actor))
        conn.info[_KEY] = held
    log: LedgerLog = held[1]
    return log


@contextmanager
def logged(conn: Connection, tables: Sequence[str] = CATALOG) -> Iterator[None]:
    """Log what the block changes in the small ``tables``: their rows are read before and after it and every
    row inserted, updated or deleted becomes an entry (tables in order, rows by key)."""
    views = [VIEWS[name] for name in tables]
    before = [_keyed(conn, view.name) for view in views]
    yield
    log = log_for(conn)
    entries = []
    for view, old in zip(views, before):
        new = _keyed(conn, view.name)
        for key in sorted(old.keys() | new.keys(), key=_order):
            if old.get(key) != new.get(key):
                entries.append(log.entry(view.name, old.get(key), new.get(key)))
    log.append(entries)


def log_row(conn: Connection, table: str, key: tuple[Any, ...]) -> None:
    """Log the insert of one row of ``table`` (an import's row of ``imports``, a stored evaluation), read back
    through its view by ``key``."""
    [row] = VIEWS[table].rows(conn, [key])
    log = log_for(conn)
    log.append([log.entry(table, None, row)])


def log_began(conn: Connection) -> bool:
    """Whether the store's log has begun: it holds an entry, or a checkpoint was made."""
    return (
        bool(log_size(conn)) or conn.execute(select(T.ledger_checkpoints.c.id).limit(1)).first() is not None
    )


def log_table(conn: Connection, table: str) -> None:
    """Log as inserts the rows of ``table`` the log holds no entry of: a table logged only since a later
    version, in a store whose log began before (a log not begun yet gets every row of every table from
    :func:`log_existing`). Reads the whole log once, so running it again logs nothing twice."""
    if not log_began(conn):
        return
    view, logged = VIEWS[table], _logged_keys(conn, table)
    log = log_for(conn)
    log.append(
        [
            log.entry(table, None, row)
            for row in view.rows(conn)
            if encode_value(view.split(row)[0]) not in logged
        ]
    )


def _logged_keys(conn: Connection, table: str) -> set[bytes]:
    """The encoded keys of the rows of ``table`` that some entry of the log is about."""
    needle = encode_value("table") + encode_value(table)  # the entry's field, found without decoding it
    found = set()
    for _, _, _, data in blocks(conn):
        for _, entry in unpack(data):
            if needle in entry:
                fields = decode_entry(entry)
                if fields["table"] == table:
                    found.add(encode_value(fields["key"]))
    return found


def log_existing(conn: Connection) -> bool:
    """Log every row of a store that held data before it had a log (a store migrated to the log's schema),
    as inserts of one transaction, table by table in :data:`VIEWS` order; a no-op unless the log is empty, no
    checkpoint was ever made and some logged table has rows. Returns whether it logged anything."""
    from natije.store.ledger_observations import log_existing_observations

    if log_began(conn):
        return False
    if all(conn.execute(select(VIEWS[name].table).limit(1)).first() is None for name in VIEWS):
        return False
    log = log_for(conn)
    for name, view in VIEWS.items():
        if name == "observations":
            log_existing_observations(conn)  # and their revisions
        else:
            log.append([log.entry(name, None, row) for row in view.rows(conn)])
    return True


def _keyed(conn: Connection, table: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    view = VIEWS[table]
    return {tuple(row[k] for k in view.key): row for row in view.rows(conn)}


def _order(key: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    """Keys in a total order whatever their types (None first)."""
    return tuple((v is not None, repr(v)) for v in key)


__all__ = [
    "STRIDE",
    "LedgerLog",
    "change_entry",
    "log_began",
    "log_existing",
    "log_for",
    "log_row",
    "log_size",
    "log_table",
    "logged",
    "tree_nodes",
]
