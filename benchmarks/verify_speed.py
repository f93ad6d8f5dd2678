"""Verify speed: ``natije verify`` of a SQLite store of N imported observations, wall time and peak RSS.

The store is built once (the package of ``benchmarks/import_speed.py``, imported through the service, so
every observation has its log entry) and kept: ``--store FILE`` names it and it is reused when it exists. Each
run is ``/usr/bin/time -v natije --db FILE --lang en verify`` in a new process; the script prints its wall
time, peak RSS, CPU time and the load average beside it. ``--old SRC`` (another checkout's ``src`` folder)
times that code too, alternating with this one, when it exists; otherwise only this code is timed.

Run: PYTHONPATH=src .venv/bin/python benchmarks/verify_speed.py --rows 1000000 --store /tmp/v1m.db
[--repeats 2] [--old /path/to/other/src]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from import_speed import make_package

SRC = Path(__file__).resolve().parent.parent / "src"


def build(store: Path, rows: int) -> None:
    """Import a package of ``rows`` observations into a new SQLite store at ``store``."""
    from natije.services.ingestion import import_paths
    from natije.store import Store

    with tempfile.TemporaryDirectory() as folder:
        make_package(Path(folder) / "pkg", rows)
        opened = Store.open(f"sqlite:///{store}")
        opened.init()
        t0 = time.perf_counter()
        import_paths(opened, [Path(folder) / "pkg"])
        print(f"built {store}: {rows} observations in {time.perf_counter() - t0:.1f} s", flush=True)


def run_verify(src: Path, store: Path) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MB, CPU seconds, last output line) of one ``natije verify``, a new process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    natije = str(Path(sys.executable).parent / "natije")
    cmd = ["/usr/bin/time", "-v", natije, "--db", str(store), "--lang", "en", "verify"]
    done = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if wall is None or rss is None:
        raise RuntimeError(done.stderr[-2000:])
    cpu = sum(float(t) for t in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr))
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return total, int(rss.group(1)) / 1024, cpu, f"exit {done.returncode}: {lines[-1] if lines else ''}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--old", type=Path, help="another checkout's src folder, timed beside this one")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    if not args.store.exists():
        build(args.store, args.rows)
    if args.build_only:
        return
    sides = [("this", SRC)]
    if args.old is not None and (args.old / "natije").is_dir():
        sides.append(("old", args.old))
    print(f"command: /usr/bin/time -v natije --db {args.store} --lang en verify")
    for run in range(args.repeats):
        for name, src in sides:
            load = os.getloadavg()
            wall, rss, cpu, said = run_verify(src, args.store)
            print(
                f"run {run + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss:.0f} MB, "
                f"load before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {said}",
                flush=True,
            )


if __name__ == "__main__":
    main()
