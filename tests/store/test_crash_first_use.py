"""``natije demo`` killed while it creates the store (schema, signing key, built-in territories, the demo's
import) can simply be run again: the second run completes and the log verifies. A killed ``natije
checkpoint export -o FILE`` leaves no file or a whole, valid checkpoint. Delays are seeded, uniform up to
the measured run.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from crash_runs import fingerprint, killed_after, run, timed
from postgres_db import POSTGRES, new_postgres_database

from natije.ledger.verify import verify_checkpoint
from natije.services.ledger_keys import public_key
from natije.store import Store

SEED = 20261208
DEMO = ("--no-serve",)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_store(backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """``new_store()`` gives the URL of a store that does not exist yet (each call a new one). A SQLite
    store's key goes beside its file, a PostgreSQL one's into the test session's configuration folder."""
    with _new_stores(backend, tmp_path) as make:
        yield make


@contextmanager
def _new_stores(backend: str, folder: Path) -> Iterator[Callable[[], str]]:
    names = itertools.count()
    with ExitStack() as stack:

        def make() -> str:
            if backend == "sqlite":
                return str(folder / f"demo-{next(names)}.db")
            return stack.enter_context(new_postgres_database())

        yield make


@dataclass(frozen=True)
class Demo:
    """A store made by ``natije demo`` run to its end: its URL, how long the run took, its row counts."""

    db: str
    seconds: float
    counts: dict[str, object]


@pytest.fixture(scope="module")
def demo(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One clean ``natije demo`` run per backend, measured: the killed runs are drawn within its length and
    must end as it did; the checkpoint export is killed on its store."""
    with _new_stores(backend, tmp_path_factory.mktemp("demo")) as make:
        db = make()
        seconds = timed("--db", db, "demo", *DEMO)
        yield Demo(db, seconds, _counts(db))


def _counts(db: str) -> dict[str, object]:
    return {k: v for k, v in fingerprint(db).items() if k != "observations_digest"}


def _demo_killed(new_store: Callable[[], str], clean: Demo, trials: int) -> None:
    seconds, expected = clean.seconds, clean.counts
    rng = random.Random(SEED)
    for trial in range(trials):
        db, delay = new_store(), rng.uniform(0, seconds)
        where = f"trial {trial} (seed {SEED}, killed at {delay:.2f} s of {seconds:.2f} s)"
        killed_after(delay, "--db", db, "demo", *DEMO)
        again = run("--db", db, "demo", *DEMO)
        assert again.returncode == 0, f"{where}: {again.stderr}"
        done = run("--db", db, "verify")
        assert done.returncode == 0 and "Intact" in done.stdout, f"{where}: {done.stdout}{done.stderr}"
        assert _counts(db) == expected, where


def test_a_killed_demo_completes_when_run_again(new_store: Callable[[], str], demo: Demo) -> None:
    _demo_killed(new_store, demo, 1)


@pytest.mark.slow
def test_a_demo_killed_ten_times_completes_each_time(new_store: Callable[[], str], demo: Demo) -> None:
    _demo_killed(new_store, demo, 10)


def test_a_killed_checkpoint_export_leaves_no_partial_file(demo: Demo, tmp_path: Path) -> None:
    db = demo.db  # the export adds a checkpoint to the log: the demo's counts were taken before
    target = tmp_path / "checkpoint.txt"
    seconds = timed("--db", db, "checkpoint", "export", "-o", str(target))
    store = Store.open(db)
    key = public_key(store)
    store.close()
    assert key is not None
    rng = random.Random(SEED)
    for _ in range(3):
        target.unlink(missing_ok=True)
        killed_after(rng.uniform(0, seconds), "--db", db, "checkpoint", "export", "-o", str(target))
        if target.exists():
            verify_checkpoint(target.read_text(encoding="utf-8"), key)
    assert [p.name for p in tmp_path.glob("checkpoint*")] in ([], ["checkpoint.txt"])
