"""Memory of one program page: peak RSS of a process that builds it, and what the web app's memo keeps.

Builds (once) an SQLite store holding one program, ``BIG``: INDICATORS annual indicators with a national
baseline and target, observed for the country and for ``--rows`` settlement rows in all (the regional detail
a program page does not draw). Then, in a fresh process, the app answers ``/en/programs/BIG`` and reports the
process's peak resident set size and the bytes of the series frames kept in the memo.
Run: .venv/bin/python benchmarks/program_page_memory.py [--rows 400000] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl

INDICATORS, YEARS = 5, tuple(range(2000, 2025))


def build(path: str, rows: int) -> None:
    """The store at ``path``: program BIG, its national promises, national and settlement values."""
    from natije.domain.commitments import Commitment, CommitmentKind
    from natije.domain.indicators import Direction, Indicator
    from natije.domain.names import Names
    from natije.domain.observations import Source
    from natije.domain.package import ProgramPackage
    from natije.domain.periods import Period
    from natije.domain.programs import Program, ProgramKind, ProgramStatus
    from natije.domain.territories import Territory, TerritoryLevel
    from natije.services.catalog import initialise
    from natije.store import Store
    from natije.store.catalog import write_package
    from natije.store.observations import merge_observations

    places = rows // (INDICATORS * len(YEARS))
    n, codes = Names("x", "x", "x"), [f"I{i}" for i in range(INDICATORS)]
    promises = tuple(
        Commitment(code, kind, Period.parse(year), value, date(2014, 12, 1), "Decree")
        for code in codes
        for kind, year, value in (
            (CommitmentKind.BASELINE, "2014", 10.0),
            (CommitmentKind.TARGET, "2030", 90.0),
        )
    )
    package = ProgramPackage(
        Program("BIG", n, ProgramKind.STATE_PROGRAM, 2015, 2030, ProgramStatus.IN_FORCE),
        sources=(Source("s", "S"),),
        indicators=tuple(Indicator(code, n, "%", Direction.INCREASE) for code in codes),
        commitments=promises,
        territories=tuple(Territory(f"T{t:06d}", n, TerritoryLevel.SETTLEMENT) for t in range(places)),
    )
    frame = (
        pl.DataFrame({"indicator": codes})
        .join(pl.DataFrame({"territory": ["000000000"] + [f"T{t:06d}" for t in range(places)]}), how="cross")
        .join(pl.DataFrame({"period": [str(y) for y in YEARS]}), how="cross")
        .with_columns(
            period_start=(pl.col("period").cast(pl.Int32) * 12).cast(pl.Int32),
            value=pl.lit(50.0),
            source=pl.lit("s"),
            as_of=pl.lit(datetime(2025, 3, 1)),
        )
    )
    store = Store.open(path)
    try:
        initialise(store)
        with store.transaction() as conn:
            write_package(conn, package)
            merge_observations(conn, frame.iter_slices(500_000), reason="bench")
    finally:
        store.close()


def page(path: str) -> None:
    """Answer the program page in this process; print its status, peak RSS and the memo's series bytes."""
    from fastapi.testclient import TestClient

    from natije.web import Settings, create_app

    app = create_app(Settings(database_url=path, warm=False))
    with TestClient(app) as client:
        started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        status = client.get("/en/programs/BIG").status_code
        memo = app.state.natije.memo
        kept = [v for v in memo.values() if hasattr(v, "observations")]
        size = sum(v.observations.estimated_size() + v.commitments.estimated_size() for v in kept)
        count = sum(v.observations.height for v in kept)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "status": status,
                "peak_rss_mb_at_start": round(started),
                "peak_rss_mb": round(peak),
                "series_rows_kept": count,
                "series_mb_kept": round(size / 2**20, 3),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--db", default="")
    parser.add_argument("--page", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db = args.db or f"/tmp/natije_program_page_{args.rows}.db"
    if args.page:
        page(db)
        return
    if not Path(db).exists():
        build(db, args.rows)
    subprocess.run([sys.executable, __file__, "--page", "--db", db], check=True)


if __name__ == "__main__":
    main()
