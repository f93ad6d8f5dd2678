"""A ``natije import`` killed with SIGKILL at a random moment leaves the store as it was or as the import
would have left it, never in between, and the log agrees with the tables (issue #12: crash safety).

Each trial starts from a copy of a prepared store (SQLite: a file copy; PostgreSQL: ``CREATE DATABASE …
TEMPLATE``), runs the real command line in its own process and kills it after a delay drawn uniformly between
0 and the measured length of the same import run to its end (seeded: a failing trial names its seed and
delay).
Half the trials import a package into a store without it (the bulk path), half the next version of the same
package into a store that holds the first (every value revised: the staged path). After each kill ``natije
verify`` must exit 0 saying the log is intact, and the fingerprint of the store (row counts of every table an
import writes, the log's entries, nodes and checkpoints among them, and a digest of the observations) must be
the one before or the one after. The slow tests run 50 trials per backend; the
default run one, of the bulk path (the staged path's store is then not prepared).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from crash_runs import environment, fingerprint, killed_after, run, timed
from crash_runs import write_package as package
from postgres_db import POSTGRES, clone_postgres, drop_postgres, new_postgres_database
from sqlalchemy.engine import make_url

ROWS = 10_000
"""Observation rows of the package of the slow trials (the default run's are a fifth: its kills land mostly
in the start-up and the validation, the slow run's more often inside the write)."""
SEED = 20261207


@dataclass
class Stores:
    """Copies of prepared stores on one backend: ``template(name)`` keeps the store at ``url`` as a template,
    ``copy(name)`` gives a new store equal to it, ``discard(url)`` removes a copy."""

    backend: str
    folder: Path
    server: str = ""
    templates: dict[str, str] = field(default_factory=dict)

    def new(self) -> str:
        if self.backend == "sqlite":
            return str(self.folder / f"store-{len(list(self.folder.glob('*.db')))}.db")
        return clone_postgres(self.server, "template0")

    def template(self, name: str, url: str) -> None:
        self.templates[name] = url

    def copy(self, name: str) -> str:
        source = self.templates[name]
        if self.backend == "sqlite":
            target = self.new()
            shutil.copyfile(source, target)
            return target
        return clone_postgres(source, str(make_url(source).database))

    def discard(self, url: str) -> None:
        if self.backend == "sqlite":
            for path in Path(url).parent.glob(Path(url).name + "*"):
                path.unlink()
        else:
            drop_postgres(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "sqlite":
        yield Stores("sqlite", tmp_path)
        return
    with new_postgres_database() as server:
        made = Stores("postgresql", tmp_path, server)
        try:
            yield made
        finally:
            for url in made.templates.values():
                drop_postgres(url)


def _intact(db: str, env: dict[str, str]) -> None:
    done = run("--db", db, "verify", env=env)
    assert done.returncode == 0 and "Intact" in done.stdout, done.stdout + done.stderr


def _measured(stores: Stores, start: str, pkg: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    """How long importing ``pkg`` into a copy of ``start`` takes, and the store it leaves."""
    db = stores.copy(start)
    seconds = timed("--db", db, "import", str(pkg), env=env)
    after = fingerprint(db)
    stores.discard(db)
    return seconds, after


def _trials(stores: Stores, tmp_path: Path, trials: int, rows: int) -> None:
    env = environment(NATIJE_LEDGER_KEY=str(tmp_path / "log-key.pem"))
    first, second = package(tmp_path / "v0", rows, 0), package(tmp_path / "v1", rows, 1)
    empty = stores.new()
    assert run("--db", empty, "init", env=env).returncode == 0
    stores.template("empty", empty)
    starts = [("empty", first)]
    if trials > 1:  # the odd trials import the next version into a store holding the first
        with_first = stores.copy("empty")
        assert run("--db", with_first, "import", str(first), env=env).returncode == 0
        stores.template("first", with_first)
        starts.append(("first", second))
    runs: list[tuple[str, Path, dict[str, object], float, dict[str, object]]] = []
    for start, pkg in starts:
        seconds, after = _measured(stores, start, pkg, env)
        runs.append((start, pkg, fingerprint(stores.templates[start]), seconds, after))
    rng = random.Random(SEED)
    outcomes = {"before": 0, "after": 0, "ended before the kill": 0}
    for trial in range(trials):
        start, pkg, before, seconds, after = runs[trial % len(runs)]
        delay = rng.uniform(0, seconds)
        db = stores.copy(start)
        where = (
            f"trial {trial} (seed {SEED}, {stores.backend}, {start} + {pkg.name}, killed at {delay:.2f} s)"
        )
        if killed_after(delay, "--db", db, "import", str(pkg), env=env) is not None:
            outcomes["ended before the kill"] += 1
        _intact(db, env)
        state = fingerprint(db)
        assert state in (before, after), f"{where}: {state} is neither {before} nor {after}"
        outcomes["before" if state == before else "after"] += 1
        if trial in (0, trials - 1):  # the import runs again to its end, and the log still verifies
            assert run("--db", db, "import", str(pkg), env=env).returncode == 0, where
            _intact(db, env)
            assert fingerprint(db) == after, where
        stores.discard(db)
    took = " and ".join(f"{r[3]:.1f} s" for r in runs)
    print(f"{stores.backend}: {trials} kills, {outcomes}, imports of {took}")


def test_an_import_killed_once_leaves_the_store_before_or_after(stores: Stores, tmp_path: Path) -> None:
    _trials(stores, tmp_path, 1, ROWS // 5)


@pytest.mark.slow
def test_an_import_killed_fifty_times_leaves_the_store_before_or_after(
    stores: Stores, tmp_path: Path
) -> None:
    _trials(stores, tmp_path, 50, ROWS)
