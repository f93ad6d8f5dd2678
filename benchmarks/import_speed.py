"""Import speed: full validated import (``natije.services.ingestion.import_paths``) vs a raw bulk load.

Side by side in one run, on SQLite and PostgreSQL: a generated package with N observation rows (CSV) is
(a) imported through the service — streamed, every check, duplicate detection, one transaction — and
(b) bulk-loaded raw into the observations table of the same engine: SQLite ``executemany`` of pre-parsed
tuples, PostgreSQL ``COPY`` (parsing the CSV for the raw load is not timed). Each measurement runs in its own
subprocess, which reports its wall time and peak RSS (``resource.getrusage``).

Goals: import ≥ 50 % of raw speed (ratio raw_time / import_time ≥ 0.5), import peak RSS < 500 MB, and the
tamper-evident log (entries, leaf hashes, tree nodes, checkpoint) costing at most 30 % of the import: (c) the
same import with the log switched off in the benchmark's process (:func:`switch_off_the_log`) runs beside it.

The two sides alternate ``--repeats`` times (default 3) and the best time of each is compared, which keeps
background load on a shared machine from deciding the ratio; every run's times are printed too.

Run: .venv/bin/python benchmarks/import_speed.py [--rows 1000000] [--repeats 3] [--pg postgresql://…/test]
(``--pg ''`` skips PostgreSQL; the script creates and drops its own scratch database on that server).
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

INDICATORS = 20
MONTHS = 240


def make_package(folder: Path, rows: int) -> None:
    """A program package with ``rows`` unique monthly observations across 20 indicators and
    enough territories."""
    folder.mkdir(parents=True, exist_ok=True)
    n_terr = -(-rows // (INDICATORS * MONTHS))
    codes = [f"{100000000 + k * 1000:09d}" for k in range(n_terr)]
    names = "name_kk,name_ru,name_en"
    lines = [
        f"code,level,parent,valid_from,valid_to,successors,iso_code,{names}",
        "000000000,country,,,,,KZ,KZ,KZ,KZ",
    ]
    lines += [f"{c},region,000000000,,,,,R{c},R{c},R{c}" for c in codes]
    (folder / "territories.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators = "\n".join(
        f"  - {{code: B.I{i}, names: {{kk: I{i}, ru: I{i}, en: I{i}}}, unit: '%', direction: increase, "
        f"frequency: M, span: {{from: 2000-01, to: 2019-12}}, source: bench}}"
        for i in range(INDICATORS)
    )
    (folder / "program.yaml").write_text(
        "format: natije-program/1\nsources:\n  - {code: bench, title: Benchmark data, kind: illustrative}\n"
        "program: {code: BENCH, names: {kk: B, ru: B, en: B}, kind: project, "
        "start_year: 2000, end_year: 2019, status: in_force}\nindicators:\n" + indicators + "\n",
        encoding="utf-8",
    )
    m = np.arange(MONTHS)
    months = pl.DataFrame({"period": [f"{2000 + k // 12}-{k % 12 + 1:02d}" for k in m]})
    frame = (
        pl.DataFrame({"indicator": [f"B.I{i}" for i in range(INDICATORS)]})
        .join(pl.DataFrame({"territory": codes}), how="cross")
        .join(months, how="cross")
        .head(rows)
    )
    values = np.round(np.random.default_rng(7).random(frame.height) * 100, 3)
    frame.with_columns(pl.Series("value", values)).write_csv(folder / "observations.csv")


def switch_off_the_log() -> None:
    """For the comparison only: the import's writes without their log entries, leaf hashes, tree nodes and
    checkpoint (natije itself has no such switch; the log is written by every write path)."""
    from natije.services import ingestion
    from natije.store import observations
    from natije.store.ledger_log import LedgerLog

    def nothing(*args: object, **kwargs: object) -> None:
        return None

    observations.log_inserted = nothing  # type: ignore[assignment]
    ingestion.checkpoint_in = nothing  # type: ignore[assignment]
    LedgerLog.append = nothing  # type: ignore[method-assign,assignment]


def child_import(url: str, package: str, logged: bool = True) -> dict[str, float]:
    from natije.services.ingestion import import_paths
    from natije.store import Store

    if not logged:
        switch_off_the_log()
    store = Store.open(url)
    store.init()
    t0 = time.perf_counter()
    report = import_paths(store, [package])
    seconds = time.perf_counter() - t0
    assert report.totals()["observations_inserted"] > 0
    return {"seconds": seconds, "rows": report.totals()["observations_inserted"]}


def child_raw(url: str, package: str) -> dict[str, float]:
    """Seed the catalog through the service path's writer, then time only the bulk insert of parsed rows."""
    import dataclasses

    from sqlalchemy import text

    from natije.ingest.plan import prepare
    from natije.store import Store
    from natije.store.catalog import lookup_catalog, write_package
    from natije.store.staging import SQLITE_DATETIME

    store = Store.open(url)
    store.init()
    with store.connect() as conn:
        plan = prepare([package], lookup_catalog(conn))
    planned = plan.packages[0]
    with store.transaction() as conn:
        write_package(conn, dataclasses.replace(planned.package))
    # pre-parse: read the CSV and map codes to ids (not timed: the raw load is given ready-made tuples)
    with store.connect() as conn:
        ids = {
            t: dict(conn.execute(text(f"SELECT code, id FROM {t}")).all())
            for t in ("indicators", "territories")
        }
        src = conn.execute(text("SELECT id FROM sources WHERE code = 'bench'")).scalar_one()
    now = datetime(2026, 1, 1)
    df = pl.read_csv(Path(package) / "observations.csv", schema_overrides={"territory": pl.String}).select(
        pl.col("indicator").replace_strict(ids["indicators"]),
        pl.col("territory").replace_strict(ids["territories"]),
        "period",
        (
            (pl.col("period").str.slice(0, 4).cast(pl.Int32) * 12)
            + pl.col("period").str.slice(5, 2).cast(pl.Int32)
            - 1
        ).alias("period_start"),
        "value",
        pl.lit(src).alias("source_id"),
        pl.lit(0).alias("status"),
        pl.lit(1).alias("n_values"),
        pl.lit(now).alias("f"),
        pl.lit(now).alias("r"),
    )
    cols = (
        "indicator_id, territory_id, period, period_start, value, source_id, status, n_values, "
        "first_recorded, recorded_at"
    )
    with store.transaction() as conn:
        if store.dialect == "sqlite":
            rows = df.with_columns(pl.col("f", "r").dt.strftime(SQLITE_DATETIME)).rows()
            t0 = time.perf_counter()
            conn.connection.driver_connection.executemany(
                f"INSERT INTO observations ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows
            )
        else:
            data = df.write_csv(include_header=False)
            t0 = time.perf_counter()
            cur = conn.connection.driver_connection.cursor()
            with cur.copy(f"COPY observations ({cols}) FROM STDIN (FORMAT csv)") as cp:
                cp.write(data)
    seconds = time.perf_counter() - t0  # includes the commit, as the import's time does
    return {"seconds": seconds, "rows": df.height}


def run_child(mode: str, url: str, package: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url, "--package", str(package)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_database(admin_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from natije.store.engine import resolve_url

    admin = create_engine(make_url(resolve_url(admin_url)), isolation_level="AUTOCOMMIT")
    name = f"natije_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(resolve_url(admin_url)).set(database=name).render_as_string(hide_password=False), (
        admin,
        name,
    )


def drop_pg(handle: object) -> None:
    from sqlalchemy import text

    admin, name = handle  # type: ignore[misc]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument(
        "--repeats", type=int, default=3, help="runs per side; the best time of each side is compared"
    )
    ap.add_argument("--child")
    ap.add_argument("--url")
    ap.add_argument("--package")
    args = ap.parse_args()
    if args.child:
        children = {
            "raw": child_raw,
            "import": child_import,
            "unlogged": lambda url, package: child_import(url, package, logged=False),
        }
        result = children[args.child](args.url, args.package)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "bench"
        make_package(pkg, args.rows)
        size = (pkg / "observations.csv").stat().st_size / 1e6
        print(f"rows={args.rows:,}  observations.csv={size:.0f} MB")
        engines = [("sqlite", None)] + ([("postgresql", args.pg)] if args.pg else [])
        modes = ("raw", "import", "unlogged")
        for name, admin in engines:
            runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
            for rep in range(args.repeats):  # alternate the sides so background load hits them alike
                for mode in modes:
                    if admin:
                        url, handle = pg_database(admin)
                    else:
                        url, handle = str(Path(tmp) / f"{mode}{rep}.db"), None
                    try:
                        runs[mode].append(run_child(mode, url, pkg))
                    finally:
                        if handle:
                            drop_pg(handle)
                        elif Path(url).exists():
                            Path(url).unlink()
            best = {mode: min(runs[mode], key=lambda r: r["seconds"]) for mode in modes}
            raw, imp, bare = best["raw"], best["import"], best["unlogged"]
            rss = max(r["peak_rss_mb"] for r in runs["import"])
            bare_rss = max(r["peak_rss_mb"] for r in runs["unlogged"])
            seconds = [[f"{runs[mode][k]['seconds']:.2f}" for mode in modes] for k in range(args.repeats)]
            every = " ".join("/".join(run) for run in seconds)
            print(
                f"{name:10s} raw bulk load {raw['seconds']:6.2f} s "
                f"({raw['rows'] / raw['seconds']:10,.0f} rows/s)  "
                f"validated import {imp['seconds']:6.2f} s ({imp['rows'] / imp['seconds']:10,.0f} rows/s)  "
                f"ratio {raw['seconds'] / imp['seconds']:.2f} (goal >= 0.50)  "
                f"import peak RSS {rss:.0f} MB (goal < 500)\n"
                f"{'':10s} the same import without its log {bare['seconds']:6.2f} s "
                f"(peak RSS {bare_rss:.0f} MB): the log costs "
                f"{imp['seconds'] / bare['seconds'] - 1:+.0%} (goal <= +30 %)  "
                f"[raw/import/unlogged s per run: {every}]"
            )


if __name__ == "__main__":
    main()
