"""The canonical bytes of a log entry: one change to a table, encoded the one way docs/ledger.md specifies.

Equal values give equal bytes (map keys sorted, a decimal's trailing zeros and a float's sign of zero dropped,
times in UTC), different values different bytes, and :meth:`Entry.decode` gives back what was encoded. The
decoder lives with the other reading code in :mod:`natije.ledger.verify` (which a third party runs without
natije); this module writes.

Examples
--------
>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> encode_value({"b": Decimal("1.50"), "a": None}).hex(" ")
'4d 00 00 00 02 53 00 00 00 01 61 4e 53 00 00 00 01 62 45 00 00 00 05 31 35 45 2d 31'
>>> entry = Entry("insert", "observations", {"id": 7}, None, {"value": 2.5},
...               datetime(2026, 12, 7, tzinfo=UTC), "import 12", 3)
>>> Entry.decode(entry.encode()) == entry
True
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from natije.ledger.verify import (
    BYTES,
    DATE,
    DATETIME,
    DECIMAL,
    ENTRY_FIELDS,
    ENTRY_HEADER,
    FALSE,
    FLOAT,
    INT,
    LENGTH,
    LIST,
    MAP,
    MAX_DEPTH,
    NULL,
    STRING,
    TRUE,
    decode_entry,
    decode_value,
    format_time,
    leaf_hash,
)

__all__ = ["KINDS", "Entry", "decode_value", "encode_value"]

KINDS = ("insert", "update", "delete")
"""What a change did to a row: ``insert`` (no before), ``update`` (before, after), ``delete`` (no after)."""

_FLOAT = struct.Struct(">d")
Out = list[bytes]
_ENCODERS: dict[type, Callable[[Any, Out, int], None]] = {}


def _encodes(*types: type) -> Callable[[Callable[[Any, Out, int], None]], Callable[[Any, Out, int], None]]:
    def register(encoder: Callable[[Any, Out, int], None]) -> Callable[[Any, Out, int], None]:
        _ENCODERS.update(dict.fromkeys(types, encoder))
        return encoder

    return register


def _sized(out: Out, tag: bytes, payload: bytes) -> None:
    out += (tag, LENGTH.pack(len(payload)), payload)


@_encodes(type(None))
def _null(value: None, out: Out, depth: int) -> None:
    out.append(NULL)


@_encodes(bool)
def _bool(value: bool, out: Out, depth: int) -> None:
    out.append(TRUE if value else FALSE)


@_encodes(int)
def _int(value: int, out: Out, depth: int) -> None:
    # shortest two's complement: one sign bit on top of the magnitude's bits
    length = ((value if value >= 0 else ~value).bit_length() + 8) // 8
    _sized(out, INT, value.to_bytes(length, "big", signed=True))


@_encodes(float)
def _float(value: float, out: Out, depth: int) -> None:
    if math.isnan(value):
        raise ValueError("NaN has no canonical form: log a missing value as None")
    _sized(out, FLOAT, _FLOAT.pack(value + 0.0))  # + 0.0 turns -0.0 into 0.0


@_encodes(Decimal)
def _decimal(value: Decimal, out: Out, depth: int) -> None:
    sign, digits, exponent = value.as_tuple()
    if not value.is_finite():
        raise ValueError(f"{value} has no canonical form: decimals are finite numbers")
    coefficient = "".join(map(str, digits)).lstrip("0")
    significant = coefficient.rstrip("0")
    text = f"{'-' if sign else ''}{significant}E{int(exponent) + len(coefficient) - len(significant)}"
    _sized(out, DECIMAL, (text if significant else "0E0").encode())


@_encodes(str)
def _str(value: str, out: Out, depth: int) -> None:
    _sized(out, STRING, value.encode("utf-8"))


@_encodes(bytes, bytearray, memoryview)
def _bytes(value: bytes, out: Out, depth: int) -> None:
    _sized(out, BYTES, bytes(value))


@_encodes(date)
def _date(value: date, out: Out, depth: int) -> None:
    _sized(out, DATE, value.isoformat().encode())


@_encodes(datetime)
def _datetime(value: datetime, out: Out, depth: int) -> None:
    _sized(out, DATETIME, format_time(value).encode())


@_encodes(list, tuple)
def _list(value: list[Any], out: Out, depth: int) -> None:
    out += (LIST, LENGTH.pack(len(value)))
    for item in value:
        _encode(item, out, depth + 1)


@_encodes(dict)
def _map(value: Mapping[str, Any], out: Out, depth: int) -> None:
    if not all(isinstance(key, str) for key in value):
        raise TypeError("map keys are strings")
    out += (MAP, LENGTH.pack(len(value)))
    for key in sorted(value):  # code-point order, which is the order of the keys' UTF-8 bytes
        out.append(_key(key))
        _encode(value[key], out, depth + 1)


@lru_cache(maxsize=4096)
def _key(key: str) -> bytes:
    """A map key's bytes; column names repeat in every entry, so they are encoded once."""
    raw = key.encode("utf-8")
    return STRING + LENGTH.pack(len(raw)) + raw


def _encode(value: Any, out: Out, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"values nest at most {MAX_DEPTH} deep")
    kind = type(value)
    encoder = _ENCODERS.get(kind) or next((_ENCODERS[t] for t in kind.__mro__ if t in _ENCODERS), None)
    if encoder is None:
        raise TypeError(f"{kind.__name__} has no canonical form")
    encoder(value, out, depth)


def encode_value(value: Any) -> bytes:
    """The canonical bytes of ``value``: None, bool, int, float, Decimal, str, bytes, date, aware datetime, or
    lists/tuples and dicts (str keys) of these; subclasses (enums) encode as their base type.

    Raises ``TypeError`` for other types and naive datetimes, ``ValueError`` for NaN, infinite decimals and
    nesting deeper than 32.
    """
    out: Out = []
    _encode(value, out, 0)
    return b"".join(out)


@dataclass(frozen=True)
class Entry:
    """One change, as the log records it.

    ``key`` names the row (the table's key columns); ``before`` and ``after`` hold the logged columns' values;
    ``time`` is when the change was committed (aware, kept in UTC to the microsecond); ``actor`` who made it
    (``None`` when unknown); ``transaction`` the store's number for the write that made it (entries of one
    transaction are consecutive in the log).
    """

    kind: str
    table: str
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    time: datetime
    actor: str | None
    transaction: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r}: one of {', '.join(KINDS)}")
        if not isinstance(self.table, str) or not self.table:
            raise ValueError("table is a table's name")
        if not isinstance(self.key, dict) or not self.key:
            raise ValueError("key maps the key columns to their values")
        if (self.before is None) != (self.kind == "insert") or (self.after is None) != (
            self.kind == "delete"
        ):
            raise ValueError(f"{self.kind}: before is None for inserts only, after for deletes only")
        if not all(isinstance(v, dict) for v in (self.before, self.after) if v is not None):
            raise ValueError("before and after map columns to values")
        if self.actor is not None and not isinstance(self.actor, str):
            raise ValueError("actor is a name or None")
        if type(self.transaction) is not int or self.transaction < 0:
            raise ValueError("transaction is a number from 0")
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise TypeError("time is a datetime with a time zone")

    def encode(self) -> bytes:
        """The entry's canonical bytes: ``NJE\\x01`` then the map of its fields."""
        out: Out = [ENTRY_HEADER, MAP, LENGTH.pack(len(ENTRY_FIELDS))]
        for name in ENTRY_FIELDS:  # a map of the fields, written in key order without sorting them each time
            out.append(_key(name))
            _encode(getattr(self, name), out, 1)
        return b"".join(out)

    def leaf_hash(self) -> bytes:
        """The entry's leaf hash in the tree (RFC 9162: SHA-256 of 0x00 and the canonical bytes)."""
        return leaf_hash(self.encode())

    @classmethod
    def decode(cls, data: bytes) -> Entry:
        """The entry canonical bytes encode; raises ``VerificationError`` (reason ``malformed``) when they are
        not canonical, ``ValueError`` when the fields do not make an entry."""
        return cls(**decode_entry(data))
