"""Verify the store against its log: the tree, the checkpoints, and every row of the logged tables.

:func:`verify` reads the log in order: it recomputes each entry's leaf hash and the tree (so a rewritten
or reordered entry changes the root of every later checkpoint), checks each checkpoint it knows (the stored
ones and any files given, whose signatures it checks with the store's public key) against the root of the
same size, and replays the entries: each update or delete must start from the state the log left its row in.
Then it reads every row of the logged tables and compares it with the state the log gives it; a row the log
does not hold, a logged row that is gone, and a row that differs from its last entry are each reported with
the table, the key and the log position. This is what catches an edit made with SQL behind natije's back.

The log and the tables are each read once. Each entry is kept as a fixed-size record (16-byte digests of its
row's table and key and of its states, its position) and each stored row the same way; a log of more than
:data:`PASS_ROWS` entries has its records shared out by key into temporary files and compared one share at
a time (:mod:`natije.services.ledger_replay`), so memory stays bounded whatever the size of the store.
"""

from __future__ import annotations

import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from natije.ledger.merkle import EMPTY_ROOT, CompactRange
from natije.ledger.verify import Checkpoint, VerificationError, leaf_hash
from natije.ledger.verify import verify_checkpoint as check_signature
from natije.services.ledger_keys import public_key
from natije.services.ledger_replay import Finding, Replay
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_blocks import BLOCK, DamagedBlock, blocks, log_size, unpack

__all__ = ["FINDINGS", "Finding", "VerifyReport", "verify"]

CHUNK = 10_000
PASS_ROWS = 500_000
"""Entries compared at a time at most (a share): an observation and its revision keep about 120 bytes of
records (log and table), sorting them takes about as much again; the rest wait in temporary files, which
costs little, so memory stays near 350 MB whatever the size of the log."""
FINDINGS = ("altered", "deleted", "inserted", "entry", "order", "chain", "checkpoint")
"""What :func:`verify` reports: a row that differs from its last entry (``altered``), a logged row that is
gone (``deleted``), a row no entry made (``inserted``), an entry whose stored leaf hash or bytes are wrong
(``entry``), positions or transactions out of order (``order``), an entry that does not start from the state
the log left its row in (``chain``), a checkpoint the log does not match (``checkpoint``)."""


@dataclass(frozen=True)
class VerifyReport:
    """The log's size and root hash as recomputed, the checkpoints checked, and every finding."""

    size: int
    root: bytes
    checkpoints: int
    findings: tuple[Finding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoints": self.checkpoints,
            "findings": [f.to_dict() for f in self.findings],
        }


def _chunks(conn: Connection, findings: list[Finding]) -> Iterator[list[tuple[int, int, bytes]]]:
    """The log's entries (position, transaction, entry) in order, a few blocks at a time; a block that does
    not read is a finding (``entry``) and its entries are missing from the chunk, as is a block whose count or
    last transaction number disagrees with what it holds."""
    chunk: list[tuple[int, int, bytes]] = []
    for block, count, last_tx, data in blocks(conn):
        try:
            records = unpack(data)
        except DamagedBlock:
            findings.append(Finding("entry", "ledger_blocks", position=block * BLOCK))
            continue
        if (count, last_tx) != (len(records), records[-1][0] if records else None):  # what appends rely on
            findings.append(Finding("entry", "ledger_blocks", position=block * BLOCK))
        chunk += [(block * BLOCK + k, tx, entry) for k, (tx, entry) in enumerate(records)]
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_checkpoints(
    conn: Connection, files: Sequence[Path], key: Any, findings: list[Finding]
) -> list[tuple[str, Checkpoint]]:
    notes = [(f"ledger_checkpoints:{r.id}", r.note) for r in conn.execute(select(T.ledger_checkpoints))]
    for path in files:
        notes.append((str(path), Path(path).read_text(encoding="utf-8")))
    heads = []
    for label, note in notes:
        try:
            if key is None:  # no key to check signatures with: the text still says size and root
                body = note.partition("\n\n")[0] + "\n"
                heads.append((label, Checkpoint.from_body(body)))
            else:
                heads.append((label, check_signature(note, key)))
        except VerificationError:
            findings.append(Finding("checkpoint", label))
    return heads


def verify(
    store: Store,
    checkpoints: Sequence[str | Path] = (),
    *,
    progress: Callable[[int], None] | None = None,
    pass_rows: int = PASS_ROWS,
) -> VerifyReport:
    """Check the log and the logged tables of ``store``; ``checkpoints`` are checkpoint files kept earlier.

    ``progress(entries)`` is called after each chunk of entries read. Raises ``ConfigurationError`` when the
    store does not exist; a checkpoint file that cannot be read raises ``OSError``. ``pass_rows``: entries
    compared at a time at most (the rest wait in temporary files).
    """
    findings: list[Finding] = []
    with store.connect() as conn, tempfile.TemporaryDirectory(prefix="natije-verify-") as folder:
        heads = _read_checkpoints(conn, [Path(p) for p in checkpoints], public_key(store), findings)
        replay = Replay(max(1, -(-log_size(conn) // pass_rows)), Path(folder))
        tree = _check_tree(conn, heads, replay, findings, progress)
        findings += replay.compare(conn)
        findings += _budget_links(conn)
    return VerifyReport(tree.size, tree.root(), len(heads), tuple(findings))


def _budget_links(conn: Connection) -> list[Finding]:
    """``budget_indicators`` is not logged: it must link each budget line to exactly the indicators its logged
    ``indicators`` column names."""
    b, i, link = T.budget_lines, T.indicators, T.budget_indicators
    linked: dict[int, list[str]] = {}
    for line_id, code in conn.execute(
        select(link.c.budget_line_id, i.c.code).outerjoin(i, i.c.id == link.c.indicator_id)
    ):
        linked.setdefault(line_id, []).append(code or "")
    found = []
    for line_id, indicators in conn.execute(select(b.c.id, b.c.indicators)):
        if ";".join(sorted(linked.pop(line_id, []))) != indicators:
            found.append(Finding("altered", "budget_indicators", {"budget_line": int(line_id)}))
    found += [Finding("inserted", "budget_indicators", {"budget_line": int(k)}) for k in sorted(linked)]
    return found


def _check_tree(
    conn: Connection,
    heads: list[tuple[str, Checkpoint]],
    replay: Replay,
    findings: list[Finding],
    progress: Callable[[int], None] | None,
) -> CompactRange:
    """The first pass: positions, leaf hashes, transaction order, the tree and its roots at the checkpoints'
    sizes; the entries of the first share are replayed on the way."""
    wanted = sorted({head.size for _, head in heads})
    roots = {0: EMPTY_ROOT}
    tree, last_tx, expected = CompactRange(), -1, 0
    for chunk in _chunks(conn, findings):
        leaves: list[bytes] = []
        for position, tx, entry in chunk:
            if position != expected or tx < last_tx:  # a block missing, or transactions out of order
                findings.append(Finding("order", "ledger_blocks", position=position))
            last_tx, expected = tx, position + 1
            leaves.append(leaf_hash(entry))
            replay.take(entry, position, tx)
        start = tree.size
        for size in wanted[bisect_right(wanted, start) : bisect_right(wanted, start + len(leaves))]:
            tree.extend(leaves[tree.size - start : size - start])  # up to a checkpoint's size: its root
            roots[size] = tree.root()
        tree.extend(leaves[tree.size - start :])
        if progress is not None:
            progress(tree.size)
    for label, head in heads:
        if roots.get(head.size) != head.root:
            findings.append(Finding("checkpoint", label, position=head.size))
    return tree
