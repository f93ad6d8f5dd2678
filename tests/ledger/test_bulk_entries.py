"""The bulk encoder gives exactly the bytes Entry.encode gives, row by row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.ledger.canonical import Entry
from natije.ledger.frames import encode_entries, leaf_hashes
from natije.ledger.verify import leaf_hash

WHEN = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
ints = st.integers(-(2**63), 2**63 - 1)
floats = st.floats(allow_nan=False)
texts = st.text(max_size=12)
days = st.dates(date(1000, 1, 1), date(9999, 12, 31))
moments = st.datetimes(datetime(1000, 1, 1), datetime(9999, 12, 31))


def rows_of(frame: pl.DataFrame) -> list[dict]:
    return [
        {k: v.replace(tzinfo=UTC) if isinstance(v, datetime) else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            texts,
            st.none() | ints,
            st.none() | floats,
            st.none() | texts,
            st.none() | days,
            st.none() | moments,
            st.none() | st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_bulk_bytes_are_the_entries_bytes(data):
    key = pl.DataFrame({"code": [d[0] for d in data]}, schema={"code": pl.String})
    columns = {
        "n": pl.Int64,
        "x": pl.Float64,
        "s": pl.String,
        "d": pl.Date,
        "t": pl.Datetime("us"),
        "b": pl.Boolean,
    }
    values = pl.DataFrame([d[1:7] for d in data], schema=columns, orient="row")
    had = pl.Series([d[7] for d in data])
    got = encode_entries("t", key, values, values, time=WHEN, actor="a", transaction=4, had_before=had)
    for i, (k, v) in enumerate(zip(rows_of(key), rows_of(values))):
        kind = "update" if data[i][7] else "insert"
        want = Entry(kind, "t", k, v if data[i][7] else None, v, WHEN, "a", 4).encode()
        assert got[i] == want
    assert leaf_hashes(got) == [leaf_hash(e) for e in got]


def test_structs_are_maps_and_null_structs_are_null():
    key = pl.DataFrame({"id": [1, 2]})
    after = pl.DataFrame({"v": [1.5, 2.0]}).with_columns(
        pl.when(pl.Series([True, False])).then(pl.struct(a=pl.lit("x"), b=pl.lit(3))).alias("r")
    )
    got = encode_entries("t", key, None, after, time=WHEN, actor=None, transaction=0)
    assert (
        got[0]
        == Entry("insert", "t", {"id": 1}, None, {"v": 1.5, "r": {"a": "x", "b": 3}}, WHEN, None, 0).encode()
    )
    assert got[1] == Entry("insert", "t", {"id": 2}, None, {"v": 2.0, "r": None}, WHEN, None, 0).encode()


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        encode_entries(
            "t",
            pl.DataFrame({"id": [1]}),
            None,
            pl.DataFrame({"v": [float("nan")]}),
            time=WHEN,
            actor=None,
            transaction=0,
        )


def test_structs_without_nulls_and_deletes_give_the_entries_bytes():
    key = pl.DataFrame({"id": [1, 2]})
    before = pl.DataFrame({"v": [1.5, None]}).with_columns(
        pl.struct(b=pl.Series([3, 4]), a=pl.Series(["x", "y"])).alias("r")
    )
    got = encode_entries("t", key, before, None, time=WHEN, actor="b", transaction=9)
    for i, row in enumerate(rows_of(before)):
        assert got[i] == Entry("delete", "t", {"id": i + 1}, row, None, WHEN, "b", 9).encode()
