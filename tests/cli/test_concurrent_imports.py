"""Imports that run at the same time, in separate processes, all succeed: none fails on a uniqueness race.

Six ``natije import`` processes start together on one store that does not exist yet; each brings its own
program and all of them name the same agency, source and district. The first creates the store; the others
wait for the store's write lock (SQLite BEGIN IMMEDIATE with a busy timeout, PostgreSQL advisory lock) and
find the shared rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_packages import DISTRICT, postgres, write_program
from sqlalchemy import func, select

from natije.services.ledger import verify
from natije.store import Store
from natije.store import tables as T

PROCESSES = 6
SCRIPT = [sys.executable, "-c", "from natije.cli import main; main()"]


def _import_at_once(db: str, packages: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [*SCRIPT, "--db", db, "--lang", "en", "import", str(p)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for p in packages
    ]
    done = []
    for proc, pkg in zip(procs, packages, strict=True):
        out, err = proc.communicate(timeout=600)
        done.append(subprocess.CompletedProcess([str(pkg)], proc.returncode, out, err))
    return done


def _count(store: Store, table: object) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _check(db: str, tmp_path: Path) -> None:
    codes = [f"C{i}" for i in range(PROCESSES)]
    packages = [write_program(tmp_path / code, code, district=True) for code in codes]
    for run in _import_at_once(db, packages):
        assert run.returncode == 0, f"{run.args}: {run.stderr}"
        assert "Traceback" not in run.stderr and "IntegrityError" not in run.stderr
    store = Store.open(db)
    try:
        with store.connect() as conn:
            assert sorted(conn.execute(select(T.programs.c.code)).scalars()) == codes
            assert list(conn.execute(select(T.agencies.c.code)).scalars()) == ["SHARED"]
            assert list(conn.execute(select(T.sources.c.code)).scalars()) == ["shared_stat"]
            assert (
                conn.execute(select(func.count()).where(T.territories.c.code == DISTRICT)).scalar_one() == 1
            )
        assert _count(store, T.observations) == PROCESSES * 14
        assert _count(store, T.imports) == PROCESSES
        report = verify(store)  # the log took the imports in the order of the lock, one checkpoint each
        assert report.intact, report.findings[:3]
        assert report.checkpoints == PROCESSES
    finally:
        store.close()


def test_six_imports_at_once_on_a_new_sqlite_store(tmp_path: Path) -> None:
    _check(str(tmp_path / "shared.db"), tmp_path)


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=postgres)])
def test_six_imports_at_once_on_a_new_postgres_database(
    fresh_postgres: str, tmp_path: Path, backend: str
) -> None:
    _check(fresh_postgres, tmp_path)


def test_six_imports_at_once_on_an_existing_sqlite_store(cli: Callable, tmp_path: Path) -> None:
    db = str(tmp_path / "existing.db")
    assert cli("--db", db, "init")[0] == 0
    _check(db, tmp_path)
