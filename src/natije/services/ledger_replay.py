"""The log replayed against the tables, in shares of the rows (so memory stays bounded).

Rows are shared out by a hash of their key: share ``k`` of ``parts`` holds the rows whose key's CRC-32 is
``k`` modulo ``parts``; revisions go with their observation's key. The log and the tables are each read once,
every entry and every stored row kept as a fixed-size record in its share (in memory, or in a temporary file
when there are several shares); then the shares are compared one at a time.

An entry is checked as the decoder checks it, without building its values (:func:`entry_spans`): the replay
works on its bytes. A row is named by a 16-byte digest of its table and key, its state by a 16-byte digest
of the canonical bytes of its logged columns (``revision`` left out), a revision by a digest of its row. The
tables' rows are encoded many at a time (:func:`encode_maps`, the same bytes as :func:`encode_value`) and
digested the same way. What is found wrong is decoded then, to name it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
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
SPILL_BYTES = 1 << 20
"""A share's records are written to its file a megabyte at a time."""
REVISIONS = "observation_revisions"
OBSERVATION_KEY = VIEWS["observations"].key
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


class Malformed(Exception):
    """An entry that decodes but is not a change natije can replay (a state that is not a map, a revision
    without its fields)."""


LOG_RECORD = np.dtype(
    [("row", ">u8", 2), ("before", ">u8", 2), ("after", ">u8", 2), ("states", "u1"), ("position", ">u8")]
)
"""What the replay keeps of an entry: its row's id, the digests of its states, which of them there are
(``BEFORE``, ``AFTER``), its position."""
BEFORE, AFTER = 1, 2
ROW_RECORD = np.dtype([("row", ">u8", 2), ("state", ">u8", 2), ("view", "u1"), ("ordinal", ">u8")])
"""What the comparison keeps of a table's row: its id, its state's digest, its view and place in it."""
REVISION_RECORD = np.dtype([("digest", ">u8", 2), ("order", ">u8")])
"""A revision's digest with its entry's position (logged) or its place among the revisions (stored)."""
_NO_STATE = bytes(16)


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row by row: are the 16-byte digests (pairs of u64) equal?"""
    return (a[:, 0] == b[:, 0]) & (a[:, 1] == b[:, 1])


def _sorted(digests: np.ndarray, *then: np.ndarray) -> np.ndarray:
    """The order that sorts by digest, then by ``then`` (the first of them first)."""
    return np.lexsort((*reversed(then), digests[:, 1], digests[:, 0]))


def _runs(digests: np.ndarray) -> np.ndarray:
    """For sorted digests: does each one start a run of equal ones?"""
    first = np.ones(len(digests), bool)
    first[1:] = ~_equal(digests[1:], digests[:-1])
    return first


class Spill:
    """Records appended in memory and, past :data:`SPILL_BYTES` when there is a folder for them, to a file of
    their own there; read back whole."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.buffer = bytearray()

    def add(self, record: bytes) -> None:
        self.buffer += record
        if self.path is not None and len(self.buffer) >= SPILL_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.path is not None and self.buffer:
            with self.path.open("ab") as file:
                file.write(self.buffer)
            self.buffer = bytearray()

    def take(self) -> bytearray:
        """Every record added (and nothing more is kept)."""
        if self.path is None or not self.path.exists():
            held, self.buffer = self.buffer, bytearray()
            return held
        self.flush()
        held = bytearray(self.path.read_bytes())
        self.path.unlink()
        return held


class Replay:
    """The state the log gives every row, and the revisions it says exist, in ``parts`` shares.

    Each entry is read once and kept as a fixed-size record (:data:`LOG_RECORD`, 57 bytes; a revision 24
    bytes) in its share; the tables' rows are read once too, each a record (:data:`ROW_RECORD`) in its share.
    With more than one share the records go to files in ``folder`` and :meth:`compare` takes one share at a
    time into memory: the chains (each update or delete starting from the state the last entry of its row
    left) are checked on its records sorted by row, and the last state of each row is matched with the rows
    stored, all at once (numpy)."""

    def __init__(self, parts: int = 1, folder: Path | None = None) -> None:
        self.parts = parts
        spill = folder if parts > 1 else None

        def spills(name: str) -> list[Spill]:
            return [Spill(None if spill is None else spill / f"{name}{k}") for k in range(parts)]

        self._log, self._revisions = spills("log"), spills("revisions")
        self._rows, self._stored_revisions = spills("rows"), spills("stored-revisions")
        self.findings: list[Finding] = []
        self._tx: tuple[int, bytes] = (-1, b"")

    def _share(self, encoded_key: bytes) -> int:
        return 0 if self.parts == 1 else zlib.crc32(encoded_key) % self.parts

    def take(self, entry: bytes, position: int, tx: int) -> None:
        """Replay ``entry``: an entry that is not canonical is a finding (``entry``), one whose transaction
        is not the block's too (``order``)."""
        try:
            spans, maps = entry_spans(entry)
            _, tx_start, tx_end = spans[b"transaction"]
            if self._tx[0] != tx:
                self._tx = (tx, encode_value(tx))
            if entry[tx_start:tx_end] != self._tx[1]:
                self.findings.append(Finding("order", "ledger_blocks", position=position))
            self._apply(entry, spans, maps, position)
        except (VerificationError, ValueError, Malformed):
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
            share = self._share(self._observation(entry, key))
            self._revision(share, _joined(entry, {**key, **after}), position)
            return
        revision = None
        if table == _OBSERVATIONS and after is not None and _REVISION in after:
            _, start, end = after[_REVISION]
            if entry[start] != _NULL:
                revision = map_pairs(entry, start, end)
                if key is None or revision is None or not all(name in after for name in _FROM_AFTER):
                    raise Malformed
                if not all(name in revision for name in _FROM_REVISION):
                    raise Malformed
        _, key_start, key_end = spans[b"key"]
        encoded_key = entry[key_start:key_end]
        share = self._share(encoded_key)
        self._log[share].add(
            b"".join(
                (
                    _row_id(table, encoded_key),
                    _NO_STATE if before is None else _state(entry, spans[b"before"], before),
                    _NO_STATE if after is None else _state(entry, spans[b"after"], after),
                    _STATES[before is not None, after is not None],
                    position.to_bytes(8, "big"),
                )
            )
        )
        if revision is not None:
            assert key is not None and after is not None
            pairs = {**key, **{n: after[n] for n in _FROM_AFTER}, **{n: revision[n] for n in _FROM_REVISION}}
            self._revision(share, _joined(entry, pairs), position)

    def _revision(self, share: int, row: bytes, position: int) -> None:
        self._revisions[share].add(_digest(row) + position.to_bytes(8, "big"))

    def compare(self, conn: Connection) -> list[Finding]:
        """Every row in the tables against the replayed state, a share at a time: inserted, altered, deleted;
        the chains the entries make are checked on the way (``chain``). With :attr:`findings`, what the
        replay found, sorted by position."""
        self._read_tables(conn)
        found: list[Finding] = []
        for share in range(self.parts):
            found += self._compare_rows(conn, share)
            found += self._compare_revisions(conn, share)
        self.findings.sort(key=lambda f: f.position or 0)
        return self.findings + found

    def _read_tables(self, conn: Connection) -> None:
        """Every stored row and revision as a record in its share."""
        for number, view in enumerate(VIEWS.values()):
            table, view_number, ordinal = encode_value(view.name), bytes((number,)), 0
            for keys, states in _encoded(conn, view):
                for key, state in zip(keys, states):
                    record = (_row_id(table, key), _digest(state), view_number, ordinal.to_bytes(8, "big"))
                    self._rows[self._share(key)].add(b"".join(record))
                    ordinal += 1
        ordinal = 0
        for rows, keys in _revision_rows(conn, self.parts > 1):
            for n, row in enumerate(rows):
                share = self._share(keys[n]) if keys else 0
                self._stored_revisions[share].add(_digest(row) + ordinal.to_bytes(8, "big"))
                ordinal += 1

    def _compare_rows(self, conn: Connection, share: int) -> list[Finding]:
        """The chains of one share checked (findings into :attr:`findings`) and the rows the log leaves
        against those stored."""
        log = np.frombuffer(self._log[share].take(), LOG_RECORD)
        log = log[_sorted(log["row"], log["position"])]
        first = _runs(log["row"])
        held = np.zeros(len(log), bool)  # the state the row's entry before left (none for its first)
        held[1:] = ~first[1:] & (log["states"][:-1] & AFTER > 0)
        starts = log["states"] & BEFORE > 0
        same = np.zeros(len(log), bool)
        same[1:] = _equal(log["after"][:-1], log["before"][1:])
        broken = log["position"][(held != starts) | held & ~same]
        for position, entry in _entries(conn, sorted(int(p) for p in broken)):
            fields = decode_entry(entry)
            self.findings.append(Finding("chain", fields["table"], fields["key"], position))
        final = log[np.append(first[1:], True) & (log["states"] & AFTER > 0)]
        del log, first, held, starts, same, broken
        stored = np.frombuffer(self._rows[share].take(), ROW_RECORD)
        both = np.concatenate([final["row"], stored["row"]])
        side = np.repeat(np.array([0, 1], np.int8), [len(final), len(stored)])
        order = _sorted(both, side)
        side, first = side[order], _runs(both[order])
        del both
        index = order - len(final)  # into stored, for its records
        matched = np.zeros(len(order), bool)  # a stored row right after the logged one of the same row
        matched[1:] = ~first[1:] & (side[:-1] == 0) & (side[1:] == 1)
        kept = np.zeros(len(order), bool)  # a logged row that a stored one follows
        kept[:-1] = matched[1:]
        pairs = np.flatnonzero(matched)
        altered = pairs[~_equal(final["after"][order[pairs - 1]], stored["state"][index[pairs]])]
        wanted: dict[int, int | None] = {int(index[i]): None for i in np.flatnonzero((side == 1) & ~matched)}
        wanted |= {int(index[i]): int(final["position"][order[i - 1]]) for i in altered}
        found = _named(conn, stored, wanted)
        gone = sorted(int(final["position"][order[i]]) for i in np.flatnonzero((side == 0) & ~kept))
        for position, entry in _entries(conn, gone):
            fields = decode_entry(entry)
            found.append(Finding("deleted", fields["table"], fields["key"], position))
        return found

    def _compare_revisions(self, conn: Connection, share: int) -> list[Finding]:
        """The revisions of one share the log says exist against those stored: each stored one takes the last
        entry left that logged the same revision; stored ones left over were inserted, entries left over
        deleted."""
        logged = np.frombuffer(self._revisions[share].take(), REVISION_RECORD)
        table = np.frombuffer(self._stored_revisions[share].take(), REVISION_RECORD)
        both = np.concatenate([logged, table])
        side = np.repeat(np.array([0, 1], np.int8), [len(logged), len(table)])
        order = _sorted(both["digest"], side, both["order"])
        side, first = side[order], _runs(both["digest"][order])
        group = np.cumsum(first) - 1
        counts = np.zeros((int(group[-1]) + 1 if len(group) else 0, 2), np.int64)
        np.add.at(counts, (group, side), 1)
        run = np.arange(len(order), dtype=np.int64)  # rank within its (digest, side)
        starts = np.ones(len(order), bool)
        starts[1:] = first[1:] | (side[1:] != side[:-1])
        run -= np.maximum.accumulate(np.where(starts, run, 0))
        logged_n, stored_n = counts[group, 0], counts[group, 1]
        places = both["order"][order]
        extra = {int(o) for o in places[(side == 1) & (run >= logged_n)]}
        gone = sorted(int(p) for p in places[(side == 0) & (run < logged_n - stored_n)])
        found: list[Finding] = []
        if extra:
            place = 0
            for chunk, _ in _revision_rows(conn, False):
                for row in chunk:
                    if place in extra:
                        found.append(Finding("inserted", REVISIONS, decode_value(row)))
                    place += 1
        found += [Finding("deleted", REVISIONS, _revision_row(entry), p) for p, entry in _entries(conn, gone)]
        return found


def _named(conn: Connection, stored: np.ndarray, wanted: dict[int, int | None]) -> list[Finding]:
    """The stored rows at ``wanted`` (index → the position of the row's last entry when it differs from it,
    ``None`` when the log has no such row) as findings, read again to name their key and columns."""
    found: list[Finding] = []
    by_view: dict[int, dict[int, int | None]] = {}
    for index, position in wanted.items():
        record = stored[index]
        by_view.setdefault(int(record["view"]), {})[int(record["ordinal"])] = position
    for number, view in enumerate(VIEWS.values()):
        if number not in by_view:
            continue
        ordinal = 0
        for keys, states in _encoded(conn, view):
            for key, state in zip(keys, states):
                if ordinal in by_view[number]:
                    position = by_view[number][ordinal]
                    if position is None:
                        found.append(Finding("inserted", view.name, decode_value(key)))
                    else:
                        columns = _differing(conn, position, decode_value(state))
                        found.append(Finding("altered", view.name, decode_value(key), position, columns))
                ordinal += 1
    return found


_STATES = {(b, a): bytes((BEFORE * b + AFTER * a,)) for b in (False, True) for a in (False, True)}


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
    time, in the order of the table's primary key (the order the store keeps them in, which a database reads
    without sorting them)."""
    query = view.select().order_by(None).order_by(*view.table.primary_key.columns)  # no sort to hold
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
