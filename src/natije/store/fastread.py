"""Fast reads of large result sets into polars, without per-row Python objects where the driver allows.

PostgreSQL: ``COPY (query) TO STDOUT`` as CSV parsed by polars in chunks. SQLite file stores: the Apache Arrow
ADBC SQLite driver (SQLite's own library, straight to Arrow, bound parameters) when the store is large and the
reading transaction has written nothing — it reads through its own connection, so it could not see uncommitted
rows — otherwise the raw cursor ``fetchmany``. SQL is written with ``:name`` parameters for every path.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection

#: Column types a query declares: polars dtypes, "date"/"datetime" (read as text, then parsed) or "epoch_us"
#: (integer microseconds, see :func:`datetime_column`); the last three arrive as Date/Datetime("us").
ColumnTypes = Mapping[str, Any]

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")
_DATETIME = "%Y-%m-%d %H:%M:%S%.f"
_CURSOR_NAMES = itertools.count()
_CHUNK_BYTES = 64 << 20
# The ADBC SQLite driver infers each column's type from the first batch and refuses a later batch whose values
# disagree (a column that starts with NULLs, say): one batch of the whole result lets it see every value.
_ONE_BATCH = {"adbc.sqlite.query.batch_rows": str(1 << 30)}
# Loading the ADBC driver loads pyarrow and pandas with it (about a second of CPU and 130 MB): a store file
# (with its write-ahead log) smaller than this is read sooner through the cursor, as a command on the demo
# store is.
ARROW_MIN_BYTES = 32 << 20


def _pg_sql(sql: str) -> str:
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def _raw_dtype(kind: Any) -> Any:
    return {"date": pl.String, "datetime": pl.String, "epoch_us": pl.Int64}.get(kind, kind)


def arrow_source(conn: Connection) -> str | None:
    """The SQLite file the ADBC driver may read for ``conn``, or ``None`` when the cursor path must be used.

    Only for an SQLite file whose current transaction changed nothing (see :func:`natije.store.engine`'s
    BEGIN hook, which notes the driver's change counter): the driver's own connection sees every committed
    row, including those still in the write-ahead log, but not this transaction's own writes. A store smaller
    than ``ARROW_MIN_BYTES`` is read through the cursor.
    """
    if conn.dialect.name != "sqlite":
        return None
    path = conn.engine.url.database
    if not path or path == ":memory:":
        return None
    if sum(os.path.getsize(f) for f in (path, f"{path}-wal") if os.path.exists(f)) < ARROW_MIN_BYTES:
        return None
    raw = conn.connection.driver_connection
    if getattr(raw, "total_changes", None) != conn.info.get("natije_changes_at_begin"):
        return None
    return path


def _sqlite_value(value: Any) -> Any:
    # the forms SQLAlchemy stores on SQLite, so that comparisons with stored dates and times hold
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _positional(sql: str, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """``sql`` with ``?`` in place of each ``:name`` and the values in that order."""
    values: list[Any] = []

    def bind(match: re.Match[str]) -> str:
        values.append(_sqlite_value(params[match.group(1)]))
        return "?"

    return _PARAM.sub(bind, sql), values


def _read_arrow(path: str, sql: str, params: Mapping[str, Any]) -> pl.DataFrame:
    import adbc_driver_sqlite.dbapi

    text, values = _positional(sql, params)
    with adbc_driver_sqlite.dbapi.connect(f"file:{path}?mode=ro") as adbc, adbc.cursor() as cur:
        cur.adbc_statement.set_options(**_ONE_BATCH)
        cur.execute(text, values)
        frame = pl.from_arrow(cur.fetch_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def datetime_column(conn: Connection, column: str) -> tuple[str, str]:
    """SQL and column kind for reading a DateTime column fast.

    On SQLite the value is computed in C as integer microseconds since 1970: Python ints cost far less to
    fetch than 26-character strings and need no parsing (a 1 M-row read drops by about a quarter), and in
    Arrow they take 8 bytes a value where the text took 30, with no parsed copy beside it. SQLite's date
    functions keep milliseconds only, so the microseconds are taken from the text.
    """
    if conn.dialect.name != "sqlite":
        return column, "datetime"
    return (
        f"(CAST(round((julianday(substr({column}, 1, 19)) - 2440587.5) * 86400.0) AS INTEGER) * 1000000 "
        f"+ CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    ), "epoch_us"


def _finish(frame: pl.DataFrame, columns: ColumnTypes) -> pl.DataFrame:
    exprs = []
    for name, kind in columns.items():
        col = pl.col(name)
        if kind == "epoch_us":
            exprs.append(pl.from_epoch(col, time_unit="us").alias(name))
        elif kind == "datetime" and frame.schema[name] != pl.String:
            exprs.append(col.cast(pl.Datetime("us")))
        elif kind == "datetime":
            exprs.append(col.str.slice(0, 26).str.to_datetime(_DATETIME, time_unit="us", strict=False))
        elif kind == "date":
            exprs.append(col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        else:
            exprs.append(col.cast(kind))
    return frame.select(exprs)


def _empty(columns: ColumnTypes) -> pl.DataFrame:
    return _finish(pl.DataFrame(schema={c: _raw_dtype(k) for c, k in columns.items()}), columns)


def _from_rows(rows: list[tuple], columns: ColumnTypes) -> pl.DataFrame:
    schema = {c: _raw_dtype(k) for c, k in columns.items()}
    if rows and any(hasattr(v, "isoformat") for v in rows[0]):  # PostgreSQL streaming: date/datetime objects
        rows = [tuple(str(v) if hasattr(v, "isoformat") else v for v in r) for r in rows]
    return _finish(pl.DataFrame(rows, schema=schema, orient="row"), columns)


def read_frame(conn: Connection, sql: str, params: Mapping[str, Any], columns: ColumnTypes) -> pl.DataFrame:
    """Run ``sql`` and return every row as one frame with ``columns`` (names in select order)."""
    path = arrow_source(conn)
    if path is not None:
        frame = _read_arrow(path, sql, params)
        if frame.height == 0:
            return _empty(columns)
        return _finish(frame.rename(dict(zip(frame.columns, columns))), columns)
    if conn.dialect.name != "postgresql":
        parts = list(iter_frames(conn, sql, params, columns, batch_size=500_000))
        return pl.concat(parts) if parts else _empty(columns)
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    parts, pending = [], bytearray()
    with cur.copy(f"COPY ({_pg_sql(sql)}) TO STDOUT (FORMAT csv)", dict(params)) as copy:
        for chunk in copy:
            pending += chunk
            if len(pending) >= _CHUNK_BYTES:  # parse whole lines as they come: memory stays bounded
                cut = pending.rindex(b"\n") + 1
                parts.append(_parse_csv(bytes(pending[:cut]), columns))
                del pending[:cut]
    cur.close()
    if pending:
        parts.append(_parse_csv(bytes(pending), columns))
    return pl.concat(parts) if parts else _empty(columns)


def _parse_csv(data: bytes, columns: ColumnTypes) -> pl.DataFrame:
    raw = pl.read_csv(
        data,
        has_header=False,
        new_columns=list(columns),
        schema_overrides={c: _raw_dtype(k) for c, k in columns.items()},
    )
    return _finish(raw, columns)


def iter_frames(
    conn: Connection, sql: str, params: Mapping[str, Any], columns: ColumnTypes, batch_size: int = 100_000
) -> Iterator[pl.DataFrame]:
    """Stream ``sql`` as frames of at most ``batch_size`` rows (server-side cursor on PostgreSQL)."""
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        cur = raw.cursor(name=f"natije_stream_{next(_CURSOR_NAMES)}")  # type: ignore[union-attr]
        cur.itersize = batch_size
        cur.execute(_pg_sql(sql), dict(params))
    else:
        cur = raw.cursor()  # type: ignore[union-attr]
        cur.execute(sql, dict(params))
    try:
        while True:
            rows = cur.fetchmany(batch_size)
            if not rows:
                break
            yield _from_rows(rows, columns)
    finally:
        cur.close()
