"""Verify the store against its log: the tree, the checkpoints, and every row of the logged tables.

:func:`verify` reads the log once, in order: it recomputes each entry's leaf hash and the tree (so a rewritten
or reordered entry changes the root of every later checkpoint), checks each checkpoint it knows (the stored
ones and any files given, whose signatures it checks with the store's public key) against the root of the
same size, and replays the entries: each update or delete must start from the state the log left its row in.
Then it reads every row of the logged tables and compares it with the state the log gives it; a row the log
does not hold, a logged row that is gone, and a row that differs from its last entry are each reported with
the table, the key and the log position. This is what catches an edit made with SQL behind natije's back.

The replayed state is kept as a 16-byte digest per row (plus its key), not as the row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, select, text

from natije.ledger.canonical import encode_value
from natije.ledger.merkle import EMPTY_ROOT, CompactRange
from natije.ledger.verify import Checkpoint, VerificationError, decode_entry, decode_value, leaf_hash
from natije.ledger.verify import verify_checkpoint as check_signature
from natije.services.ledger_keys import public_key
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_observations import revisions_sql
from natije.store.ledger_views import VIEWS, logged_value

CHUNK = 10_000
REVISIONS = "observation_revisions"
FINDINGS = ("altered", "deleted", "inserted", "entry", "order", "chain", "checkpoint")
"""What :func:`verify` reports: a row that differs from its last entry (``altered``), a logged row that is
gone (``deleted``), a row no entry made (``inserted``), an entry whose stored leaf hash or bytes are wrong
(``entry``), positions or transactions out of order (``order``), an entry that does not start from the state
the log left its row in (``chain``), a checkpoint the log does not match (``checkpoint``)."""


@dataclass(frozen=True)
class Finding:
    """One thing :func:`verify` found wrong: what, in which table (or checkpoint file), which row, at which
    log position, and which columns differ (for ``altered``)."""

    what: str
    table: str
    key: dict[str, Any] = field(default_factory=dict)
    position: int | None = None
    columns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        key = {k: v if isinstance(v, (int, float, str, type(None))) else str(v) for k, v in self.key.items()}
        return {
            "what": self.what,
            "table": self.table,
            "key": key,
            "position": self.position,
            "columns": list(self.columns),
        }


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


def _digest(value: Any) -> bytes:
    return hashlib.blake2b(encode_value(value), digest_size=16).digest()


class _Replay:
    """The state the log gives every logged row, and the revisions it says exist."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, bytes], tuple[bytes, int]] = {}
        self.revisions: dict[bytes, list[int]] = {}
        self.findings: list[Finding] = []

    def apply(self, fields: dict[str, Any], position: int) -> None:
        table, after, before = fields["table"], fields["after"], fields["before"]
        if table == REVISIONS:
            self._revision({**fields["key"], **after}, position)
            return
        row = (table, encode_value(fields["key"]))
        held = self.rows.get(row)
        expected = None if before is None else _digest(_state(before))
        if (held is None) != (expected is None) or held is not None and held[0] != expected:
            self.findings.append(Finding("chain", table, fields["key"], position))
        if after is None:
            self.rows.pop(row, None)
            return
        self.rows[row] = (_digest(_state(after)), position)
        if table == "observations" and after.get("revision") is not None:
            revision = after["revision"]
            self._revision(
                {
                    **fields["key"],
                    "recorded_at": after["recorded_at"],
                    "value": after["value"],
                    "source": after["source"],
                    "reason": revision["reason"],
                    "author": revision["author"],
                },
                position,
            )

    def _revision(self, row: dict[str, Any], position: int) -> None:
        self.revisions.setdefault(encode_value(row), []).append(position)


def _state(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "revision"}


def _entries(conn: Connection) -> Iterator[tuple[int, int, bytes, bytes]]:
    t = T.ledger_entries
    last = -1
    while True:
        rows = conn.execute(
            select(t.c.position, t.c.tx, t.c.entry, t.c.leaf)
            .where(t.c.position > last)
            .order_by(t.c.position)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        for position, tx, entry, leaf in rows:
            yield int(position), int(tx), bytes(entry), bytes(leaf)
        last = rows[-1][0]


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
    store: Store, checkpoints: Sequence[str | Path] = (), *, progress: Callable[[int], None] | None = None
) -> VerifyReport:
    """Check the log and the logged tables of ``store``; ``checkpoints`` are checkpoint files kept earlier.

    ``progress(entries)`` is called after each chunk of entries read. Raises ``ConfigurationError`` when the
    store does not exist; a checkpoint file that cannot be read raises ``OSError``.
    """
    findings: list[Finding] = []
    replay = _Replay()
    with store.connect() as conn:
        heads = _read_checkpoints(conn, [Path(p) for p in checkpoints], public_key(store), findings)
        wanted = {head.size for _, head in heads}
        roots = {0: EMPTY_ROOT}
        tree, last_tx = CompactRange(), -1
        for position, tx, entry, leaf in _entries(conn):
            if position != tree.size:
                findings.append(Finding("order", "ledger_entries", position=position))
            computed = leaf_hash(entry)
            if computed != leaf:
                findings.append(Finding("entry", "ledger_entries", position=position))
            tree.append(computed)
            if tree.size in wanted:
                roots[tree.size] = tree.root()
            try:
                fields = decode_entry(entry)
            except (VerificationError, ValueError):
                findings.append(Finding("entry", "ledger_entries", position=position))
                continue
            if fields["transaction"] != tx or tx < last_tx:
                findings.append(Finding("order", "ledger_entries", position=position))
            last_tx = tx
            replay.apply(fields, position)
            if progress is not None and tree.size % CHUNK == 0:
                progress(tree.size)
        for label, head in heads:
            if roots.get(head.size) != head.root:
                findings.append(Finding("checkpoint", label, position=head.size))
        findings += replay.findings
        findings += _compare_tables(conn, replay)
    return VerifyReport(tree.size, tree.root(), len(heads), tuple(findings))


def _compare_tables(conn: Connection, replay: _Replay) -> list[Finding]:
    found: list[Finding] = []
    for view in VIEWS.values():
        for row in _stream(conn, view.select()):
            key, values = view.split(row)
            held = replay.rows.pop((view.name, encode_value(key)), None)
            if held is None:
                found.append(Finding("inserted", view.name, key))
            elif held[0] != _digest(values):
                found.append(Finding("altered", view.name, key, held[1], _differing(conn, held[1], values)))
    for (table, gone), (_, position) in sorted(replay.rows.items(), key=lambda item: item[1][1]):
        found.append(Finding("deleted", table, decode_value(gone), position))
    query = text(revisions_sql("ORDER BY r.id")).columns(recorded_at=DateTime())
    for row in _stream(conn, query):
        positions = replay.revisions.get(encode_value(row))
        if positions:
            positions.pop()
        else:
            found.append(Finding("inserted", REVISIONS, row))
    for encoded, positions in replay.revisions.items():
        found += [Finding("deleted", REVISIONS, decode_value(encoded), p) for p in positions]
    return found


def _stream(conn: Connection, query: Any) -> Iterator[dict[str, Any]]:
    result = conn.execute(query, execution_options={"yield_per": CHUNK}).mappings()
    for row in result:
        yield {name: logged_value(value) for name, value in row.items()}


def _differing(conn: Connection, position: int, values: dict[str, Any]) -> tuple[str, ...]:
    raw = conn.execute(select(T.ledger_entries.c.entry).where(T.ledger_entries.c.position == position))
    logged = _state(decode_entry(bytes(raw.scalar_one()))["after"])
    return tuple(
        sorted(
            c
            for c in logged.keys() | values.keys()
            if encode_value(logged.get(c)) != encode_value(values.get(c))
        )
    )
