"""The span reader (``entry_spans``, ``map_pairs``) refuses exactly what the decoder refuses and finds each
field's bytes, so verification may read entries by their spans without being any weaker."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_canonical import ENTRIES, VALUES

from natije.ledger.canonical import Entry, encode_value
from natije.ledger.verify import (
    ENTRY_HEADER,
    VerificationError,
    decode_entry,
    decode_value,
    entry_spans,
    map_pairs,
)


def _same_verdict(data: bytes) -> None:
    """``entry_spans`` accepts ``data`` if and only if ``decode_entry`` does, and then agrees with it."""
    try:
        fields = decode_entry(data)
    except VerificationError:
        with pytest.raises(VerificationError, match="not a canonical entry"):
            entry_spans(data)
        return
    spans, maps = entry_spans(data)
    assert [name.decode() for name in spans] == list(fields)
    for name, (start, value, end) in spans.items():
        assert decode_value(data[value:end]) == fields[name.decode()]
        assert data[start:value] == encode_value(name.decode())
        inner = fields[name.decode()]
        if isinstance(inner, dict):
            pairs = maps[name]
            assert pairs is not None and [k.decode() for k in pairs] == list(inner)
            for key, (k_start, v_start, v_end) in pairs.items():
                assert data[k_start:v_start] == encode_value(key.decode())
                assert decode_value(data[v_start:v_end]) == inner[key.decode()]
        else:
            assert maps[name] is None


@settings(max_examples=300, deadline=None)
@given(ENTRIES, st.data())
def test_an_entry_changed_anywhere_is_refused_by_both_readers_or_by_neither(
    entry: Entry, data: st.DataObject
) -> None:
    encoded = bytearray(entry.encode())
    _same_verdict(bytes(encoded))
    at = data.draw(st.integers(0, len(encoded) - 1))
    encoded[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(encoded)))
    for changed in (bytes(encoded), bytes(encoded[:cut]), bytes(encoded) + b"N"):
        _same_verdict(changed)


@settings(max_examples=200, deadline=None)
@given(VALUES, st.data())
def test_any_value_in_an_entry_is_checked_as_the_decoder_checks_it(value: Any, data: st.DataObject) -> None:
    fields = {"actor": None, "after": value, "before": None, "key": {"id": 1}, "kind": "update"}
    fields |= {"table": "t", "time": None, "transaction": 0}
    encoded = bytearray(ENTRY_HEADER + encode_value(fields))
    _same_verdict(bytes(encoded))
    at = data.draw(st.integers(len(ENTRY_HEADER), len(encoded) - 1))
    encoded[at] = data.draw(st.integers(0, 255))
    _same_verdict(bytes(encoded))


@pytest.mark.parametrize(
    "value",
    [
        "49 00000002 0001",  # an integer with a redundant byte
        "52 00000008 8000000000000000",  # -0.0
        "52 00000008 7ff8000000000000",  # NaN
        "45 00000004 313045 30",  # "10E0"
        "53 00000001 ff",  # not UTF-8
        "44 0000000a" + b"2024-02-30".hex(),
        "5a 0000001a" + b"2024-03-01T00:00:00.00000Z".hex(),
        "4d 00000002 53 00000001 62 4e 53 00000001 61 4e",  # keys out of order
        "4d 00000001 53 00000001 ff 4e",  # a key that is not UTF-8
        "4d 00000001 49 00000001 01 4e",  # a key that is not a string
        "4c 00000001 58",  # an unknown tag
    ],
)
def test_a_non_canonical_value_deep_in_an_entry_is_refused(value: str) -> None:
    after = "4d 00000002 53 00000001 61 4c 00000001 " + value + " 53 00000001 62 4e"
    fields = {"actor": None, "after": None, "before": None, "key": {"id": 1}, "kind": "update"}
    fields |= {"table": "t", "time": None, "transaction": 0}
    good = ENTRY_HEADER + encode_value(fields)
    null_after = encode_value("after") + b"N"
    data = good.replace(null_after, encode_value("after") + bytes.fromhex(after.replace(" ", "")))
    with pytest.raises(VerificationError):
        decode_entry(data)
    with pytest.raises(VerificationError):
        entry_spans(data)


def test_map_pairs_reads_a_nested_map() -> None:
    data = b"xx" + encode_value({"author": "a", "reason": "r"}) + b"yy"
    pairs = map_pairs(data, 2, len(data) - 2)
    assert pairs is not None and list(pairs) == [b"author", b"reason"]
    _, start, end = pairs[b"reason"]
    assert decode_value(data[start:end]) == "r"
    assert map_pairs(encode_value([1])) is None
