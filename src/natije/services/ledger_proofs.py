"""Checkpoints to hand out and inclusion proofs of published values, in the files ledger/verify.py reads.

The current checkpoint is the newest stored one when it covers the whole log, else a new one signed now (kept
when the store can be written, handed out all the same when it cannot: reading needs no write rights); an
inclusion proof is always for the size of the current checkpoint, so ``natije checkpoint export`` and
``natije proof`` run one after the other give a pair that verifies together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, select

from natije.errors import ConfigurationError, NotFound, Text
from natije.ledger.canonical import encode_value
from natije.ledger.merkle import inclusion_proof, subtree_hash
from natije.ledger.verify import Checkpoint, InclusionProof
from natije.services.ledger_keys import key_path, signed_head, signing_key, store_checkpoint
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_blocks import BLOCK, log_size, unpack
from natije.store.ledger_log import tree_nodes
from natije.store.ledger_views import logged_value
from natije.store.session import CANNOT_WRITE
from natije.store.staging import utcnow

log = logging.getLogger(__name__)

READ = 16
"""Blocks read at a time while searching the log backwards."""
WAIT_MS = 200
"""How long a reader waits for another writer before it hands out a new checkpoint without keeping it."""


@dataclass(frozen=True)
class CurrentCheckpoint:
    """A signed checkpoint (the note's text) and its size."""

    note: str
    size: int


def _latest(conn: Connection) -> tuple[int, str] | None:
    t = T.ledger_checkpoints
    row = conn.execute(select(t.c.size, t.c.note).order_by(t.c.id.desc()).limit(1)).first()
    return None if row is None else (int(row.size), row.note)


def current_checkpoint(store: Store) -> CurrentCheckpoint:
    """The checkpoint of the whole log: the newest stored one when it covers the log, else one signed now.

    Reading never needs to write: a checkpoint signed now is kept in the store when the store can be written
    within :data:`WAIT_MS` (else it is handed out unkept: a reader without write rights, or an import holding
    the store). Raises ``ConfigurationError`` when the log has grown since the last stored checkpoint and the
    store has no signing key (a store in memory without ``$NATIJE_LEDGER_KEY``, or a key file that is missing
    or unreadable).
    """
    store.ensure_ready()
    with store.connect() as conn:
        latest, size = _latest(conn), log_size(conn)
        if latest is not None and latest[0] == size:
            return CurrentCheckpoint(latest[1], size)
        key = signing_key(store)
        if key is None:
            path = key_path(store) or "NATIJE_LEDGER_KEY"
            raise ConfigurationError(Text("error.ledger_no_key", path=str(path)))
        root = subtree_hash(0, size, tree_nodes(conn))  # entries below size never change: no lock needed
    head, note = signed_head(key, size, root, logged_value(utcnow()))
    return CurrentCheckpoint(_kept(store, head, note), size)


def _kept(store: Store, head: Checkpoint, note: str) -> str:
    """Store ``note`` unless a checkpoint at least as large was stored meanwhile (then return that one's);
    ``note`` itself when the store cannot be written now."""
    try:
        with store.skippable_transaction(WAIT_MS) as conn:
            latest = _latest(conn)
            if latest is not None and latest[0] == head.size:  # another reader or writer made it meanwhile
                return latest[1]
            if latest is None or latest[0] < head.size:
                store_checkpoint(conn, head, note)
    except CANNOT_WRITE as exc:
        log.info("checkpoint of %d entries not kept: %s", head.size, exc.orig)
    return note


def _observation_key(conn: Connection, value_id: str) -> dict[str, str]:
    """The logged key of observation ``value_id`` (its number, or INDICATOR/TERRITORY/PERIOD)."""
    parts = value_id.split("/")
    if len(parts) == 3:
        return dict(zip(("indicator", "territory", "period"), parts))
    o, i, tr = T.observations, T.indicators, T.territories
    row = None
    if value_id.isascii() and value_id.isdigit() and len(value_id) < 19:  # fits a 64-bit id
        row = conn.execute(
            select(i.c.code, tr.c.code.label("territory"), o.c.period)
            .join(i, i.c.id == o.c.indicator_id)
            .join(tr, tr.c.id == o.c.territory_id)
            .where(o.c.id == int(value_id))
        ).first()
    if row is None:
        raise NotFound(Text("error.value_not_found", value=value_id))
    return {"indicator": row.code, "territory": row.territory, "period": row.period}


def _last_entry(conn: Connection, key: dict[str, str], below: int) -> tuple[int, bytes] | None:
    """The last entry of observations with ``key`` before position ``below``, searched from the end."""
    needle = encode_value("key") + encode_value(key) + encode_value("kind")
    table = encode_value("table") + encode_value("observations")
    b = T.ledger_blocks
    top = -(-below // BLOCK)  # blocks below this one hold the positions searched
    while top > 0:
        rows = conn.execute(
            select(b.c.block, b.c.data)
            .where(b.c.block < top, b.c.block >= top - READ)
            .order_by(b.c.block.desc())
        ).all()
        for block, data in rows:
            records = unpack(bytes(data))
            for offset in range(len(records) - 1, -1, -1):
                position, raw = block * BLOCK + offset, records[offset][1]
                if position < below and needle in raw and table in raw:
                    return position, raw
        top -= READ
    return None


def value_proof(store: Store, value_id: str) -> tuple[InclusionProof, CurrentCheckpoint]:
    """The inclusion proof of observation ``value_id``'s current entry in the current checkpoint.

    Raises ``NotFound`` when no observation has that id or key, or the log holds no entry of it.
    """
    checkpoint = current_checkpoint(store)
    with store.connect() as conn:
        key = _observation_key(conn, value_id)
        found = _last_entry(conn, key, checkpoint.size)
        if found is None:
            raise NotFound(Text("error.value_not_logged", value=value_id))
        position, entry = found
        hashes = inclusion_proof(position, checkpoint.size, tree_nodes(conn))
    return InclusionProof(checkpoint.size, position, entry, tuple(hashes)), checkpoint


def log_length(store: Store) -> int:
    """How many entries the store's log holds."""
    with store.connect() as conn:
        return log_size(conn)
