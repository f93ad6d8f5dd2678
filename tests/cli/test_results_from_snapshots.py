"""``natije results``, ``flags`` and ``scorecard`` answer from the stored snapshot byte for byte as the engine
does on the same day, for every demo program."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from demo_store import demo_loaded_on

from natije.services import monitoring, snapshots
from natije.store import Store
from natije.store import snapshots as stored

DAY = date(2026, 3, 2)
PROGRAMS = ("IK2020", "DK2018", "TB2021", "AI2023")
COMMANDS = [
    *(("results", code, "--format", "json") for code in PROGRAMS),
    *(("results", code, "--format", "json", "--territory", "all") for code in PROGRAMS),
    *(("flags", code, "--format", "json") for code in PROGRAMS),
    ("scorecard",),
]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, with the snapshot of every program judged on ``DAY``."""
    return demo_loaded_on(tmp_path_factory.mktemp("snapshots") / "demo.db", DAY)


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> str:
    """A copy of the demo store of its own (commands write snapshots into it)."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    return str(path)


def _no_engine(*_: object) -> None:
    raise AssertionError("the engine ran: the answer was not read from the snapshot")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_answer_from_the_snapshot_is_the_engines(
    demo_db: str,
    args: tuple[str, ...],
    cli: Callable[..., tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(monitoring, "today", lambda: DAY)
    with monkeypatch.context() as mp:
        mp.setattr(snapshots, "compute", _no_engine)
        code, from_snapshot = cli("--db", demo_db, *args)
    assert code == 0, from_snapshot
    store = Store.open(demo_db)
    try:
        with store.transaction() as conn:  # forced recompute: no snapshot left
            stored.drop_all_snapshots(conn)
        code, from_engine = cli("--db", demo_db, *args)
        assert code == 0, from_engine
        assert from_snapshot == from_engine
        version = monitoring.store_version(store)
        with store.connect() as conn:  # ... and what was computed is kept for the next command
            assert snapshots.read(conn, "AI2023" if args[0] == "scorecard" else args[1], DAY, version)
    finally:
        store.close()


def test_a_day_without_a_snapshot_is_computed_then_kept(
    demo_db: str, cli: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitoring, "today", lambda: date(2027, 1, 15))
    code, first = cli("--db", demo_db, "results", "AI2023", "--format", "json")
    assert code == 0
    with monkeypatch.context() as mp:
        mp.setattr(snapshots, "compute", _no_engine)
        code, second = cli("--db", demo_db, "results", "AI2023", "--format", "json")
    assert code == 0 and second == first
