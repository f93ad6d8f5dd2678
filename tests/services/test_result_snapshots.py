"""Stored result snapshots: written by the import that changes a program, in its transaction; read for the
present when they are of today and of the store's version, never otherwise; computed once on a new day; exact
round trips; a read-only store still answers (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from demo_store import demo_loaded_on, demo_template, store_copy
from polars.testing import assert_frame_equal
from postgres_db import POSTGRES
from sqlalchemy import create_engine, event, select

from natije import __version__
from natije.demo import demo_paths
from natije.services import monitoring, snapshots
from natije.services.catalog import initialise
from natije.services.demo import load_demo
from natije.services.ingestion import import_paths
from natije.store import Store
from natije.store import snapshots as stored
from natije.store import tables as T
from natije.store.evaluations import StoredEvaluation, save_evaluation

D0, D1 = date(2026, 3, 2), date(2026, 3, 3)
PROGRAMS = ("IK2020", "DK2018", "TB2021", "AI2023")
PARTS = ("results", "flags", "budget", "scorecard", "national")  # a stored row after its key


class Clock:
    """The monitoring service's today, set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, day: date) -> None:
        self.day = day
        monkeypatch.setattr(monitoring, "today", lambda: self.day)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, D0)


class Counter:
    """Counts the engine's runs behind the snapshots; ``fail`` makes the next ones raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.fail = False
        real = snapshots.compute

        def counted(conn: Any, code: str, *args: Any) -> snapshots.ProgramSnapshot:
            self.calls.append(code)
            if self.fail:
                raise RuntimeError(f"engine failed on {code}")
            return real(conn, code, *args)

        monkeypatch.setattr(snapshots, "compute", counted)


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def demo_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store holding the demo loaded on day ``D0``, once per backend: the tests change copies of it."""
    with demo_template(request.param, tmp_path_factory.mktemp("snapshots"), D0) as url:
        yield url


@pytest.fixture
def demo(demo_url: str, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """The demo loaded on day ``D0`` (SQLite and PostgreSQL), in a store of the test's own."""
    with store_copy(demo_url, tmp_path) as url:
        store = Store.open(url)
        yield store
        store.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite demo store loaded on ``D0``, copied by the tests that only need SQLite."""
    return demo_loaded_on(tmp_path_factory.mktemp("snapshots") / "demo.db", D0)


@pytest.fixture
def sqlite_demo(demo_file: Path, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    store = Store.open(str(path))
    yield store
    store.close()


def rows(store: Store) -> list[tuple]:
    """Every stored snapshot, whole, in key order."""
    s = T.result_snapshots
    with store.connect() as conn:
        return [tuple(r) for r in conn.execute(select(s).order_by(s.c.program, s.c.day, s.c.store_version))]


def assert_same(a: snapshots.ProgramSnapshot, b: snapshots.ProgramSnapshot) -> None:
    """Equal frames (dtypes, nulls and order too), scorecard and national codes."""
    for name in ("results", "flags", "budget"):
        assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
        assert getattr(a, name).schema == getattr(b, name).schema
    assert repr(a.scorecard.to_dict()) == repr(b.scorecard.to_dict())
    assert (a.code, a.as_of, a.basis, a.national) == (b.code, b.as_of, b.basis, b.national)


def computed(store: Store, code: str, day: date) -> snapshots.ProgramSnapshot:
    with store.connect() as conn:
        return snapshots.compute(conn, code, None, "current", day)


def changed_package(tmp_path: Path, code: str) -> Path:
    """A copy of demo program ``code`` whose first observation has another value."""
    (source,) = [p for p in demo_paths() if p.name == code]
    folder = tmp_path / code
    shutil.copytree(source, folder)
    csv = folder / "observations.csv"
    header, first, *rest = csv.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    at = header.split(",").index("value")
    cells[at] = str(float(cells[at]) + 1)
    csv.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    return folder


def test_an_import_stores_the_present_view_of_every_program_it_changes(
    demo: Store, engine_runs: Counter
) -> None:
    version = monitoring.store_version(demo)
    keys = [(r[0], r[1], r[2]) for r in rows(demo)]
    assert keys == sorted((code, D0, version) for code in PROGRAMS)
    for code in PROGRAMS:  # read back, not computed: and the same as the engine's
        assert_same(monitoring.program_snapshot(demo, code), computed(demo, code, D0))
    assert engine_runs.calls == list(PROGRAMS)  # only the comparisons ran the engine


def test_a_failed_import_leaves_the_snapshots_as_they_were(
    demo: Store, engine_runs: Counter, tmp_path: Path
) -> None:
    before, version = rows(demo), monitoring.store_version(demo)
    package = changed_package(tmp_path, "DK2018")
    engine_runs.fail = True
    with pytest.raises(RuntimeError, match="engine failed"):
        import_paths(demo, [package])
    assert rows(demo) == before and monitoring.store_version(demo) == version
    engine_runs.fail = False
    import_paths(demo, [package])  # the program, its predecessor IK2020 and every program they lead to
    assert [(r[0], r[2]) for r in rows(demo)] == [
        (code, monitoring.store_version(demo)) for code in ("AI2023", "DK2018", "IK2020", "TB2021")
    ]


def test_importing_a_successor_refreshes_its_predecessors(
    store: Store, clock: Clock, engine_runs: Counter
) -> None:
    """AI2023 continues IK2020's rural settlements on fibre, which DK2018 and TB2021 did not track: until it
    is imported their flags call the count dropped; the import that brings it stores their views again."""
    initialise(store)
    *first, last = demo_paths()
    assert last.name == "AI2023"
    import_paths(store, [str(p) for p in first])

    def dropped(code: str) -> set[str]:
        f = monitoring.program_snapshot(store, code).flags
        return set(f.filter(f["flag"] == "dropped_from_portfolio")["indicator"])

    assert "IK2020.RURAL_FIBRE" in dropped("DK2018") and "IK2020.RURAL_FIBRE" in dropped("TB2021")
    import_paths(store, [str(last)])
    assert [(r[0], r[2]) for r in rows(store)] == [
        (code, monitoring.store_version(store)) for code in sorted(PROGRAMS)
    ]
    engine_runs.calls.clear()
    assert "IK2020.RURAL_FIBRE" not in dropped("DK2018") | dropped("TB2021")
    assert {"DK2018.ECOMMERCE_SHARE", "DK2018.JOBS"} <= dropped("TB2021")
    assert engine_runs.calls == []  # read from the snapshots the import stored


def test_an_import_that_changes_nothing_keeps_the_snapshots(demo: Store, engine_runs: Counter) -> None:
    before = rows(demo)
    load_demo(demo)
    assert rows(demo) == before and engine_runs.calls == []


def test_a_new_day_is_computed_once_then_read(sqlite_demo: Store, clock: Clock, engine_runs: Counter) -> None:
    assert monitoring.program_snapshot(sqlite_demo, "AI2023").scorecard.as_of == str(D0)
    assert engine_runs.calls == []
    clock.day = D1
    first = monitoring.program_snapshot(sqlite_demo, "AI2023")
    assert first.scorecard.as_of == str(D1) and engine_runs.calls == ["AI2023"]
    again = monitoring.program_snapshot(sqlite_demo, "AI2023")
    assert engine_runs.calls == ["AI2023"]
    assert_same(again, first)
    assert_same(again, computed(sqlite_demo, "AI2023", D1))
    days = {(r[0], r[1]) for r in rows(sqlite_demo)}
    assert ("AI2023", D1) in days and ("AI2023", D0) not in days  # yesterday's row was dropped
    assert ("DK2018", D0) in days  # the others wait for their own first read


def test_a_snapshot_of_another_version_is_never_served(sqlite_demo: Store, engine_runs: Counter) -> None:
    version = monitoring.store_version(sqlite_demo)
    real = monitoring.program_snapshot(sqlite_demo, "AI2023")

    def store_fake(national: str, natije: str) -> None:
        """Only a snapshot of AI2023 that the engine would never give, under today's key but ``natije``."""
        fake = snapshots.ProgramSnapshot(
            "AI2023",
            None,
            "current",
            real.results.head(1),
            real.flags,
            real.scorecard,
            (national,),
            real.budget,
        )
        row = snapshots.encode(fake, D0, version)
        with sqlite_demo.transaction() as conn:
            stored.drop_all_snapshots(conn)
            key = stored.SnapshotKey("AI2023", D0, version, natije)
            stored.write_snapshots(conn, [stored.SnapshotRow(key, *(getattr(row, f) for f in PARTS))])

    store_fake("y", "99.0")  # another natije's: computed again
    assert_same(monitoring.program_snapshot(sqlite_demo, "AI2023"), real)
    assert engine_runs.calls == ["AI2023"]
    store_fake("x", __version__)  # this natije's: read from the store
    assert monitoring.program_snapshot(sqlite_demo, "AI2023").national == ("x",)
    with sqlite_demo.transaction() as conn:  # a stored evaluation is a new store version
        save_evaluation(
            conn,
            StoredEvaluation(
                None, "AI2023", "AI2023.X", "did", {}, "0" * 64, {}, datetime(2026, 3, 2), "0.1.0"
            ),
        )
    assert_same(monitoring.program_snapshot(sqlite_demo, "AI2023"), real)
    assert engine_runs.calls == ["AI2023", "AI2023"]


@pytest.mark.parametrize("code", PROGRAMS)
def test_a_stored_snapshot_reads_back_exactly(sqlite_demo: Store, code: str) -> None:
    with sqlite_demo.transaction() as conn:
        stored.drop_all_snapshots(conn)
    made = computed(sqlite_demo, code, D0)
    assert snapshots.keep(sqlite_demo, made, D0, monitoring.store_version(sqlite_demo))
    with sqlite_demo.connect() as conn:
        back = snapshots.read(conn, code, D0, monitoring.store_version(sqlite_demo))
    assert back is not None
    assert_same(back, made)


def read_only(store: Store) -> Store:
    """The same database opened so that nothing can be written (as a reader without write permission)."""
    if store.dialect == "sqlite":
        ro = Store.open(str(store.engine.url.database))
        event.listen(ro.engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA query_only = ON"))
        return ro
    options = {"options": "-c default_transaction_read_only=on"}
    return Store(create_engine(store.engine.url, connect_args=options))


def test_a_read_only_store_answers_without_keeping(demo: Store, clock: Clock, engine_runs: Counter) -> None:
    before = rows(demo)
    clock.day = D1
    ro = read_only(demo)
    try:
        answer = monitoring.program_snapshot(ro, "TB2021")
        again = monitoring.program_snapshot(ro, "TB2021")
    finally:
        ro.close()
    assert engine_runs.calls == ["TB2021", "TB2021"] and rows(demo) == before
    assert_same(answer, again)
    assert_same(answer, computed(demo, "TB2021", D1))


def test_readers_racing_on_a_new_day_keep_one_snapshot(demo: Store, clock: Clock) -> None:
    clock.day = D1
    url = demo.engine.url.render_as_string(hide_password=False)
    stores = [Store.open(url) for _ in range(3)]
    answers: list[snapshots.ProgramSnapshot] = []
    errors: list[BaseException] = []

    def read(store: Store) -> None:
        try:
            answers.append(monitoring.program_snapshot(store, "DK2018"))
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert errors == [] and len(answers) == 3
    for a in answers[1:]:
        assert_same(a, answers[0])
    assert [r[:2] for r in rows(demo) if r[0] == "DK2018"] == [("DK2018", D1)]


def test_older_rows_only_are_dropped(sqlite_demo: Store) -> None:
    row = rows(sqlite_demo)[0]
    parts = dict(zip([c.name for c in T.result_snapshots.columns], row, strict=True))

    def key(day: date, version: str) -> stored.SnapshotKey:
        return stored.SnapshotKey(parts["program"], day, version, parts["natije_version"])

    made = [key(D0, "9.0"), key(D0, "10.0"), key(D1, "2.0")]
    with sqlite_demo.transaction() as conn:
        stored.drop_all_snapshots(conn)
        stored.write_snapshots(conn, [stored.SnapshotRow(k, *(parts[f] for f in PARTS)) for k in made])
        stored.drop_older_snapshots(conn, key(D0, "10.0"))  # a writer behind: nothing of D1 goes
    assert [(r[1], r[2]) for r in rows(sqlite_demo)] == [(D0, "10.0"), (D1, "2.0")]
