"""Helpers of the crash tests: a package big enough that its import takes seconds, ``natije`` run as a real
process and killed with SIGKILL, and a fingerprint of everything an import writes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import polars as pl
from sqlalchemy import func, select

from natije.store import Store
from natije.store import tables as T

SCRIPT = [sys.executable, "-c", "from natije.cli import main; main()"]
INDICATORS = 10
MONTHS = 120
# every table an import writes, the log's three among them: the fingerprint counts them all
WRITTEN = (
    T.territories,
    T.programs,
    T.indicators,
    T.commitments,
    T.observations,
    T.observation_revisions,
    T.imports,
    T.ledger_blocks,
    T.ledger_nodes,
    T.ledger_checkpoints,
)


def write_package(folder: Path, rows: int, version: int) -> Path:
    """Program ``CRASH``: ``rows`` monthly values over :data:`INDICATORS` indicators and as many regions as
    needed; each ``version`` gives every value a different number (importing the next one revises all)."""
    folder.mkdir(parents=True, exist_ok=True)
    regions = [f"{110000000 + k * 1000:09d}" for k in range(-(-rows // (INDICATORS * MONTHS)))]
    territories = pl.DataFrame({"code": regions}).with_columns(
        level=pl.lit("region"), parent=pl.lit("000000000"), name_kk="R" + pl.col("code")
    )
    territories.with_columns(name_ru=pl.col("name_kk"), name_en=pl.col("name_kk")).write_csv(
        folder / "territories.csv"
    )
    indicators = "".join(
        f"  - {{code: CRASH.I{i}, names: {{kk: I{i}, ru: I{i}, en: I{i}}}, unit: '%', direction: increase,"
        f" frequency: M, span: {{from: 2010-01, to: 2019-12}}, source: crash}}\n"
        for i in range(INDICATORS)
    )
    (folder / "program.yaml").write_text(
        "format: natije-program/1\nsources:\n  - {code: crash, title: Generated, kind: illustrative}\n"
        "program: {code: CRASH, names: {kk: C, ru: C, en: C}, kind: project, start_year: 2010,"
        " end_year: 2019, status: in_force}\nindicators:\n" + indicators,
        encoding="utf-8",
    )
    months = [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)]
    frame = (
        pl.DataFrame({"indicator": [f"CRASH.I{i}" for i in range(INDICATORS)]})
        .join(pl.DataFrame({"territory": regions}), how="cross")
        .join(pl.DataFrame({"period": months}), how="cross")
        .head(rows)
    )
    values = (pl.int_range(0, frame.height, eager=True) * 7 + version * 13) % 1000 / 10  # 0 to 99.9 %
    frame.with_columns(value=values).write_csv(folder / "observations.csv")
    return folder


def fingerprint(db: str) -> dict[str, object]:
    """Row counts of every table an import writes to store ``db``, and a digest of the observations' keys and
    values (the store is closed again: a PostgreSQL template must have no one connected)."""
    store = Store.open(db)
    with closing(store), store.connect() as conn:
        counts: dict[str, object] = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in WRITTEN
        }
        o, i, r = T.observations, T.indicators, T.territories
        digest = hashlib.sha256()
        key = (i.c.code, r.c.code, o.c.period)  # codes, not ids: a rolled-back PostgreSQL insert uses up ids
        rows = select(*key, o.c.value, o.c.n_values).join_from(o, i).join(r, r.c.id == o.c.territory_id)
        for row in conn.execute(rows.order_by(*key)):
            digest.update(repr(tuple(row)).encode())
    return {**counts, "observations_digest": digest.hexdigest()}


def environment(**extra: str) -> dict[str, str]:
    """The environment of a ``natije`` process: this interpreter's import path, a wide terminal."""
    return {**os.environ, "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(sys.path), **extra}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``natije ARGS`` to its end."""
    return subprocess.run(
        [*SCRIPT, "--lang", "en", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env or environment(),
        timeout=900,
    )


def timed(*args: str, env: dict[str, str] | None = None) -> float:
    """Seconds ``natije ARGS`` takes to its end (it must succeed)."""
    start = time.perf_counter()
    done = run(*args, env=env)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def killed_after(delay: float, *args: str, env: dict[str, str] | None = None) -> int | None:
    """Start ``natije ARGS``, SIGKILL it after ``delay`` seconds; its exit code when it ended before that."""
    proc = subprocess.Popen(
        [*SCRIPT, "--lang", "en", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env or environment(),
    )
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None
