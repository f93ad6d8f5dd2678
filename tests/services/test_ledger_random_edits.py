"""Random edits made with SQL, one per trial on a copy of the demo store: every one is found, in its table.

The default run makes each kind of edit once; the slow run goes on to :data:`TRIALS` trials, the kinds drawn
at random after the first round."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from natije.services.demo import load_demo
from natije.services.ledger import verify
from natije.store import Store

TRIALS = 40
Edit = Callable[[sqlite3.Connection, random.Random], str]


def _some(conn: sqlite3.Connection, rng: random.Random, table: str) -> int:
    ids = [r[0] for r in conn.execute(f"SELECT id FROM {table}")]
    return rng.choice(ids)


def _update(table: str, change: str, logged: str | None = None) -> Edit:
    def edit(conn: sqlite3.Connection, rng: random.Random) -> str:
        conn.execute(f"UPDATE {table} SET {change} WHERE id = ?", (_some(conn, rng, table),))
        return logged or table

    return edit


def _delete(table: str) -> Edit:
    def edit(conn: sqlite3.Connection, rng: random.Random) -> str:
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (_some(conn, rng, table),))
        return table

    return edit


def _copy_commitment(conn: sqlite3.Connection, rng: random.Random) -> str:
    conn.execute(
        "INSERT INTO commitments (indicator_id, kind, period, period_start, territory, version, value, "
        "decided_on, document, note, recorded_at) SELECT indicator_id, kind, period, period_start, "
        "territory, version + 50, value, decided_on, document, note, recorded_at FROM commitments "
        "WHERE id = ?",
        (_some(conn, rng, "commitments"),),
    )
    return "commitments"


EDITS: list[Edit] = [
    _update("observations", "value = value + 0.5"),
    _update("observations", "note = 'x' || coalesce(note, '')"),
    _update("observations", "status = (status + 1) % 3"),
    _update("observations", "recorded_at = '2001-01-01 00:00:00.000000'"),
    _update("observations", "n_values = n_values + 1"),
    _delete("observations"),
    _update("commitments", "value = value * 1.5 + 1"),
    _update("commitments", "version = version + 100"),
    _update("commitments", "decided_on = '1999-01-02'"),
    _copy_commitment,
    _update("budget_lines", "amount = amount + 1"),
    _update("indicators", "name_en = name_en || '!'"),
    _update("territories", "name_ru = name_ru || '.'"),
    _update("programs", "end_year = end_year + 1"),
    _update("goals", "position = position + 7"),
    _update("observation_revisions", "value = value + 1"),
    _update("observation_revisions", "recorded_at = '1990-05-05 00:00:00.000000'"),
    _update("revision_reasons", "reason = reason || '?'", "observation_revisions"),
    _delete("observation_revisions"),
    _update("imports", "summary = summary || ' '"),
    _update("imports", "recorded_at = '2001-01-01 00:00:00.000000'"),
    _delete("imports"),
]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "natije.db"
    store = Store.open(str(path))
    load_demo(store)
    store.close()
    return path


def _trials(demo_file: Path, tmp_path: Path, trials: int) -> None:
    rng = random.Random(20261207)
    for trial in range(trials):
        edit = EDITS[trial % len(EDITS)] if trial < len(EDITS) else rng.choice(EDITS)
        copy = tmp_path / f"t{trial}.db"
        shutil.copy(demo_file, copy)
        with sqlite3.connect(copy) as conn:
            table = edit(conn, rng)
        conn.close()
        store = Store.open(str(copy))
        report = verify(store)
        store.close()
        assert not report.intact, (trial, table)
        assert table in {f.table for f in report.findings}, (trial, table, report.findings)


def test_every_kind_of_edit_is_found_in_its_table(demo_file: Path, tmp_path: Path) -> None:
    _trials(demo_file, tmp_path, len(EDITS))


@pytest.mark.slow
def test_every_random_edit_is_found_in_its_table(demo_file: Path, tmp_path: Path) -> None:
    _trials(demo_file, tmp_path, TRIALS)
