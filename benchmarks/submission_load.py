"""Submission load: concurrent reporters posting submissions to a real server while an approver approves.

For each backend (SQLite file, PostgreSQL database) the script prepares a store (the demo, program ``LOAD``
with a region per client, a reporter token per client and an approver token: ``tests/submission_load.py``),
serves it with ``natije serve --workers N`` (``--workers``), and has ``--clients`` threads each send
``--submissions`` submissions of 1 to 3 new values (a tenth of them sent twice with their ``Idempotency-Key``:
half after the answer, half at the same moment) while ``--approvers`` threads approve, in batches of up to 50,
every value the answers name. Then it checks the store as the test does (every value stored once, each
submission's rows, replays answered with the first answer, approved values published once, the log intact)
and prints, per backend: requests and values per second, p50/p95/max latency of every request (submissions,
their retries and the decisions), the statuses, replays, approved values and errors, with the load average
before and after.

Run::

    .venv/bin/python benchmarks/submission_load.py                        # 16 clients × 2,000, both stores
    .venv/bin/python benchmarks/submission_load.py --submissions 100 --backend sqlite

PostgreSQL: the server of ``--postgres`` (default the local one, trust auth); the script creates a uniquely
named database and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from postgres_db import new_postgres_database
from submission_load import check_store, line, prepare, published, run_load, served


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def trial(backend: str, url: str, folder: Path, args: argparse.Namespace) -> None:
    load = prepare(url, folder / "package", args.clients, approvers=args.approvers)
    before = published(url)
    print(f"{backend}: before, {_load()}", flush=True)
    with served(url, workers=args.workers) as base:
        tally, sent, seconds = run_load(
            base, load, args.submissions, seed=args.seed, approve=args.approvers > 0, deadline=args.deadline
        )
    print(line(backend, tally, seconds), flush=True)
    print(f"{backend}: after, {_load()}", flush=True)
    check_store(url, tally, sent, before)
    print(
        f"{backend}: store checked: every value once, every replay the first answer, log intact", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--submissions", type=int, default=2000, help="per client")
    parser.add_argument("--approvers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument("--deadline", type=float, default=4 * 3600, help="seconds before it counts as stuck")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {args.clients} clients × {args.submissions} submissions, "
        f"{args.approvers} approver(s), {args.workers} workers",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            trial("sqlite", str(Path(tmp) / "load.db"), Path(tmp) / "sqlite", args)
        if args.backend in ("postgresql", "both"):
            with new_postgres_database() as url:
                trial("postgresql", url, Path(tmp) / "postgresql", args)


if __name__ == "__main__":
    main()
