"""Fast reads give the same frame whatever the chunking, with exact timestamps on both backends."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from natije.store import Store, fastread
from natije.store.catalog import write_package
from natije.store.observations import merge_observations

WHEN = datetime(2021, 5, 1, 12, 30, 15, 123456)


def test_chunked_read_equals_whole_read(store: Store, reference, package, obs, monkeypatch) -> None:
    rows = [
        ("DK2018.LIT", t, str(y), float(y)) for t in ("000000000", "610000000") for y in range(2010, 2022)
    ]
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
        merge_observations(conn, [obs(rows, as_of=WHEN)], reason="x")
    with store.connect() as conn:
        expr, kind = fastread.datetime_column(conn, "first_recorded")
        sql = f"SELECT period, value, {expr} FROM observations WHERE value > :low ORDER BY id"
        cols = {"period": pl.String, "value": pl.Float64, "first_recorded": kind}
        whole = fastread.read_frame(conn, sql, {"low": 2011.5}, cols)
        monkeypatch.setattr(fastread, "_CHUNK_BYTES", 40)
        chunked = fastread.read_frame(conn, sql, {"low": 2011.5}, cols)
        streamed = pl.concat(list(fastread.iter_frames(conn, sql, {"low": 2011.5}, cols, batch_size=5)))
        empty = fastread.read_frame(conn, sql, {"low": 1e9}, cols)
    assert whole.height == 20 and whole["first_recorded"].unique().to_list() == [WHEN]
    assert chunked.equals(whole) and streamed.equals(whole)
    assert empty.height == 0 and empty.schema == whole.schema


@pytest.mark.parametrize(
    "text", ["2021-05-01 12:30:15.123456", "1999-12-31 23:59:59.000001", "2024-02-29 00:00:00"]
)
def test_sqlite_timestamp_expression_is_exact(text: str) -> None:
    store = Store.open(":memory:")
    with store.engine.connect() as conn:  # no schema needed
        expr, kind = fastread.datetime_column(conn, ":t")
        got = fastread.read_frame(conn, f"SELECT {expr}", {"t": text}, {"t": kind})["t"].item()
    assert got == datetime.fromisoformat(text)
