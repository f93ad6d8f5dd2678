"""The log's entries as the store keeps them: blocks of :data:`BLOCK` consecutive entries, compressed.

Entries of one table repeat their field names and most of their envelope, so a block of 256 of them
compresses about 25 times (zlib, level 1): a million observations log about 20 MB instead of half a gigabyte,
and an import writes a few thousand rows instead of a million. Block ``b`` holds positions ``b * BLOCK`` to
``b * BLOCK + count - 1``; only the last block may hold fewer than :data:`BLOCK`. A block is the leaves of one
stored tree node of level 8 (``BLOCK == 2 ** STRIDE``), so a proof reads at most one block.

A block's bytes, before compression: ``count`` (u32), then per entry its length (u32) and its transaction
number (u64), then the entries one after the other (integers big-endian). Leaf hashes are not stored: whoever
needs one hashes the entry (:func:`natije.ledger.verify.leaf_hash`).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Connection, func, insert, select, update

from natije.store import tables as T

__all__ = [
    "BLOCK",
    "DamagedBlock",
    "append_entries",
    "blocks",
    "entries_between",
    "last_transaction",
    "log_size",
    "pack",
    "unpack",
]

BLOCK = 256
"""Entries per stored block (2 ** 8: the level of the tree nodes the store keeps)."""
LEVEL = 1
"""zlib's compression level: level 6 gains a sixth more at three times the time."""

Record = tuple[int, bytes]
"""An entry with its transaction number."""

_COUNT = struct.Struct(">I")


class DamagedBlock(ValueError):
    """A stored block that does not decompress or does not parse."""


def pack(records: Sequence[Record]) -> bytes:
    """A block's stored bytes.

    Examples
    --------
    >>> unpack(pack([(3, b"first"), (4, b"second")]))
    [(3, b'first'), (4, b'second')]
    """
    count = len(records)
    lengths = [len(entry) for _, entry in records]
    header = struct.pack(f">I{count}I{count}Q", count, *lengths, *(tx for tx, _ in records))
    return zlib.compress(header + b"".join(entry for _, entry in records), LEVEL)


def unpack(data: bytes) -> list[Record]:
    """The records of a block's stored bytes; raises :class:`DamagedBlock` when they are not a block."""
    try:
        raw = zlib.decompress(data)
        (count,) = _COUNT.unpack_from(raw)
        fields = struct.unpack_from(f">{count}I{count}Q", raw, _COUNT.size)
    except (zlib.error, struct.error) as error:
        raise DamagedBlock(str(error)) from error
    lengths, txs = fields[:count], fields[count:]
    at = _COUNT.size + 12 * count
    if at + sum(lengths) != len(raw):
        raise DamagedBlock("the entries' lengths do not add up to the block")
    records = []
    for length, tx in zip(lengths, txs):
        records.append((tx, raw[at : at + length]))
        at += length
    return records


def log_size(conn: Connection) -> int:
    """How many entries the log holds."""
    b = T.ledger_blocks
    last = conn.execute(select(b.c.block, b.c.count).order_by(b.c.block.desc()).limit(1)).first()
    if last is None:
        return 0
    block, count = last
    return int(block) * BLOCK + int(count)


def last_transaction(conn: Connection) -> int | None:
    """The highest transaction number in the log (``None``: an empty log)."""
    top = conn.execute(select(func.max(T.ledger_blocks.c.last_tx))).scalar()
    return None if top is None else int(top)


def blocks(
    conn: Connection, start: int = 0, stop: int | None = None, per_read: int = 64
) -> Iterator[tuple[int, int, int, bytes]]:
    """The stored blocks ``start`` to ``stop - 1`` (all from ``start`` when ``stop`` is None) in order, as
    (block, count, last transaction, stored bytes), ``per_read`` at a time."""
    b = T.ledger_blocks
    last = start - 1
    while True:
        query = select(b.c.block, b.c.count, b.c.last_tx, b.c.data).where(b.c.block > last)
        if stop is not None:
            query = query.where(b.c.block < stop)
        rows = conn.execute(query.order_by(b.c.block).limit(per_read)).all()
        if not rows:
            return
        for block, count, last_tx, data in rows:
            yield int(block), int(count), int(last_tx), bytes(data)
        last = rows[-1].block


def entries_between(conn: Connection, start: int, stop: int) -> list[tuple[int, int, bytes]]:
    """The entries at positions ``start`` to ``stop - 1`` as (position, transaction, entry); fewer when the
    log is shorter. Raises :class:`DamagedBlock` when a block they are in does not read."""
    found = []
    for block, _, _, data in blocks(conn, start // BLOCK, -(-stop // BLOCK)):
        first = block * BLOCK
        for offset, (tx, entry) in enumerate(unpack(data)):
            if start <= first + offset < stop:
                found.append((first + offset, tx, entry))
    return found


def append_entries(
    conn: Connection,
    start: int,
    tx: int,
    entries: Sequence[bytes],
    *,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Store ``entries`` of transaction ``tx`` at positions from ``start`` (the log's size): the last block
    is filled up and rewritten, new blocks are inserted.

    The blocks are compressed on two threads (zlib releases the interpreter's lock); ``meanwhile``, when
    given, runs on this one while they are (the log hashes the entries then)."""
    records: list[Record] = [(tx, entry) for entry in entries]
    b = T.ledger_blocks
    block, held = divmod(start, BLOCK)
    earlier: list[Record] = []
    if held:
        stored = conn.execute(select(b.c.data).where(b.c.block == block)).scalar_one()
        earlier = unpack(bytes(stored))
        if len(earlier) != held:
            raise DamagedBlock(f"block {block} holds {len(earlier)} entries, the log's size says {held}")
    merged = earlier + records
    parts = [merged[i : i + BLOCK] for i in range(0, len(merged), BLOCK)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        packed = pool.map(pack, parts)
        if meanwhile is not None:
            meanwhile()
        rows = [
            {"block": block + k, "count": len(part), "last_tx": tx, "data": data}
            for k, (part, data) in enumerate(zip(parts, packed))
        ]
    if held:
        first = rows.pop(0)
        conn.execute(
            update(b).where(b.c.block == block).values(**{k: first[k] for k in ("count", "last_tx", "data")})
        )
    if rows:
        conn.execute(insert(b), rows)
