"""Canonical entries: fixed bytes for each type, round trips, equal values equal bytes, strict decoding."""

from __future__ import annotations

import enum
import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.ledger.canonical import Entry, decode_value, encode_value
from natije.ledger.verify import VerificationError, decode_entry

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-3, minutes=-30))])
TIMES = st.datetimes(timezones=st.just(UTC)) | st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**200), max_value=2**200)
    | st.floats(allow_nan=False)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.binary()
    | st.dates()
    | TIMES
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
MAPS = st.dictionaries(st.text(min_size=1, max_size=12), SCALARS, max_size=6)


@pytest.mark.parametrize(
    ("value", "hex_bytes"),
    [
        (None, "4e"),
        (False, "46"),
        (True, "54"),
        (0, "49 00000001 00"),
        (127, "49 00000001 7f"),
        (128, "49 00000002 0080"),
        (-128, "49 00000001 80"),
        (-129, "49 00000002 ff7f"),
        (2.5, "52 00000008 4004000000000000"),
        (-0.0, "52 00000008 0000000000000000"),
        (math.inf, "52 00000008 7ff0000000000000"),
        (Decimal("1.50"), "45 00000005 3135452d31"),  # "15E-1"
        (Decimal(-1200), "45 00000005 2d31324532"),  # "-12E2"
        (Decimal("-0.000"), "45 00000003 304530"),  # "0E0"
        ("қ", "53 00000002 d29b"),
        (b"\x00\xff", "42 00000002 00ff"),
        (date(2024, 3, 1), "44 0000000a" + b"2024-03-01".hex()),
        (date(5, 1, 2), "44 0000000a" + b"0005-01-02".hex()),
        (datetime(5, 1, 2, 3, 4, 5, 6, tzinfo=UTC), "5a 0000001b" + b"0005-01-02T03:04:05.000006Z".hex()),
        (
            datetime(2024, 3, 1, 5, tzinfo=timezone(timedelta(hours=5))),
            "5a 0000001b" + b"2024-03-01T00:00:00.000000Z".hex(),
        ),
        ([1, None], "4c 00000002 49 00000001 01 4e"),
        ({"b": 1, "a": None}, "4d 00000002 53 00000001 61 4e 53 00000001 62 49 00000001 01"),
    ],
)
def test_each_type_has_the_bytes_the_spec_gives(value: Any, hex_bytes: str) -> None:
    assert encode_value(value).hex() == hex_bytes.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_decoding_gives_back_the_value_and_reencoding_the_bytes(value: Any) -> None:
    data = encode_value(value)
    assert decode_value(data) == value
    assert encode_value(decode_value(data)) == data


def _same_value_written_otherwise(value: Any) -> Any:
    """An equal value in another form: keys in reverse order, decimals padded with zeros, times in +05:00,
    zeros with the other sign, tuples for lists."""
    if isinstance(value, dict):
        return {k: _same_value_written_otherwise(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return tuple(_same_value_written_otherwise(v) for v in value)
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        return Decimal((1 - sign if value.is_zero() else sign, (*digits, 0, 0), int(exponent) - 2))
    if isinstance(value, datetime):
        return value.astimezone(timezone(timedelta(hours=5)))
    if isinstance(value, float) and value == 0:
        return -value
    return value


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_equal_values_give_equal_bytes(value: Any) -> None:
    other = _same_value_written_otherwise(value)
    assert encode_value(other) == encode_value(value)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.data())
def test_bytes_changed_anywhere_are_refused_or_still_canonical(value: Any, data: st.DataObject) -> None:
    encoded = bytearray(encode_value(value))
    at = data.draw(st.integers(0, len(encoded) - 1))
    encoded[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(encoded)))
    for changed in (bytes(encoded), bytes(encoded[:cut]), bytes(encoded) + b"N"):
        try:
            decoded = decode_value(changed)
        except VerificationError as exc:
            assert exc.reason == "malformed"
        else:
            assert encode_value(decoded) == changed


@pytest.mark.parametrize(
    "data",
    [
        "49 00000002 0001",  # an integer with a redundant byte
        "49 00000002 ffff",
        "49 00000000",
        "52 00000008 8000000000000000",  # -0.0
        "52 00000008 7ff8000000000000",  # NaN
        "45 00000004 313045 30",  # "10E0": a trailing zero in the coefficient
        "45 00000005 2d3045 3030",  # "-0E00"
        "53 00000001 ff",  # not UTF-8
        "44 0000000a" + b"2024-02-30".hex(),
        "5a 0000001a" + b"2024-03-01T00:00:00.00000Z".hex(),
        "4d 00000002 53 00000001 62 4e 53 00000001 61 4e",  # keys out of order
        "4d 00000002 53 00000001 61 4e 53 00000001 61 4e",  # a key twice
        "4d 00000001 49 00000001 01 4e",  # a key that is not a string
        "4c ffffffff",
        "4e 4e",
        "58",
    ],
)
def test_non_canonical_bytes_are_refused(data: str) -> None:
    with pytest.raises(VerificationError, match="not a canonical entry"):
        decode_value(bytes.fromhex(data.replace(" ", "")))


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def test_values_without_a_canonical_form_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        encode_value([1.0, math.nan])
    with pytest.raises(ValueError, match="finite"):
        encode_value(Decimal("Infinity"))
    with pytest.raises(TypeError, match="time zone"):
        encode_value(datetime(2024, 1, 1))
    with pytest.raises(TypeError, match="keys"):
        encode_value({1: "a"})
    with pytest.raises(TypeError, match="set"):
        encode_value({1, 2})
    encode_value(_nested(32))
    with pytest.raises(ValueError, match="deep"):
        encode_value(_nested(33))


def test_enums_encode_as_their_value() -> None:
    class Kind(enum.StrEnum):
        STATE = "state_program"

    class Level(enum.IntEnum):
        TOP = 3

    assert encode_value([Kind.STATE, Level.TOP]) == encode_value(["state_program", 3])


ENTRIES = st.builds(
    Entry,
    kind=st.just("update"),
    table=st.sampled_from(
        ["programs", "commitments", "observations", "observation_revisions", "budget_lines"]
    ),
    key=MAPS.filter(bool),
    before=MAPS,
    after=MAPS,
    time=TIMES,
    actor=st.none() | st.text(),
    transaction=st.integers(min_value=0),
)


@settings(max_examples=200, deadline=None)
@given(ENTRIES)
def test_an_entry_round_trips(entry: Entry) -> None:
    data = entry.encode()
    assert data.startswith(b"NJE\x01")
    assert Entry.decode(data) == entry and Entry.decode(data).encode() == data
    assert list(decode_entry(data)) == [
        "actor",
        "after",
        "before",
        "key",
        "kind",
        "table",
        "time",
        "transaction",
    ]


def test_an_entry_is_checked_when_made() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    good = {"kind": "insert", "table": "t", "key": {"id": 1}, "before": None, "after": {}, "time": now}
    Entry(**good, actor=None, transaction=0)
    for change in (
        {"kind": "upsert"},
        {"table": ""},
        {"key": {}},
        {"before": {}},
        {"after": None},
        {"kind": "delete"},
        {"time": datetime(2026, 12, 7)},
    ):
        with pytest.raises((ValueError, TypeError)):
            Entry(**(good | change), actor=None, transaction=0)
    with pytest.raises(ValueError):
        Entry(**good, actor=None, transaction=-1)
    with pytest.raises(VerificationError):
        Entry.decode(b"NJE\x02" + Entry(**good, actor=None, transaction=0).encode()[4:])
    with pytest.raises(VerificationError):
        Entry.decode(b"NJE\x01" + encode_value({"kind": "insert"}))
