"""Store merge speed: ``merge_observations`` vs a raw bulk load of the same rows, side by side.

Raw load = SQLite ``executemany`` of pre-built tuples / PostgreSQL ``COPY`` into the observations table.
Run: .venv/bin/python benchmarks/store_merge.py [--rows 1000000] [--db URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import text

from natije.store import Store
from natije.store.observations import merge_observations
from natije.store.staging import SQLITE_DATETIME


def frame(rows: int, indicators: int = 20) -> pl.DataFrame:
    """``rows`` unique (indicator, territory, month) keys with random values."""
    per = rows // indicators
    months = 240
    terr = -(-per // months)
    i = np.arange(rows)
    return (
        pl.DataFrame(
            {
                "indicator": [f"IND{k}" for k in range(indicators)],
            }
        )
        .join(pl.DataFrame({"t": np.arange(terr)}), how="cross")
        .join(pl.DataFrame({"m": np.arange(months)}), how="cross")
        .head(rows)
        .with_columns(
            territory=pl.format("T{}", pl.col("t")),
            period_start=(pl.col("m") + 2000 * 12).cast(pl.Int32),
            value=pl.Series(np.random.default_rng(1).random(rows) * 100)[: len(i)],
        )
        .with_columns(
            period=pl.format(
                "{}-{}",
                pl.col("period_start") // 12,
                (pl.col("period_start") % 12 + 1).cast(pl.String).str.zfill(2),
            ),
            source=pl.lit("src"),
            note=pl.lit(None, pl.String),
            as_of=pl.lit(None, pl.Datetime("us")),
        )
        .drop("t", "m")
    )


def seed(store: Store, df: pl.DataFrame) -> None:
    with store.transaction() as conn:
        conn.execute(text("INSERT INTO sources (code, title, kind) VALUES ('src', 'S', 'official')"))
        for code in df["indicator"].unique().sort():
            conn.execute(
                text(
                    "INSERT INTO indicators (code, position, name_kk, name_ru, name_en, unit, direction,"
                    " kind, level, frequency) VALUES (:c, 0, :a, :b, :d, '%', 'increase', 'stock',"
                    " 'outcome', 'M')"
                ),
                {"c": code, "a": code, "b": code, "d": code},
            )
        for code in df["territory"].unique().sort():
            conn.execute(
                text(
                    "INSERT INTO territories (code, level, name_kk, name_ru, name_en) "
                    "VALUES (:c, 'region', :a, :b, :d)"
                ),
                {"c": code, "a": code, "b": code, "d": code},
            )


def raw_load(store: Store, df: pl.DataFrame) -> float:
    with store.transaction() as conn:
        ids = {
            k: dict(conn.execute(text(f"SELECT code, id FROM {t}")).all())
            for k, t in (("indicator", "indicators"), ("territory", "territories"))
        }
        now = datetime(2026, 1, 1)
        tuples_df = df.select(
            pl.col("indicator").replace_strict(ids["indicator"]),
            pl.col("territory").replace_strict(ids["territory"]),
            "period",
            "period_start",
            "value",
            pl.lit(1).alias("source_id"),
            pl.lit(0).alias("status"),
            pl.lit(1).alias("n_values"),
            pl.lit(now).alias("f"),
            pl.lit(now).alias("r"),
        )
        cols = (
            "indicator_id, territory_id, period, period_start, value, source_id, status, n_values, "
            "first_recorded, recorded_at"
        )
        if store.dialect == "sqlite":
            rows = tuples_df.with_columns(pl.col("f", "r").dt.strftime(SQLITE_DATETIME)).rows()
            t0 = time.perf_counter()
            conn.connection.driver_connection.executemany(
                f"INSERT INTO observations ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows
            )
        else:
            data = tuples_df.write_csv(include_header=False)
            t0 = time.perf_counter()
            cur = conn.connection.driver_connection.cursor()
            with cur.copy(f"COPY observations ({cols}) FROM STDIN (FORMAT csv)") as cp:
                cp.write(data)
    return time.perf_counter() - t0


def merge(store: Store, df: pl.DataFrame, batch: int = 100_000) -> tuple[float, object]:
    t0 = time.perf_counter()
    with store.transaction() as conn:
        stats = merge_observations(
            conn, (df.slice(s, batch) for s in range(0, df.height, batch)), reason="bench"
        )
    return time.perf_counter() - t0, stats


def fresh(url: str | None, tmp: Path, name: str) -> Store:
    store = Store.open(url or str(tmp / f"{name}.db"))
    if url:  # a scratch database: start from an empty schema
        with store.engine.begin() as c:
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    store.init()
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="PostgreSQL URL of a scratch database (tables are dropped!)")
    args = ap.parse_args()
    df = frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        s1 = fresh(args.db, Path(tmp), "raw")
        seed(s1, df)
        raw = raw_load(s1, df)
        s1.close()
        s2 = fresh(args.db, Path(tmp), "merge")
        seed(s2, df)
        first, stats1 = merge(s2, df)
        again, stats2 = merge(s2, df)
        changed = df.with_columns(
            value=pl.when(pl.int_range(df.height) % 10 == 0)
            .then(pl.col("value") + 1)
            .otherwise(pl.col("value"))
        )
        rev, stats3 = merge(s2, changed)
        s2.close()
    print(f"dialect={s2.dialect} rows={args.rows}")
    print(f"raw bulk load        {raw:7.2f} s  {args.rows / raw:12,.0f} rows/s")
    print(
        f"merge (empty store)  {first:7.2f} s  {args.rows / first:12,.0f} rows/s  "
        f"ratio {raw / first:.2f}  {stats1}"
    )
    print(f"merge (same again)   {again:7.2f} s  ratio {raw / again:.2f}  {stats2}")
    print(f"merge (10% changed)  {rev:7.2f} s  ratio {raw / rev:.2f}  {stats3}")


if __name__ == "__main__":
    main()
