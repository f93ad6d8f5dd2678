"""Check natije's history without natije: proofs, checkpoints and log entries (docs/ledger.md).

This one file needs only the Python standard library and ``cryptography``; copy it anywhere and run::

    python verify.py inclusion CHECKPOINT PROOF.json --key LOG_KEY.pem
    python verify.py consistency OLD_CHECKPOINT NEW_CHECKPOINT PROOF.json --key LOG_KEY.pem

It holds the reading side of every public format of the log (RFC 9162 leaf and node hashes, the canonical
entry decoder, the checkpoint and its signature, the JSON proof files) and the checks. natije imports these
same functions, so what natije checks and what anyone else checks is one piece of code; that is why the file
is longer than a module usually is, and why it imports nothing of natije. Its messages are English only.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import math
import re
import struct
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# --- errors -------------------------------------------------------------------------------------------------

REASONS = ("file", "malformed", "out_of_range", "proof_size", "mismatch", "signature")


class VerificationError(Exception):
    """Something did not verify. ``reason`` is one of :data:`REASONS`; ``detail`` says what, in English."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# --- RFC 9162 §2.1: hashes ----------------------------------------------------------------------------------

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one leaf."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_hashes(hashes: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise VerificationError("malformed", f"a hash is not {HASH_SIZE} bytes long")


def _shift_to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """Shift both right until the lowest bit of ``fn`` is set or ``fn`` is 0 (RFC 9162 §2.1.3.2 step 4b)."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root hash an inclusion proof leads to (RFC 9162 §2.1.3.2); raises when its length is wrong."""
    if not 0 <= index < size:
        raise VerificationError("out_of_range", f"index {index} is not below the tree size {size}")
    _check_hashes([leaf, *proof])
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationError("proof_size", "the inclusion proof has more hashes than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_set_bit(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("proof_size", "the inclusion proof has fewer hashes than the tree is high")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise :class:`VerificationError` unless ``leaf`` is leaf ``index`` of the tree ``(size, root)``."""
    _check_hashes([root])
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise VerificationError("mismatch", "the inclusion proof leads to another root hash")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`VerificationError` unless the tree of ``second`` leaves extends the tree of ``first``.

    RFC 9162 §2.1.4.2; a tree is consistent with itself (empty proof, same root) and every tree extends the
    empty tree (empty proof, whose root must be SHA-256 of nothing).
    """
    if not 0 <= first <= second:
        raise VerificationError("out_of_range", f"size {first} is not between 0 and the later size {second}")
    _check_hashes([first_root, second_root, *proof])
    if first in (0, second):
        if proof:
            raise VerificationError("proof_size", "a proof from the empty tree or to the same size is empty")
        if first_root != (EMPTY_ROOT if first == 0 else second_root):
            raise VerificationError("mismatch", "the root hashes differ where they must be equal")
        return
    if not proof:
        raise VerificationError("proof_size", "the consistency proof is empty")
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("proof_size", "the consistency proof has more hashes than it should")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_to_set_bit(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("proof_size", "the consistency proof has fewer hashes than it should")
    if fr != first_root or sr != second_root:
        raise VerificationError("mismatch", "the consistency proof leads to other root hashes")


# --- canonical entries: the decoder (the encoder is natije.ledger.canonical) --------------------------------

ENTRY_HEADER = b"NJE\x01"
ENTRY_FIELDS = ("actor", "after", "before", "key", "kind", "table", "time", "transaction")
MAX_DEPTH = 32
NULL, FALSE, TRUE = b"N", b"F", b"T"
INT, FLOAT, DECIMAL, STRING, BYTES, DATE, DATETIME = b"I", b"R", b"E", b"S", b"B", b"D", b"Z"
LIST, MAP = b"L", b"M"
LENGTH = struct.Struct(">I")
_DECIMAL_TEXT = re.compile(r"0E0|-?[1-9](?:[0-9]*[1-9])?E(?:0|-?[1-9][0-9]*)")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_NEGATIVE_ZERO = struct.pack(">d", -0.0)


def _malformed(what: str) -> VerificationError:
    return VerificationError("malformed", f"not a canonical entry: {what}")


def format_time(moment: datetime) -> str:
    """An aware datetime as UTC text with microseconds: ``2026-12-07T18:32:38.000000Z``."""
    if moment.utcoffset() is None:
        raise TypeError("a time without a time zone is ambiguous: give it one (UTC)")
    try:  # isoformat, not strftime: strftime writes year 5 as "5" on some platforms
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    except OverflowError as exc:
        raise ValueError(f"{moment!r} is outside the years 1 to 9999 in UTC") from exc


def parse_time(text: str) -> datetime:
    """The inverse of :func:`format_time`; raises :class:`VerificationError` on any other text."""
    if not _DATETIME_TEXT.fullmatch(text):
        raise _malformed(f"time {text!r}")
    try:
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    except ValueError as exc:
        raise _malformed(f"time {text!r}") from exc


class _Reader:
    """A position in bytes being decoded."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise _malformed("the bytes end inside a value")
        chunk, self.pos = self.data[self.pos : end], end
        return chunk

    def count(self) -> int:
        n: int = LENGTH.unpack(self.take(4))[0]
        if n > len(self.data) - self.pos:  # every value takes at least one byte
            raise _malformed("a length runs past the end")
        return n


def _int(p: bytes) -> int:
    if not p or len(p) > 1 and (p[0] == 0 and p[1] < 0x80 or p[0] == 0xFF and p[1] >= 0x80):
        raise _malformed("an integer is not in its shortest form")
    return int.from_bytes(p, "big", signed=True)


def _float(p: bytes) -> float:
    if len(p) != 8 or p == _NEGATIVE_ZERO:
        raise _malformed("a float is not 8 bytes or is -0.0")
    value: float = struct.unpack(">d", p)[0]
    if math.isnan(value):
        raise _malformed("a float is NaN")
    return value


def _decimal(p: bytes) -> Decimal:
    text = p.decode("ascii", "replace")
    if not _DECIMAL_TEXT.fullmatch(text):
        raise _malformed(f"decimal {text!r}")
    return Decimal(text)


def _text(p: bytes) -> str:
    try:
        return p.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed("a string is not UTF-8") from exc


def _date(p: bytes) -> date:
    text = p.decode("ascii", "replace")
    try:
        if _DATE_TEXT.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise _malformed(f"date {text!r}")


_SCALARS: dict[bytes, Callable[[bytes], Any]] = {
    INT: _int,
    FLOAT: _float,
    DECIMAL: _decimal,
    STRING: _text,
    BYTES: bytes,
    DATE: _date,
    DATETIME: lambda p: parse_time(p.decode("ascii", "replace")),
}
_CONSTANTS: dict[bytes, Any] = {NULL: None, FALSE: False, TRUE: True}


def _value(reader: _Reader, depth: int) -> Any:
    tag = reader.take(1)
    if tag in _CONSTANTS:
        return _CONSTANTS[tag]
    if tag in _SCALARS:
        return _SCALARS[tag](reader.take(reader.count()))
    if tag not in (LIST, MAP) or depth >= MAX_DEPTH:
        raise _malformed(f"tag {tag!r} at byte {reader.pos - 1}")
    n = reader.count()
    if tag == LIST:
        return [_value(reader, depth + 1) for _ in range(n)]
    mapping, last = {}, None
    for _ in range(n):
        if reader.take(1) != STRING:
            raise _malformed("a map key is not a string")
        raw = reader.take(reader.count())
        if last is not None and raw <= last:
            raise _malformed("map keys are not in increasing order")
        mapping[_text(raw)], last = _value(reader, depth + 1), raw
    return mapping


def decode_value(data: bytes) -> Any:
    """The value canonical bytes encode; raises :class:`VerificationError` on any non-canonical bytes."""
    reader = _Reader(data)
    value = _value(reader, 0)
    if reader.pos != len(data):
        raise _malformed("bytes after the value")
    return value


def decode_entry(data: bytes) -> dict[str, Any]:
    """The fields of a log entry (header ``NJE\\x01`` and a map of exactly :data:`ENTRY_FIELDS`)."""
    if not data.startswith(ENTRY_HEADER):
        raise _malformed("no entry header")
    fields = decode_value(data[len(ENTRY_HEADER) :])
    if not isinstance(fields, dict) or tuple(fields) != ENTRY_FIELDS:
        raise _malformed(f"an entry is a map of the fields {', '.join(ENTRY_FIELDS)}")
    return fields


Span = tuple[int, int, int]
"""Where a map's pair is in the bytes: the start of its key, the start of its value, the end of its value."""

_TAG_CONSTANTS = frozenset(tag[0] for tag in _CONSTANTS)
_TAG_LIST, _TAG_MAP, _TAG_STRING = LIST[0], MAP[0], STRING[0]
_U32 = LENGTH.unpack_from


def _payload_check(tag: bytes, check: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    if tag in (DECIMAL, DATE, DATETIME):  # parsed texts, the same ones from entry to entry: checked once
        return lru_cache(maxsize=4096)(check)
    return check


_TAG_CHECKS: dict[int, Callable[[bytes], Any]] = {t[0]: _payload_check(t, c) for t, c in _SCALARS.items()}
_KEYS_SEEN: set[bytes] = set()
"""Map keys known to be UTF-8: column names, the same in every entry."""


def _skip(
    data: bytes,
    pos: int,
    depth: int,
    pairs: dict[bytes, Span] | None = None,
    inner: dict[bytes, dict[bytes, Span] | None] | None = None,
) -> int:
    """Check the value at ``pos`` as :func:`decode_value` does, without building it; its end. When it is a map
    and ``pairs`` is given, each of its keys (raw bytes) is recorded there with its :data:`Span`; when
    ``inner`` is given too, each of its values gets its own pairs there (``None``: not a map).

    The values inside a list or map that are not lists or maps are checked here rather than by a call each
    (most values of an entry are), which is what makes this several times faster than decoding."""
    size = len(data)
    if pos >= size:
        raise _malformed("the bytes end inside a value")
    tag = data[pos]
    if tag in _TAG_CONSTANTS:
        return pos + 1
    if pos + 5 > size:
        raise _malformed("the bytes end inside a value")
    n: int = _U32(data, pos + 1)[0]
    pos += 5
    if n > size - pos:
        raise _malformed("a length runs past the end")
    check = _TAG_CHECKS.get(tag)
    if check is not None:
        check(data[pos : pos + n])
        return pos + n
    if tag not in (_TAG_LIST, _TAG_MAP) or depth >= MAX_DEPTH:
        raise _malformed(f"tag {bytes((tag,))!r} at byte {pos - 5}")
    is_map, last = tag == _TAG_MAP, None
    for _ in range(n):
        start = pos
        if is_map:
            if pos + 5 > size or data[pos] != _TAG_STRING:
                raise _malformed("a map key is not a string")
            length: int = _U32(data, pos + 1)[0]
            pos += 5
            if length > size - pos:
                raise _malformed("a length runs past the end")
            raw = data[pos : pos + length]
            pos += length
            if last is not None and raw <= last:
                raise _malformed("map keys are not in increasing order")
            if raw not in _KEYS_SEEN:
                _text(raw)
                if len(_KEYS_SEEN) < 4096:
                    _KEYS_SEEN.add(raw)
            last = raw
        value = pos
        if pos >= size:
            raise _malformed("the bytes end inside a value")
        tag = data[pos]
        if tag in _TAG_CONSTANTS:
            pos += 1
        elif (check := _TAG_CHECKS.get(tag)) is not None:  # a scalar, checked in place
            if pos + 5 > size:
                raise _malformed("the bytes end inside a value")
            length = _U32(data, pos + 1)[0]
            pos += 5
            if length > size - pos:
                raise _malformed("a length runs past the end")
            if tag == _TAG_STRING:
                try:
                    data[pos : pos + length].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _malformed("a string is not UTF-8") from exc
            else:
                check(data[pos : pos + length])
            pos += length
        elif inner is None or not is_map:
            pos = _skip(data, pos, depth + 1)
        else:
            nested: dict[bytes, Span] = {}
            pos = _skip(data, pos, depth + 1, nested)
            inner[raw] = nested if tag == _TAG_MAP else None
        if pairs is not None and is_map:
            pairs[raw] = (start, value, pos)
            if inner is not None and raw not in inner:
                inner[raw] = None
    return pos


def map_pairs(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, Span] | None:
    """The pairs of the map encoded in ``data[start:end]`` (each key's raw bytes and :data:`Span`), checked
    as :func:`decode_value` checks them; ``None`` when the value there is another type (null, a list, …)."""
    end = len(data) if end is None else end
    pairs: dict[bytes, Span] = {}
    if _skip(data[:end], start, 0, pairs) != end:
        raise _malformed("bytes after the value")
    return pairs if data[start] == MAP[0] else None


_ENTRY_KEYS = tuple(name.encode() for name in ENTRY_FIELDS)
_ENTRY_START = ENTRY_HEADER + MAP + LENGTH.pack(len(ENTRY_FIELDS))


def entry_spans(data: bytes) -> tuple[dict[bytes, Span], dict[bytes, dict[bytes, Span] | None]]:
    """Where each field of a log entry is in its bytes (keys as in :data:`ENTRY_FIELDS`, encoded), and the
    pairs of each field that is a map (``None`` for the others), the entry checked as :func:`decode_entry`
    checks it, without building its values: a reader that needs only some fields, or digests of them, skips
    the cost of decoding the rest.
    """
    if not data.startswith(ENTRY_HEADER):
        raise _malformed("no entry header")
    spans: dict[bytes, Span] = {}
    maps: dict[bytes, dict[bytes, Span] | None] = {}
    if _skip(data, len(ENTRY_HEADER), 0, spans, maps) != len(data):
        raise _malformed("bytes after the value")
    if not data.startswith(_ENTRY_START) or tuple(spans) != _ENTRY_KEYS:
        raise _malformed(f"an entry is a map of the fields {', '.join(ENTRY_FIELDS)}")
    return spans, maps


def entry_json(fields: dict[str, Any]) -> str:
    """A decoded entry as indented JSON for people: decimals, dates, times as text, bytes as hex."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime):
            return format_time(value)
        return value.isoformat() if isinstance(value, date) else value.hex()

    return json.dumps(fields, default=plain, ensure_ascii=False, indent=1)


# --- checkpoints: the signed tree head, a C2SP signed note --------------------------------------------------

SIGNATURE_DASH = "\u2014 "
ED25519 = b"\x01"


@dataclass(frozen=True)
class Checkpoint:
    """The log ``origin`` had ``size`` entries with ``root`` (RFC 9162 tree hash) at ``time``."""

    origin: str
    size: int
    root: bytes
    time: datetime

    def __post_init__(self) -> None:
        if not self.origin or not self.origin.isprintable() or self.origin != self.origin.strip():
            raise ValueError(f"origin {self.origin!r}: one line of printable text without outer spaces")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"size {self.size!r} is not a count")
        if len(self.root) != HASH_SIZE:
            raise ValueError(f"a root hash is {HASH_SIZE} bytes")
        format_time(self.time)

    def body(self) -> str:
        """The signed text: origin, size, base64 root, ``time`` line, each ending in a newline."""
        root = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{root}\ntime {format_time(self.time)}\n"

    @classmethod
    def from_body(cls, body: str) -> Checkpoint:
        """Parse :meth:`body` text; anything that does not print back identically is refused."""
        lines = body.split("\n")
        if len(lines) != 5 or lines[4] or not lines[3].startswith("time ") or not lines[1].isdigit():
            raise VerificationError("malformed", "a checkpoint is origin, size, root hash and time lines")
        try:
            root = base64.b64decode(lines[2], validate=True)
            checkpoint = cls(lines[0], int(lines[1]), root, parse_time(lines[3][5:]))
        except (binascii.Error, ValueError) as exc:
            raise VerificationError("malformed", f"checkpoint: {exc}") from exc
        if checkpoint.body() != body:
            raise VerificationError("malformed", "the checkpoint is not in its canonical form")
        return checkpoint


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4 bytes that name a signer in a note: SHA-256(name || 0x0A || 0x01 || raw public key)[:4]."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw).digest()[:4]


def verify_checkpoint(note: str, public_key: Ed25519PublicKey, name: str | None = None) -> Checkpoint:
    """The checkpoint of a signed note, once a signature by ``public_key`` under ``name`` verifies.

    ``name`` is the key's name in the signature lines, by default the checkpoint's origin.
    """
    body, blank, signatures = note.partition("\n\n")
    if not blank or not signatures.endswith("\n"):
        raise VerificationError("malformed", "a signed checkpoint is its text, a blank line, signature lines")
    body += "\n"
    checkpoint = Checkpoint.from_body(body)
    name = checkpoint.origin if name is None else name
    wanted = key_id(name, public_key)
    for line in signatures[:-1].split("\n"):
        signer, _, encoded = line.removeprefix(SIGNATURE_DASH).rpartition(" ")
        if not line.startswith(SIGNATURE_DASH) or not signer:
            raise VerificationError("malformed", f"not a signature line: {line!r}")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise VerificationError("malformed", f"signature of {signer!r} is not base64") from exc
        if base64.b64encode(signature).decode() != encoded:  # unused low bits of the last digit set
            raise VerificationError("malformed", f"signature of {signer!r} is not canonical base64")
        if signer == name and signature[:4] == wanted:
            try:
                public_key.verify(signature[4:], body.encode())
            except InvalidSignature as exc:
                raise VerificationError("signature", f"the signature by {name!r} does not verify") from exc
            return checkpoint
    raise VerificationError("signature", f"the checkpoint carries no signature by the key {name!r}")


# --- proof files (JSON) -------------------------------------------------------------------------------------

INCLUSION_FORMAT = "natije-inclusion-proof/1"
CONSISTENCY_FORMAT = "natije-consistency-proof/1"


def _load_json(text: str, fmt: str, counts: tuple[str, ...], others: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a proof file of format ``fmt``: exactly ``counts`` (integers >= 0) and ``others``."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise VerificationError("malformed", f"not JSON: {exc}") from exc
    fields = ("format", *counts, *others)
    if not isinstance(data, dict) or data.get("format") != fmt or sorted(data) != sorted(fields):
        raise VerificationError("malformed", f"a {fmt} file has the fields {', '.join(fields)}")
    if any(type(data[field]) is not int or data[field] < 0 for field in counts):
        raise VerificationError("malformed", f"{' and '.join(counts)} are counts (integers from 0)")
    return data


def _hashes(value: Any) -> tuple[bytes, ...]:
    if not isinstance(value, list) or not all(
        isinstance(h, str) and re.fullmatch("[0-9a-f]{64}", h) for h in value
    ):
        raise VerificationError("malformed", "hashes is a list of 64 lowercase hex digits each")
    return tuple(bytes.fromhex(h) for h in value)


@dataclass(frozen=True)
class InclusionProof:
    """Entry ``entry`` (canonical bytes) is leaf ``index`` of the tree of ``tree_size`` leaves."""

    tree_size: int
    index: int
    entry: bytes
    hashes: tuple[bytes, ...]

    def to_json(self) -> str:
        """The proof file's text (docs/ledger.md)."""
        data = {"format": INCLUSION_FORMAT, "tree_size": self.tree_size, "index": self.index}
        data |= {"entry": base64.b64encode(self.entry).decode(), "hashes": [h.hex() for h in self.hashes]}
        return json.dumps(data, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> InclusionProof:
        """Read a proof file; raises :class:`VerificationError` when it is not one."""
        data = _load_json(text, INCLUSION_FORMAT, ("tree_size", "index"), ("entry", "hashes"))
        try:
            entry = base64.b64decode(data["entry"], validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise VerificationError("malformed", "entry is not base64") from exc
        return cls(data["tree_size"], data["index"], entry, _hashes(data["hashes"]))

    def verify(self, checkpoint: Checkpoint) -> dict[str, Any]:
        """The entry's fields, once the proof shows it in the tree of ``checkpoint``."""
        if checkpoint.size != self.tree_size:
            raise VerificationError(
                "mismatch", f"proof for size {self.tree_size}, checkpoint {checkpoint.size}"
            )
        verify_inclusion(self.index, self.tree_size, leaf_hash(self.entry), self.hashes, checkpoint.root)
        return decode_entry(self.entry)


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of ``second_size`` leaves extends the tree of its first ``first_size`` leaves."""

    first_size: int
    second_size: int
    hashes: tuple[bytes, ...]

    def to_json(self) -> str:
        """The proof file's text (docs/ledger.md)."""
        data = {"format": CONSISTENCY_FORMAT, "first_size": self.first_size, "second_size": self.second_size}
        return json.dumps(data | {"hashes": [h.hex() for h in self.hashes]}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ConsistencyProof:
        """Read a proof file; raises :class:`VerificationError` when it is not one."""
        data = _load_json(text, CONSISTENCY_FORMAT, ("first_size", "second_size"), ("hashes",))
        return cls(data["first_size"], data["second_size"], _hashes(data["hashes"]))

    def verify(self, first: Checkpoint, second: Checkpoint) -> None:
        """Raise unless ``second`` extends ``first`` (same origin, sizes as in the proof)."""
        if first.origin != second.origin:
            raise VerificationError(
                "mismatch", f"checkpoints of two logs: {first.origin!r}, {second.origin!r}"
            )
        if (first.size, second.size) != (self.first_size, self.second_size):
            raise VerificationError("mismatch", "the proof's sizes are not the checkpoints' sizes")
        verify_consistency(first.size, second.size, first.root, second.root, self.hashes)


# --- the command line ---------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VerificationError("file", f"cannot read {path}: {exc}") from exc


def _public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path).encode())
    except ValueError as exc:
        raise VerificationError("file", f"{path} is not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise VerificationError("file", f"{path} is not an Ed25519 public key")
    return key


def _checkpoint(path: Path, key: Ed25519PublicKey, name: str | None) -> Checkpoint:
    return verify_checkpoint(_read(path), key, name)


def _run(args: argparse.Namespace) -> str:
    key = _public_key(args.key)
    if args.command == "inclusion":
        checkpoint = _checkpoint(args.checkpoint, key, args.name)
        proof = InclusionProof.from_json(_read(args.proof))
        fields = proof.verify(checkpoint)
        head = f"OK: entry {proof.index} is in {checkpoint.origin} at size {checkpoint.size}"
        return f"{head} ({format_time(checkpoint.time)})\n{entry_json(fields)}"
    old, new = _checkpoint(args.old, key, args.name), _checkpoint(args.new, key, args.name)
    ConsistencyProof.from_json(_read(args.proof)).verify(old, new)
    return f"OK: {new.origin} at size {new.size} extends its checkpoint at size {old.size}"


def main(argv: Sequence[str] | None = None) -> int:
    """Verify a proof file against signed checkpoints; exit 0 when it verifies, 1 when not, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="verify.py", description="Verify proofs of a natije log (RFC 9162)."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--key", type=Path, required=True, help="the log's Ed25519 public key (PEM)")
    common.add_argument("--name", help="the key's name in the signatures (default: the checkpoint's origin)")
    commands = parser.add_subparsers(dest="command", required=True)
    inclusion = commands.add_parser("inclusion", parents=[common], help="an entry is in a checkpoint's tree")
    inclusion.add_argument("checkpoint", type=Path)
    inclusion.add_argument("proof", type=Path)
    consistency = commands.add_parser(
        "consistency", parents=[common], help="a checkpoint extends an older one"
    )
    consistency.add_argument("old", type=Path)
    consistency.add_argument("new", type=Path)
    consistency.add_argument("proof", type=Path)
    args = parser.parse_args(argv)
    try:
        print(_run(args))
    except VerificationError as exc:
        print(f"FAILED ({exc.reason}): {exc.detail}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
