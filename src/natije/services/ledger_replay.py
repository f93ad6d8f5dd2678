"""The log replayed against the tables, one share of the rows at a time (so memory stays bounded).

Rows are shared out by a hash of their key: share ``part`` of ``parts`` holds the rows whose key's CRC-32 is
``part`` modulo ``parts``. A pass replays the entries of its share (an entry's key is found in its bytes
without decoding it: the fields after ``key`` are natije's own, never user text) and compares the rows of its
share; :func:`natije.services.ledger.verify` makes as many passes as the log's size asks for. Revisions go
with their observation's key.

An entry is checked as the decoder checks it, without building its values (:func:`entry_spans`): the replay
works on its bytes. A row is held as a 16-byte digest of its table and key, and its state as a 16-byte digest
of the canonical bytes of its logged columns (``revision`` left out) and the position of its last entry; a
revision as a digest of its row. The tables' rows are encoded many at a time (:func:`encode_maps`, the same
bytes as :func:`encode_value`) and digested the same way. What is found wrong is decoded then, to name it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import polars as pl
from sqlalchemy import Boolean, Connection, Date, DateTime, Float, Integer, String, text

from natije.ledger.canonical import encode_value
from natije.ledger.frames import encode_maps
from natije.ledger.verify import (
    LENGTH,
    MAP,
    NULL,
    Span,
    VerificationError,
    decode_entry,
    decode_value,
    entry_spans,
    map_pairs,
)
from natije.store.ledger_blocks import BLOCK, entries_between
from natije.store.ledger_observations import REVISION_SCHEMA, revisions_sql
from natije.store.ledger_views import VIEWS, View, logged_value

CHUNK = 10_000
REVISIONS = "observation_revisions"
OBSERVATION_KEY = VIEWS["observations"].key
_KEY, _KIND = encode_value("key"), encode_value("kind")
_TABLE, _TIME = encode_value("table"), encode_value("time")
_REVISIONS, _OBSERVATIONS = encode_value(REVISIONS), encode_value("observations")
_REVISION = b"revision"
_FROM_AFTER = (b"recorded_at", b"value", b"source")
_FROM_REVISION = (b"reason", b"author")
_OBSERVATION_KEY = tuple(name.encode() for name in OBSERVATION_KEY)
_NULL = NULL[0]
Pairs = dict[bytes, Span]


@dataclass(frozen=True)
class Finding:
    """One thing verification found wrong: what (:data:`natije.services.ledger.FINDINGS`), in which table
    (or checkpoint), which row, at which log position, and which columns differ (for ``altered``)."""

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


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _row_id(table: bytes, key: bytes) -> bytes:
    """A row's 16-byte name: a digest of its table's and its key's canonical bytes."""
    return hashlib.blake2b(table + key, digest_size=16).digest()


def _joined(entry: bytes, pairs: Pairs) -> bytes:
    """The canonical bytes of the map of ``pairs`` (spans of ``entry``): their bytes in key order."""
    return MAP + LENGTH.pack(len(pairs)) + b"".join(entry[pairs[k][0] : pairs[k][2]] for k in sorted(pairs))


def _state(entry: bytes, span: Span, pairs: Pairs) -> bytes:
    """The digest of a before or after state without its ``revision`` (which no table column holds)."""
    _, start, end = span
    if _REVISION not in pairs:
        return _digest(entry[start:end])
    cut, _, resume = pairs[_REVISION]
    header = MAP + LENGTH.pack(len(pairs) - 1)
    return _digest(header + entry[start + len(header) : cut] + entry[resume:end])


def _share(encoded_key: bytes, parts: int) -> int:
    return zlib.crc32(encoded_key) % parts


class Malformed(Exception):
    """An entry that decodes but is not a change natije can replay (a state that is not a map, a revision
    without its fields)."""


class Replay:
    """The state the log gives every row of one share, and the revisions it says exist."""

    def __init__(self, part: int = 0, parts: int = 1) -> None:
        self.part, self.parts = part, parts
        self.rows: dict[bytes, bytes] = {}
        """Row id → its state's digest (16 bytes) and its last entry's position (8 bytes, big-endian)."""
        self.revisions: dict[bytes, int | list[int]] = {}
        """A revision row's digest → the positions of the entries that logged it."""
        self.findings: list[Finding] = []
        self._tx: tuple[int, bytes] = (-1, b"")

    def take(self, entry: bytes, position: int, tx: int) -> None:
        """Replay ``entry`` if its row is of this share."""
        own = self.part == 0
        if self.parts > 1:
            start, stop = entry.rfind(_KEY), entry.rfind(_KIND)
            table = entry[entry.rfind(_TABLE) + len(_TABLE) : entry.rfind(_TIME)]
            if start > 0 and stop > start and table != _REVISIONS:
                if _share(entry[start + len(_KEY) : stop], self.parts) != self.part:
                    return
                own = True  # no other pass reads it
            elif not (start > 0 and stop > start) and self.part:  # unreadable: reported by the first share
                return
        try:
            spans, maps = entry_spans(entry)
            _, table_start, table_end = spans[b"table"]
            if self.parts > 1 and entry[table_start:table_end] == _REVISIONS:
                if _share(self._observation(entry, maps[b"key"]), self.parts) != self.part:
                    return
                own = True
            _, tx_start, tx_end = spans[b"transaction"]
            if self._tx[0] != tx:
                self._tx = (tx, encode_value(tx))
            if entry[tx_start:tx_end] != self._tx[1]:
                self.findings.append(Finding("order", "ledger_blocks", position=position))
            self._apply(entry, spans, maps, position)
        except (VerificationError, ValueError, Malformed):
            if own:
                self.findings.append(Finding("entry", "ledger_blocks", position=position))

    @staticmethod
    def _observation(entry: bytes, key: Pairs | None) -> bytes:
        """The canonical bytes of the observation's key a revision's key holds."""
        if key is None or not all(name in key for name in _OBSERVATION_KEY):
            raise Malformed
        return _joined(entry, {name: key[name] for name in _OBSERVATION_KEY})

    def _apply(
        self, entry: bytes, spans: dict[bytes, Span], maps: dict[bytes, Pairs | None], position: int
    ) -> None:
        table = entry[spans[b"table"][1] : spans[b"table"][2]]
        key, before, after = maps[b"key"], maps[b"before"], maps[b"after"]
        for name, pairs in ((b"before", before), (b"after", after)):
            if pairs is None and entry[spans[name][1]] != _NULL:
                raise Malformed  # a state is a map or null
        if table == _REVISIONS:
            if key is None or after is None:
                raise Malformed
            self._revision(_joined(entry, {**key, **after}), position)
            return
        _, key_start, key_end = spans[b"key"]
        row = _row_id(table, entry[key_start:key_end])
        held = self.rows.get(row)
        expected = None if before is None else _state(entry, spans[b"before"], before)
        if (held is None) != (expected is None) or held is not None and held[:16] != expected:
            name = decode_value(table)
            self.findings.append(Finding("chain", name, decode_value(entry[key_start:key_end]), position))
        if after is None:
            self.rows.pop(row, None)
            return
        self.rows[row] = _state(entry, spans[b"after"], after) + position.to_bytes(8, "big")
        if table == _OBSERVATIONS and _REVISION in after and entry[after[_REVISION][1]] != _NULL:
            _, start, end = after[_REVISION]
            revision = map_pairs(entry, start, end)
            if key is None or revision is None or not all(name in after for name in _FROM_AFTER):
                raise Malformed
            if not all(name in revision for name in _FROM_REVISION):
                raise Malformed
            pairs = {**key, **{n: after[n] for n in _FROM_AFTER}, **{n: revision[n] for n in _FROM_REVISION}}
            self._revision(_joined(entry, pairs), position)

    def _revision(self, row: bytes, position: int) -> None:
        digest = _digest(row)
        held = self.revisions.get(digest)
        if held is None:
            self.revisions[digest] = position
        elif isinstance(held, int):
            self.revisions[digest] = [held, position]
        else:
            held.append(position)

    def _mine(self, encoded_key: bytes) -> bool:
        return self.parts == 1 or _share(encoded_key, self.parts) == self.part

    def compare(self, conn: Connection) -> list[Finding]:
        """Every row of this share in the tables against the replayed state: inserted, altered, deleted."""
        found: list[Finding] = []
        for view in VIEWS.values():
            table = encode_value(view.name)
            for keys, states in _encoded(conn, view):
                for key, state in zip(keys, states):
                    if not self._mine(key):
                        continue
                    held = self.rows.pop(_row_id(table, key), None)
                    if held is None:
                        found.append(Finding("inserted", view.name, decode_value(key)))
                    elif held[:16] != _digest(state):
                        position = int.from_bytes(held[16:], "big")
                        columns = _differing(conn, position, decode_value(state))
                        found.append(Finding("altered", view.name, decode_value(key), position, columns))
        gone = sorted(int.from_bytes(held[16:], "big") for held in self.rows.values())
        for position, entry in _entries(conn, gone):
            fields = decode_entry(entry)
            found.append(Finding("deleted", fields["table"], fields["key"], position))
        self.rows.clear()
        for rows, keys in _revision_rows(conn, self.parts > 1):
            for n, row in enumerate(rows):
                if keys and not self._mine(keys[n]):
                    continue
                digest = _digest(row)
                logged = self.revisions.get(digest)
                if logged is None or logged == []:
                    found.append(Finding("inserted", REVISIONS, decode_value(row)))
                elif isinstance(logged, int):
                    del self.revisions[digest]
                else:
                    logged.pop()
        left = [p for held in self.revisions.values() for p in ([held] if isinstance(held, int) else held)]
        entries = dict(_entries(conn, sorted(left)))
        found += [Finding("deleted", REVISIONS, _revision_row(entries[p]), p) for p in left]
        return found


def _revision_row(entry: bytes) -> dict[str, Any]:
    """The revision row an entry logged (an ``observation_revisions`` insert, or an observation's first or
    changed value)."""
    fields = decode_entry(entry)
    after = fields["after"]
    if fields["table"] == REVISIONS:
        return {**fields["key"], **after}
    moved = {name: after[name] for name in ("recorded_at", "value", "source")}
    return {
        **fields["key"],
        **moved,
        "reason": after["revision"]["reason"],
        "author": after["revision"]["author"],
    }


def _entries(conn: Connection, positions: list[int]) -> Iterator[tuple[int, bytes]]:
    """The entries at ``positions`` (sorted), each block read once."""
    for block, wanted in groupby(positions, lambda p: p // BLOCK):
        held = {p: entry for p, _, entry in entries_between(conn, block * BLOCK, (block + 1) * BLOCK)}
        yield from ((p, held[p]) for p in wanted)


def _polars_type(column: Any) -> Any:
    """The Polars type that holds a column's values as the log encodes them; ``None``: none does."""
    kind = column.type
    if isinstance(kind, Boolean):
        return pl.Boolean
    if isinstance(kind, Integer):
        return pl.Int64
    if isinstance(kind, Float):
        return pl.Float64
    if isinstance(kind, String):
        return pl.String
    if isinstance(kind, DateTime):
        return pl.Datetime("us", "UTC" if kind.timezone else None)  # naive: UTC, as the store keeps them
    if isinstance(kind, Date):
        return pl.Date
    return None


def _frames(conn: Connection, query: Any, schema: dict[str, Any] | None) -> Iterator[Any]:
    """The query's rows, :data:`CHUNK` at a time: a frame of ``schema`` when it holds them, else the rows."""
    result = conn.execute(query, execution_options={"yield_per": CHUNK})
    names = list(result.keys())
    for rows in result.partitions(CHUNK):
        if schema is not None:
            try:
                columns = list(zip(*rows)) if rows else [()] * len(names)
                yield pl.DataFrame([pl.Series(n, c, schema[n], strict=True) for n, c in zip(names, columns)])
                continue
            except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
                pass  # a value the frame cannot hold as the log encodes it: encoded one by one
        yield [{n: logged_value(v) for n, v in zip(names, row)} for row in rows]


def _encoded(conn: Connection, view: View) -> Iterator[tuple[list[bytes], list[bytes]]]:
    """Every row of ``view`` as the canonical bytes of its key and of its logged columns, a chunk at a
    time."""
    query = view.select()
    types = {c.name: _polars_type(c) for c in query.selected_columns}
    schema = None if None in types.values() else types
    for chunk in _frames(conn, query, schema):
        if isinstance(chunk, pl.DataFrame):
            values = [c for c in chunk.columns if c not in view.key]
            yield encode_maps(chunk.select(view.key)), encode_maps(chunk.select(values))
        else:
            pairs = [view.split(row) for row in chunk]
            yield [encode_value(k) for k, _ in pairs], [encode_value(v) for _, v in pairs]


def _revision_rows(conn: Connection, keys: bool) -> Iterator[tuple[list[bytes], list[bytes]]]:
    """Every revision in its logged form (canonical bytes), a chunk at a time, with its observation's key when
    ``keys``."""
    query = text(revisions_sql("ORDER BY r.id")).columns(recorded_at=DateTime())
    for chunk in _frames(conn, query, REVISION_SCHEMA):
        if isinstance(chunk, pl.DataFrame):
            yield encode_maps(chunk), encode_maps(chunk.select(OBSERVATION_KEY)) if keys else []
        else:
            observations = [{k: row[k] for k in OBSERVATION_KEY} for row in chunk] if keys else []
            yield [encode_value(row) for row in chunk], [encode_value(k) for k in observations]


def _differing(conn: Connection, position: int, values: dict[str, Any]) -> tuple[str, ...]:
    [(_, _, raw)] = entries_between(conn, position, position + 1)
    logged = {k: v for k, v in decode_entry(raw)["after"].items() if k != "revision"}
    differ = (
        c for c in logged.keys() | values.keys() if encode_value(logged.get(c)) != encode_value(values.get(c))
    )
    return tuple(sorted(differ))
