"""Web load: ``wrk`` against four routes of ``natije serve``, on the demo store and on the demo plus 10 M
observations, beside a trivial FastAPI page served the same way (the framework's own floor).

For each backend (SQLite file, PostgreSQL database) the script builds two stores: the demo
(``natije --db URL demo --no-serve``) and the demo plus ``--extra-observations`` rows of one more program,
written through the store's own bulk path (PostgreSQL: ``COPY``) by the generator of
``benchmarks/store_read.py`` (50 monthly indicators, settlements × 240 months, 1 % of the values revised
later), so the pages read from a large ``observations`` table and the overview judges a large program. Each
store is served by ``natije serve`` with ``--workers`` processes; the trivial app (one sync route returning a
short HTML page, run in the thread pool like natije's routes) is served by uvicorn with the same workers.

Before measuring, the script waits until the server's processes are idle (each worker's start-up warm-up of
every program page is done), requests every URL until a whole round answers within a second on every worker
(each worker keeps its own memo), runs ``wrk`` for a few unrecorded seconds, and waits for idle again. Then
``wrk -c CONNECTIONS -d DURATION`` per URL; a Lua ``done`` hook prints the request count, the errors
(connect, read, write, timeout, status ≥ 400) and the 50th, 95th and 99th latency percentiles.

Goals (issue): zero errors; p95 on demo + 10 M ≤ 1.5 × p95 on the demo alone; every page's requests per
second ≥ 25 % of the trivial page's, measured on the same store's turn (both see the same background load).

Run::

    .venv/bin/python benchmarks/web_load.py                             # both backends, full size
    .venv/bin/python benchmarks/web_load.py --backend sqlite --duration 5 --extra-observations 1000000
    .venv/bin/python benchmarks/web_load.py --backend sqlite --dir /tmp/web --reuse   # keep SQLite stores

PostgreSQL: the server of ``--postgres`` (default the local one, trust auth); the script creates two uniquely
named databases and drops them at the end. ``wrk`` must be on the PATH (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
URLS = (
    ("overview", "/kk/"),
    ("program page", "/kk/programs/AI2023"),
    ("indicator page", "/kk/indicators/AI2023.VILLAGES_FIBRE_SHARE"),
    ("API list", "/api/v1/programs"),
)
#: ``--routes`` names a route by the first word of its name, lower-cased
ROUTES = {name.split()[0].lower(): (name, path) for name, path in URLS}
TRIVIAL = ("trivial FastAPI page", "/")
MAX_P95_RATIO, MIN_THROUGHPUT_SHARE = 1.5, 0.25
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def trivial() -> object:
    """The floor: a FastAPI app with one sync route returning a short HTML page (``uvicorn --factory``)."""
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>ok</title><p>ok</p>")

    return app


@dataclass(frozen=True)
class Load:
    """One ``wrk`` run: requests per second, latency percentiles in ms, errors of every kind."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    load_average: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk(url: str, connections: int, threads: int, seconds: float, script: Path) -> Load:
    """``wrk`` on ``url``; raises if it fails or prints no result."""
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    n, us, *errs, p50, p95, p99 = (int(x) for x in line.split()[1:])
    return Load(n, us / 1e6, sum(errs), p50 / 1000, p95 / 1000, p99 / 1000, os.getloadavg()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 900.0) -> tuple[int, float]:
    """Status and seconds of one GET (an HTTP error status is returned, not raised)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - start


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of process group ``pgid``."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, …, utime (11), stime (12)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def database_busy(db: str) -> Callable[[], bool]:
    """A check whether PostgreSQL is running a query in ``db`` (work the server's processes wait for, off
    their own CPU time); a SQLite store is read inside the server's processes, so never."""
    if "://" not in db or db.startswith("sqlite"):
        return lambda: False
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from natije.store.engine import resolve_url

    engine = create_engine(resolve_url(db), poolclass=NullPool)
    active = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
        "AND pid <> pg_backend_pid()"
    )

    def busy() -> bool:
        with engine.connect() as conn:
            return bool(conn.exec_driver_sql(active).scalar_one())

    return busy


def wait_idle(
    pgid: int,
    busy: Callable[[], bool] = lambda: False,
    limit: float = 3600.0,
    window: float = 3.0,
    cpu: float = 0.05,
) -> float:
    """Wait until the server's processes use less than ``cpu`` of one CPU over ``window`` seconds and
    ``busy()`` is false; return the seconds waited."""
    start = time.perf_counter()
    before = group_cpu_seconds(pgid)
    while time.perf_counter() - start < limit:
        time.sleep(window)
        now = group_cpu_seconds(pgid)
        if now - before < cpu * window and not busy():
            break
        before = now
    return time.perf_counter() - start


@contextmanager
def served(argv: list[str], base: str, env: dict[str, str]) -> Iterator[int]:
    """Run ``argv`` in a process group of its own; once ``base`` answers, yield the group id; stop it."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=log, env=env, start_new_session=True)
        try:
            deadline = time.perf_counter() + 300
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise SystemExit(
                        f"{' '.join(argv)} exited with {proc.returncode}:\n{log.read().decode()}"
                    )
                try:
                    get(base, timeout=5)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"{' '.join(argv)} did not answer within 300 s") from None
                    time.sleep(0.5)
            yield proc.pid
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def warm(url: str, workers: int) -> float:
    """Request ``url`` in rounds of ``4 × workers`` parallel requests until a whole round answers within a
    second (every worker has its views in memory); raises on any status but 200. Returns the slowest first
    answer."""
    first, rounds = 0.0, 0
    with ThreadPoolExecutor(4 * workers) as pool:
        while True:
            answers = list(pool.map(get, [url] * (4 * workers)))
            bad = [status for status, _ in answers if status != 200]
            if bad:
                raise SystemExit(f"{url} answered {bad[0]}")
            slowest = max(seconds for _, seconds in answers)
            first = max(first, slowest) if rounds == 0 else first
            rounds += 1
            if slowest < 1.0 and rounds >= 2:
                return first


@dataclass(frozen=True)
class Pair:
    """A page's ``wrk`` run and the trivial page's run just before it (same background load)."""

    floor: Load
    page: Load


def show(name: str, load: Load) -> None:
    print(
        f"    {time.strftime('%H:%M:%S', time.gmtime())} {name:22} {load.rps:8.1f} req/s  "
        f"p50 {load.p50:7.1f} ms  p95 {load.p95:7.1f} ms  "
        f"p99 {load.p99:7.1f} ms  errors {load.errors}  (load average {load.load_average:.1f})",
        flush=True,
    )


def measure(
    db: str, args: argparse.Namespace, env: dict[str, str], urls: list[tuple[str, str]]
) -> dict[str, Pair]:
    """Serve the store ``db`` and the trivial app side by side, warm every URL of ``urls``, then measure each
    page with ``wrk`` right after the trivial page, in the order of ``urls``."""
    floor_port, port = free_port(), free_port()
    floor, base = f"http://127.0.0.1:{floor_port}{TRIVIAL[1]}", f"http://127.0.0.1:{port}"
    results: dict[str, Pair] = {}
    with (
        served(trivial_argv(floor_port, args.workers), floor, env),
        served(natije_argv(db, port, args.workers), base + URLS[0][1], env) as pgid,
        tempfile.TemporaryDirectory() as tmp,
    ):
        script = Path(tmp) / "p95.lua"
        script.write_text(LUA)
        busy = database_busy(db)
        idle = wait_idle(pgid, busy)  # the workers' own start-up warm-up first: it competes for the memo
        print(f"    (server idle {idle:.0f} s after answering: its own warm-up)", flush=True)
        for url in (floor, *(base + path for _, path in urls)):
            slowest = warm(url, args.workers)
            wrk(url, args.connections, args.threads, min(3.0, args.duration), script)
            print(f"    (warmed {url}: slowest first answer {slowest:.2f} s)", flush=True)
        for name, path in urls:
            wait_idle(pgid, busy, limit=60)
            trivial_load = wrk(floor, args.connections, args.threads, args.duration, script)
            show(TRIVIAL[0], trivial_load)
            page = wrk(base + path, args.connections, args.threads, args.duration, script)
            show(name, page)
            results[name] = Pair(trivial_load, page)
    return results


def natije_argv(db: str, port: int, workers: int) -> list[str]:
    return [str(BIN / "natije"), "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers)]  # fmt: skip


def trivial_argv(port: int, workers: int) -> list[str]:
    run = (
        f"import uvicorn; uvicorn.run('web_load:trivial', factory=True, host='127.0.0.1', port={port}, "
        f"workers={workers}, log_level='warning')"
    )
    return [sys.executable, "-c", run]


def build_demo(db: str) -> None:
    subprocess.run([str(BIN / "natije"), "--db", db, "demo", "--no-serve"], check=True, capture_output=True)


def add_observations(db: str, rows: int) -> float:
    """Add a program of ``rows`` observations to the store ``db`` (``store_read.py``'s generator); returns
    the seconds it took."""
    sys.path.insert(0, str(HERE))
    from store_read import build

    from natije.store import Store

    store = Store.open(db)
    try:
        return build(store, rows)
    finally:
        store.close()


def count_observations(db: str) -> int:
    from natije.store import Store

    store = Store.open(db)
    try:
        with store.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM observations").scalar_one())
    finally:
        store.close()


@contextmanager
def stores(backend: str, args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    """The demo store and the demo + extra observations store of ``backend`` (built, or reused with
    ``--reuse`` for SQLite); PostgreSQL databases are dropped at the end."""
    if backend == "sqlite":
        folder = Path(args.dir or tempfile.mkdtemp(prefix="natije_web_load_"))
        folder.mkdir(parents=True, exist_ok=True)
        demo, big = folder / "demo.db", folder / f"demo_plus_{args.extra_observations}.db"
        if not (args.reuse and demo.exists()):
            demo.unlink(missing_ok=True)
            build_demo(str(demo))
        if not (args.reuse and big.exists()):
            big.unlink(missing_ok=True)
            shutil.copyfile(demo, big)
            seconds = add_observations(str(big), args.extra_observations)
            print(
                f"  {args.extra_observations:,} observations added to a copy of the demo in {seconds:.1f} s"
            )
        try:
            yield str(demo), str(big)
        finally:
            if not args.dir:
                shutil.rmtree(folder)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from natije.store.engine import resolve_url

    server = make_url(resolve_url(args.postgres))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    token = secrets.token_hex(4)
    names = [f"natije_web_load_{token}_{kind}" for kind in ("demo", "big")]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls = [server.set(database=n).render_as_string(hide_password=False) for n in names]
        for url in urls:
            build_demo(url)
        seconds = add_observations(urls[1], args.extra_observations)
        extra = f"~{args.extra_observations:,} observations"
        print(f"  the extra program ({extra}) added to the demo in {seconds:.1f} s (COPY)")
        yield urls[0], urls[1]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def versions() -> str:
    import fastapi
    import uvicorn

    wrk_version = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[1]
    return (
        f"Python {platform.python_version()}, FastAPI {fastapi.__version__}, uvicorn {uvicorn.__version__}, "
        f"wrk {wrk_version}, {os.cpu_count()} CPUs"
    )


def report(backend: str, runs: dict[str, dict[str, Pair]]) -> bool:
    """Print the table of one backend with its ratios; True when every goal is met."""
    demo, big = runs["demo"], runs["big"]
    head = ("demo req/s", "(trivial)", "big req/s", "(trivial)", "demo p95", "big p95", "p95 ratio")
    widths = (10, 9, 10, 9, 9, 9, 9)
    print(
        f"\n{backend}: {'page':16} " + " ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True)),
        end="",
    )
    print(f" {'share demo':>10} {'share big':>9} {'errors':>6}")
    ok = True
    for name in demo:
        d, b = demo[name], big[name]
        ratio = b.page.p95 / d.page.p95
        shares = d.page.rps / d.floor.rps, b.page.rps / b.floor.rps
        errors = d.page.errors + b.page.errors + d.floor.errors + b.floor.errors
        met = errors == 0 and ratio <= MAX_P95_RATIO and min(shares) >= MIN_THROUGHPUT_SHARE
        ok &= met
        print(
            f"{'':{len(backend) + 2}}{name:16} {d.page.rps:10.1f} {d.floor.rps:9.1f} {b.page.rps:10.1f} "
            f"{b.floor.rps:9.1f} {d.page.p95:7.1f}ms {b.page.p95:7.1f}ms {ratio:8.2f}× {shares[0]:9.0%} "
            f"{shares[1]:9.0%} {errors:6d}  {'ok' if met else 'MISSED'}"
        )
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--duration", type=float, default=30.0, help="Seconds of each measured wrk run (30).")
    ap.add_argument("--connections", type=int, default=32, help="wrk connections (32).")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (2).")
    ap.add_argument("--workers", type=int, default=2, help="Server worker processes, both apps (2).")
    ap.add_argument("--extra-observations", type=int, default=10_000_000, help="Rows added (10,000,000).")
    ap.add_argument("--dir", help="SQLite: keep the stores in this folder (default: a temporary one).")
    ap.add_argument("--reuse", action="store_true", help="SQLite: reuse the stores already in --dir.")
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="Server.")
    ap.add_argument("--json", help="Also write every measurement to this JSON file.")
    ap.add_argument(
        "--routes",
        default=",".join(ROUTES),
        help=f"Routes to measure, in this order, comma-separated ({','.join(ROUTES)}).",
    )
    args = ap.parse_args()
    unknown = [r for r in args.routes.split(",") if r not in ROUTES]
    if unknown:
        ap.error(f"--routes: unknown {', '.join(unknown)} (choose from {', '.join(ROUTES)})")
    urls = [ROUTES[r] for r in args.routes.split(",")]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not on the PATH (Debian: apt-get install wrk)")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {versions()}; {args.workers} workers, "
          f"{args.connections} connections, {args.duration:g} s per URL")  # fmt: skip
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    ok, everything = True, dict[str, object]()
    for backend in backends:
        print(f"{backend}: building the stores ...", flush=True)
        with stores(backend, args) as (demo, big):
            runs = {}
            for label, db in (("demo", demo), ("big", big)):
                print(f"  {label}: {count_observations(db):,} observations", flush=True)
                runs[label] = measure(db, args, env, urls)
        ok &= report(backend, runs)
        everything[backend] = {
            label: {
                name: {"trivial": vars(pair.floor), "page": vars(pair.page)} for name, pair in run.items()
            }
            for label, run in runs.items()
        }
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
