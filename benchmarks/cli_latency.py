"""CLI latency: whole-process time of ``natije`` commands vs ``sqlite-utils`` on the same demo store.

Each command runs as its own process, as a person runs it; the two tools alternate run by run, and the median
of each is compared, which keeps background load on a shared machine from deciding the ratio. The peak RSS and
CPU time of every run are the child's own (``os.wait4`` returns the rusage of that one process); the median
CPU time is printed beside the wall time, as a check on a loaded machine.

Goals (natije median / sqlite-utils median):

- ``natije --help``                          ≤ 2 × ``sqlite-utils --help``
- ``natije programs --format json``          ≤ 3 × ``sqlite-utils query`` of the programs table
- ``natije results AI2023 --format json``    ≤ 4 × ``sqlite-utils query`` of the program's observations,
  peak RSS < 150 MB

The demo store is built with ``natije --db FILE demo --no-serve`` unless ``--db`` names one.

natije is byte-compiled first, as installing it does: pip writes every module's bytecode at install (the
peer's is there), while a checkout run with ``PYTHONDONTWRITEBYTECODE`` set would compile natije's modules
from source on every run, a cost no installed copy pays.

``sqlite-utils`` imports pandas and NumPy whenever they are installed (they are, in natije's environment),
which costs it half a second a run; ``--peer lean`` (the default) runs it with both unavailable, as it runs
when installed on its own, ``--peer installed`` runs its script as it is.

Run: .venv/bin/python benchmarks/cli_latency.py [--db demo.db] [--repeats 15] [--peer lean|installed]
(``sqlite-utils`` is in the ``bench`` extra; ``natije`` is the script beside this Python.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
OBSERVATIONS = (
    "select o.* from observations o join indicators i on i.id = o.indicator_id "
    "join programs p on p.id = i.program_id where p.code = 'AI2023'"
)


@dataclass(frozen=True)
class Pair:
    """A natije command, the sqlite-utils command it is compared with, and the goals."""

    name: str
    natije: list[str]
    peer: list[str]
    max_ratio: float
    max_rss_mb: float | None = None


LEAN = "import sys; sys.modules.update(pandas=None, numpy=None); from sqlite_utils.cli import cli; cli()"


def pairs(db: str, peer: str) -> list[Pair]:
    natije = str(BIN / "natije")
    utils = [str(BIN / "sqlite-utils")] if peer == "installed" else [sys.executable, "-c", LEAN]
    return [
        Pair("--help", [natije, "--help"], [*utils, "--help"], 2.0),
        Pair(
            "programs --format json",
            [natije, "--db", db, "programs", "--format", "json"],
            [*utils, "query", db, "select * from programs"],
            3.0,
        ),
        Pair(
            "results AI2023 --format json",
            [natije, "--db", db, "results", "AI2023", "--format", "json"],
            [*utils, "query", db, OBSERVATIONS],
            4.0,
            150.0,
        ),
    ]


@dataclass(frozen=True)
class Run:
    """One run of a command: wall and CPU (user + system) seconds, peak RSS in MB."""

    seconds: float
    cpu: float
    rss_mb: float


def run(argv: list[str]) -> Run:
    """One run of ``argv``, measured; raises if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{errors}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # ru_maxrss: KiB on Linux


def byte_compile_natije() -> Path:
    """Write the bytecode of the natije package the commands import (the one this Python finds), as pip
    does."""
    import compileall

    import natije

    package = Path(natije.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return package


def build_demo(db: Path) -> None:
    subprocess.run(
        [str(BIN / "natije"), "--db", str(db), "demo", "--no-serve"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Demo store to query (default: build one in a temporary folder).")
    parser.add_argument("--repeats", type=int, default=15, help="Runs of each command (default 15).")
    parser.add_argument(
        "--peer",
        choices=("lean", "installed"),
        default="lean",
        help="sqlite-utils without pandas and NumPy (default) or as installed.",
    )
    parser.add_argument("--warmup", type=int, default=2, help="Runs of each command not counted (default 2).")
    args = parser.parse_args()
    print(f"natije from {byte_compile_natije()} (byte-compiled)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "demo.db"
        if not args.db:
            build_demo(db)
        failed = False
        print(
            f"{'command':30} {'natije ms':>9} {'peer ms':>8} {'ratio':>6} {'goal':>5} {'RSS MB':>7} "
            f"{'peer RSS':>8} {'CPU ms':>7} {'peer CPU':>8}"
        )
        for pair in pairs(str(db), args.peer):
            for _ in range(args.warmup):
                run(pair.natije), run(pair.peer)
            ours, theirs = [], []
            for _ in range(args.repeats):  # alternate, so both sides see the same background load
                ours.append(run(pair.natije))
                theirs.append(run(pair.peer))
            t_ours, t_peer = (statistics.median(r.seconds for r in side) for side in (ours, theirs))
            cpu, peer_cpu = (statistics.median(r.cpu for r in side) for side in (ours, theirs))
            rss, peer_rss = (max(r.rss_mb for r in side) for side in (ours, theirs))
            ratio = t_ours / t_peer
            ok = ratio <= pair.max_ratio and (pair.max_rss_mb is None or rss < pair.max_rss_mb)
            failed |= not ok
            print(
                f"{pair.name:30} {t_ours * 1000:9.0f} {t_peer * 1000:8.0f} "
                f"{ratio:6.2f} {pair.max_ratio:4.0f}× "
                f"{rss:7.0f} {peer_rss:8.0f} {cpu * 1000:7.0f} {peer_cpu * 1000:8.0f}  "
                f"{'ok' if ok else 'MISSED'}"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
