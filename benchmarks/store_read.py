"""Store read speed: ``load_program_frames`` on a large program vs the plainest full read of the same rows.

Builds (once) a store with ROWS observations of one program through the store API, then times:
(a) baseline: ``SELECT`` of the observation columns with the raw driver cursor (``fetchall``), no decoding;
(b) ``load_program_frames(conn, "P")`` (current values, codes decoded, period_end, flags, revisions);
(c) ``load_program_frames(conn, "P", as_of=...)`` (values as known at a past date).
Run: .venv/bin/python benchmarks/store_read.py [--rows 10000000] [--db PATH|URL]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime

import polars as pl

from natije.domain.indicators import Direction, Indicator
from natije.domain.names import Names
from natije.domain.observations import Source
from natije.domain.package import ProgramPackage
from natije.domain.periods import Frequency, Period
from natije.domain.programs import Program, ProgramKind, ProgramStatus
from natije.domain.territories import Territory, TerritoryLevel
from natije.store import Store
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.observations import merge_observations

INDICATORS, MONTHS = 50, 240


def build(store: Store, rows: int) -> float:
    per = rows // (INDICATORS * MONTHS)
    n = Names("x", "x", "x")
    pkg = ProgramPackage(
        Program("P", n, ProgramKind.STATE_PROGRAM, 2000, 2020, ProgramStatus.IN_FORCE),
        sources=(Source("s", "S"),),
        indicators=tuple(
            Indicator(f"I{i}", n, "%", Direction.INCREASE, frequency=Frequency.MONTHLY)
            for i in range(INDICATORS)
        ),
        territories=tuple(Territory(f"T{t:06d}", n, TerritoryLevel.SETTLEMENT) for t in range(per)),
    )
    base = Period.parse("2000-01").start_month
    frame = (
        pl.DataFrame({"indicator": [f"I{i}" for i in range(INDICATORS)]})
        .join(pl.DataFrame({"territory": [f"T{t:06d}" for t in range(per)]}), how="cross")
        .join(pl.DataFrame({"m": list(range(MONTHS))}), how="cross")
        .with_columns(
            period_start=(pl.col("m") + base).cast(pl.Int32),
            value=pl.col("m").cast(pl.Float64),
            source=pl.lit("s"),
            as_of=pl.lit(datetime(2020, 1, 1)),
        )
        .with_columns(
            period=pl.format(
                "{}-{}",
                pl.col("period_start") // 12,
                (pl.col("period_start") % 12 + 1).cast(pl.String).str.zfill(2),
            )
        )
    )
    t0 = time.perf_counter()
    with store.transaction() as conn:
        write_package(conn, pkg)
        merge_observations(conn, frame.iter_slices(500_000), reason="bench")
    # revise 1 % of the values later, so as_of has work to do
    later = frame.filter(pl.col("m") % 100 == 0).with_columns(
        value=pl.col("value") + 1, as_of=pl.lit(datetime(2022, 1, 1))
    )
    with store.transaction() as conn:
        merge_observations(conn, later.iter_slices(500_000), reason="bench revision")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--db", default="/tmp/natije_store_read.db")
    args = ap.parse_args()
    store = Store.open(args.db)
    store.init()
    with store.connect() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one()
    if have == 0:
        print(f"building store with {args.rows:,} rows: {build(store, args.rows):.1f} s")
    with store.connect() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one()
        t0 = time.perf_counter()
        if store.dialect == "sqlite":
            cur = conn.connection.driver_connection.cursor()
            cur.execute(
                "SELECT indicator_id, territory_id, period, period_start, value, source_id, status, "
                "first_recorded, recorded_at FROM observations"
            )
            n = len(cur.fetchall())
        else:
            cur = conn.connection.driver_connection.cursor()
            with cur.copy(
                "COPY (SELECT indicator_id, territory_id, period, period_start, value, source_id, "
                "status, first_recorded, recorded_at FROM observations) TO STDOUT"
            ) as cp:
                n = sum(len(bytes(b)) for b in cp)
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        frames = load_program_frames(conn, "P")
        now = time.perf_counter() - t0
        t0 = time.perf_counter()
        past = load_program_frames(conn, "P", as_of=date(2021, 1, 1))
        then = time.perf_counter() - t0
    assert frames.observations.height == have and past.observations.height == have
    print(f"dialect={store.dialect} observations={have:,} (baseline read n={n:,})")
    print(f"baseline raw read          {raw:7.2f} s")
    print(f"load_program_frames        {now:7.2f} s  ratio {raw / now:.2f}")
    print(f"load_program_frames as_of  {then:7.2f} s  ratio {raw / then:.2f}")
    store.close()


if __name__ == "__main__":
    main()
