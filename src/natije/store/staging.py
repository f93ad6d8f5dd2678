"""Bulk staging of polars batches into a temporary table: SQLite ``executemany``, PostgreSQL ``COPY``.

Set-based merges (``INSERT … SELECT``, ``UPDATE … FROM``) then run inside the database, so no Python loop
touches individual rows after staging.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection

from natije.errors import Expected, Problem, ValidationError
from natije.store.tables import STATUS_CODES

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"  # the text form SQLAlchemy's DateTime uses on SQLite

_TYPES = {
    "int": ("INTEGER", "INTEGER"),
    "bigint": ("INTEGER", "BIGINT"),
    "float": ("REAL", "DOUBLE PRECISION"),
    "text": ("TEXT", "TEXT"),
    "datetime": ("TEXT", "TIMESTAMP"),
}


def create_stage(conn: Connection, name: str, columns: Mapping[str, str]) -> None:
    """(Re)create the temporary table ``name`` with ``columns`` (name -> int|bigint|float|text|datetime)."""
    pg = conn.dialect.name == "postgresql"
    cols = ", ".join(f"{c} {_TYPES[t][1 if pg else 0]}" for c, t in columns.items())
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    extra = " ON COMMIT DROP" if pg else ""
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} ({cols}){extra}")


def drop_stage(conn: Connection, name: str) -> None:
    """Drop the temporary table (PostgreSQL also drops it at commit)."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def load_stage(conn: Connection, name: str, columns: Mapping[str, str], frame: pl.DataFrame) -> None:
    """Append ``frame`` (holding exactly ``columns``) to the stage table, in bulk."""
    frame = frame.select(list(columns))
    if frame.height == 0:
        return
    if conn.dialect.name == "postgresql":
        copy_frame(conn, name, frame)
        return
    dt_cols = [c for c, t in columns.items() if t == "datetime"]
    if dt_cols:
        frame = frame.with_columns(pl.col(dt_cols).dt.strftime(SQLITE_DATETIME))
    placeholders = ", ".join("?" * frame.width)
    raw = conn.connection.driver_connection
    raw.executemany(f"INSERT INTO {name} VALUES ({placeholders})", frame.rows())  # type: ignore[union-attr]


def copy_frame(conn: Connection, name: str, frame: pl.DataFrame) -> None:
    """PostgreSQL ``COPY`` of ``frame`` into table ``name`` (columns by name), as CSV.

    In CSV, NULL is the unquoted empty field, so empty strings stay distinct (``""``).
    """
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cols = ", ".join(frame.columns)
    with cur.copy(f"COPY {name} ({cols}) FROM STDIN (FORMAT csv)") as copy:
        step = 200_000
        for start in range(0, frame.height, step):
            copy.write(
                frame.slice(start, step).write_csv(
                    include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.6f"
                )
            )
    cur.close()


def code_ids(conn: Connection, table: str) -> dict[str, int]:
    """``{code: id}`` of a catalog table (agencies, sources, territories, indicators, programs)."""
    return {code: id_ for id_, code in conn.exec_driver_sql(f"SELECT id, code FROM {table}")}


def resolve_codes(
    frame: pl.DataFrame,
    column: str,
    mapping: dict[str, int],
    target: str,
    *,
    file: str = "<observations>",
    nullable: bool = False,
) -> pl.DataFrame:
    """Replace the codes in ``column`` by ids (new column ``target``); unknown codes raise ValidationError."""
    if column not in frame.columns:
        if not nullable:
            raise ValidationError(
                Problem(
                    file,
                    None,
                    column,
                    None,
                    Expected("expected.column", column=column),
                    code="missing_column",
                )
            )
        return frame.with_columns(pl.lit(None, dtype=pl.Int64).alias(target))
    # cast first: an all-null column arrives with dtype Null, which replace_strict cannot map from
    ids = (
        pl.col(column)
        .cast(pl.String)
        .replace_strict(mapping, default=None, return_dtype=pl.Int64)
        .alias(target)
    )
    out = frame.with_columns(ids)
    bad = out.filter(pl.col(target).is_null() & pl.col(column).is_not_null())
    if not nullable:
        bad = out.filter(pl.col(target).is_null())
    if bad.height:
        rows = bad["row"].to_list() if "row" in bad.columns else [None] * bad.height
        problems = [
            Problem(
                file, r, column, v, Expected("expected.code_known", column=column), code=f"unknown_{column}"
            )
            for r, v in zip(rows[:1000], bad[column].to_list()[:1000])
        ]
        raise ValidationError(problems)
    return out


def fill_times(frame: pl.DataFrame, column: str, now: datetime) -> pl.DataFrame:
    """Ensure ``column`` exists as Datetime(us), nulls replaced by ``now`` (naive UTC)."""
    if column not in frame.columns:
        return frame.with_columns(pl.lit(now, dtype=pl.Datetime("us")).alias(column))
    col = pl.col(column)
    if frame.schema[column] == pl.Date:
        col = col.cast(pl.Datetime("us"))
    elif frame.schema[column] == pl.String:
        col = col.str.to_datetime(time_unit="us", strict=True)
    elif isinstance(frame.schema[column], pl.Datetime):
        tz = getattr(frame.schema[column], "time_zone", None)
        col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if tz else col
        col = col.cast(pl.Datetime("us"))
    return frame.with_columns(col.fill_null(pl.lit(now, dtype=pl.Datetime("us"))).alias(column))


def utcnow() -> datetime:
    """The current time as naive UTC, the form every natije timestamp is stored in."""

    return datetime.now(UTC).replace(tzinfo=None)


def period_start_of(column: str = "period") -> pl.Expr:
    """``Period.start_month`` computed on SDMX text, vectorised (``2024``, ``2024-Q2``, ``2024-03``)."""
    year = pl.col(column).str.slice(0, 4).cast(pl.Int32)
    tail = pl.col(column).str.slice(5)
    sub = (
        pl.when(pl.col(column).str.len_chars() == 4)
        .then(0)
        .when(tail.str.starts_with("Q"))
        .then((tail.str.slice(1).cast(pl.Int32, strict=False) - 1) * 3)
        .otherwise(tail.cast(pl.Int32, strict=False) - 1)
    )
    return (year * 12 + sub).cast(pl.Int32).alias("period_start")


@dataclass(frozen=True)
class MergeStats:
    """What one merge did: keys inserted, values revised, rows found unchanged."""

    inserted: int = 0
    revised: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class CodeResolver:
    """Turns indicator/territory/source codes of a batch into the store's integer ids."""

    def __init__(self, conn: Connection) -> None:
        self.indicators = code_ids(conn, "indicators")
        self.territories = code_ids(conn, "territories")
        self.sources = code_ids(conn, "sources")

    def __call__(self, batch: pl.DataFrame, now: datetime, time_column: str = "as_of") -> pl.DataFrame:
        out = resolve_codes(batch, "indicator", self.indicators, "indicator_id")
        out = resolve_codes(out, "territory", self.territories, "territory_id")
        out = resolve_codes(out, "source", self.sources, "source_id", nullable=True)
        if "note" not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.String).alias("note"))
        if "period_start" not in out.columns:
            raise ValueError("observation batches need a period_start column (Period.start_month)")
        out = fill_times(out, time_column, now)
        # the stored status code; null where the batch states none (a new row is then submitted, a stored one
        # keeps its status)
        status = (
            pl.col("status").cast(pl.String).replace_strict(STATUS_CODES, default=None, return_dtype=pl.Int64)
            if "status" in out.columns
            else pl.lit(None, dtype=pl.Int64)
        )
        return out.with_columns(
            pl.col("value").cast(pl.Float64),
            pl.col("period_start").cast(pl.Int64),
            status.alias("status_code"),
        )


def reason_id(conn: Connection, reason: str | None, author: str | None) -> tuple[int, bool]:
    """The id of the (reason, author) pair revisions refer to, created on first use; and whether it was."""
    from sqlalchemy import insert, select

    from natije.store.tables import revision_reasons as t

    key = {"reason": reason or "", "author": author or ""}
    row = conn.execute(select(t.c.id).where(t.c.reason == key["reason"], t.c.author == key["author"])).first()
    if row is not None:
        return int(row.id), False
    new = conn.execute(insert(t).values(**key)).inserted_primary_key
    assert new is not None
    return int(new[0]), True
