"""The log replayed against the tables, one share of the rows at a time (so memory stays bounded).

Rows are shared out by a hash of their key: share ``part`` of ``parts`` holds the rows whose key's CRC-32 is
``part`` modulo ``parts``. A pass replays the entries of its share (an entry's key is found in its bytes
without decoding it: the fields after ``key`` are natije's own, never user text) and compares the rows of its
share; :func:`natije.services.ledger.verify` makes as many passes as the log's size asks for. Revisions go
with their observation's key.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, DateTime, text

from natije.ledger.canonical import encode_value
from natije.ledger.verify import VerificationError, decode_entry, decode_value
from natije.store.ledger_blocks import entries_between
from natije.store.ledger_observations import revisions_sql
from natije.store.ledger_views import VIEWS, logged_value

CHUNK = 10_000
REVISIONS = "observation_revisions"
OBSERVATION_KEY = VIEWS["observations"].key
_KEY, _KIND = encode_value("key"), encode_value("kind")
_TABLE, _TIME = encode_value("table"), encode_value("time")
_REVISIONS = encode_value(REVISIONS)


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


def _digest(value: Any) -> bytes:
    return hashlib.blake2b(encode_value(value), digest_size=16).digest()


def _state(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "revision"}


def _share(encoded_key: bytes, parts: int) -> int:
    return zlib.crc32(encoded_key) % parts


def _observation(row: dict[str, Any]) -> bytes:
    return encode_value({k: row[k] for k in OBSERVATION_KEY})


class Replay:
    """The state the log gives every row of one share, and the revisions it says exist."""

    def __init__(self, part: int = 0, parts: int = 1) -> None:
        self.part, self.parts = part, parts
        self.rows: dict[tuple[str, bytes], tuple[bytes, int]] = {}
        self.revisions: dict[bytes, list[int]] = {}
        self.findings: list[Finding] = []

    def take(self, entry: bytes, position: int, tx: int) -> None:
        """Replay ``entry`` if its row is of this share."""
        if self.parts > 1:
            start, stop = entry.rfind(_KEY), entry.rfind(_KIND)
            table = entry[entry.rfind(_TABLE) + len(_TABLE) : entry.rfind(_TIME)]
            if start > 0 and stop > start and table != _REVISIONS:
                if _share(entry[start + len(_KEY) : stop], self.parts) != self.part:
                    return
            elif start > 0 and stop > start:  # a revision's key holds more than its observation's
                fields = self._decode(entry, position)
                if fields is None or _share(_observation(fields["key"]), self.parts) != self.part:
                    return
            elif self.part:  # unreadable: reported once, by the first share
                return
        fields = self._decode(entry, position)
        if fields is None:
            return
        if fields["transaction"] != tx:
            self.findings.append(Finding("order", "ledger_blocks", position=position))
        self.apply(fields, position)

    def _decode(self, entry: bytes, position: int) -> dict[str, Any] | None:
        try:
            return decode_entry(entry)
        except (VerificationError, ValueError):
            if self.part == 0:
                self.findings.append(Finding("entry", "ledger_blocks", position=position))
            return None

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

    def compare(self, conn: Connection) -> list[Finding]:
        """Every row of this share in the tables against the replayed state: inserted, altered, deleted."""
        found: list[Finding] = []
        for view in VIEWS.values():
            for row in _stream(conn, view.select()):
                key, values = view.split(row)
                encoded = encode_value(key)
                if self.parts > 1 and _share(encoded, self.parts) != self.part:
                    continue
                held = self.rows.pop((view.name, encoded), None)
                if held is None:
                    found.append(Finding("inserted", view.name, key))
                elif held[0] != _digest(values):
                    found.append(
                        Finding("altered", view.name, key, held[1], _differing(conn, held[1], values))
                    )
        for (table, gone), (_, position) in sorted(self.rows.items(), key=lambda item: item[1][1]):
            found.append(Finding("deleted", table, decode_value(gone), position))
        query = text(revisions_sql("ORDER BY r.id")).columns(recorded_at=DateTime())
        for row in _stream(conn, query):
            if self.parts > 1 and _share(_observation(row), self.parts) != self.part:
                continue
            positions = self.revisions.get(encode_value(row))
            if positions:
                positions.pop()
            else:
                found.append(Finding("inserted", REVISIONS, row))
        for encoded_row, positions in self.revisions.items():
            found += [Finding("deleted", REVISIONS, decode_value(encoded_row), p) for p in positions]
        return found


def _stream(conn: Connection, query: Any) -> Iterator[dict[str, Any]]:
    result = conn.execute(query, execution_options={"yield_per": CHUNK}).mappings()
    for row in result:
        yield {name: logged_value(value) for name, value in row.items()}


def _differing(conn: Connection, position: int, values: dict[str, Any]) -> tuple[str, ...]:
    [(_, _, raw)] = entries_between(conn, position, position + 1)
    logged = _state(decode_entry(raw)["after"])
    differ = (
        c for c in logged.keys() | values.keys() if encode_value(logged.get(c)) != encode_value(values.get(c))
    )
    return tuple(sorted(differ))
