"""Fast reads of large result sets into polars, without per-row Python objects where the driver allows.

PostgreSQL: ``COPY (query) TO STDOUT`` as CSV parsed by polars. SQLite: raw cursor ``fetchmany`` into
column-typed frames. SQL is written with ``:name`` parameters for both.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import polars as pl
from sqlalchemy import Connection

#: Column types a query declares: polars dtypes, or "date"/"datetime" (read as text, then parsed).
ColumnTypes = Mapping[str, Any]

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")
_DATETIME = "%Y-%m-%d %H:%M:%S%.f"
_CURSOR_NAMES = itertools.count()


def _pg_sql(sql: str) -> str:
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def _raw_dtype(kind: Any) -> Any:
    return pl.String if kind in ("date", "datetime") else kind


def _finish(frame: pl.DataFrame, columns: ColumnTypes) -> pl.DataFrame:
    exprs = []
    for name, kind in columns.items():
        col = pl.col(name)
        if kind == "datetime":
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
    if columns and any(k in ("date", "datetime") for k in columns.values()):
        # SQLite hands dates back as text already; PostgreSQL cursors give date objects (rare path)
        rows = [tuple(str(v) if hasattr(v, "isoformat") else v for v in r) for r in rows]
    return _finish(pl.DataFrame(rows, schema=schema, orient="row"), columns)


def read_frame(conn: Connection, sql: str, params: Mapping[str, Any], columns: ColumnTypes) -> pl.DataFrame:
    """Run ``sql`` and return every row as one frame with ``columns`` (names in select order)."""
    if conn.dialect.name == "postgresql":
        cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        buf = io.BytesIO()
        with cur.copy(f"COPY ({_pg_sql(sql)}) TO STDOUT (FORMAT csv)", dict(params)) as copy:
            for chunk in copy:
                buf.write(chunk)
        cur.close()
        if buf.tell() == 0:
            return _empty(columns)
        raw = pl.read_csv(buf.getvalue(), has_header=False, new_columns=list(columns),
                          schema_overrides={c: _raw_dtype(k) for c, k in columns.items()})
        return _finish(raw, columns)
    parts = list(iter_frames(conn, sql, params, columns, batch_size=500_000))
    return pl.concat(parts) if parts else _empty(columns)


def iter_frames(conn: Connection, sql: str, params: Mapping[str, Any], columns: ColumnTypes,
                batch_size: int = 100_000) -> Iterator[pl.DataFrame]:
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
