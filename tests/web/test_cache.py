"""The memo of computed views: least recently used entries dropped, concurrent misses computed once, a
program page's series kept to what it draws."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from natije.web import create_app
from natije.web.cache import Memo
from natije.web.settings import Settings


def test_concurrent_misses_of_one_key_compute_once() -> None:
    memo, calls, start = Memo(8), [], threading.Barrier(8)

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to ask meanwhile
        return "view"

    def ask(_: int) -> str:
        start.wait()
        return memo.get(("page",), compute)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers == ["view"] * 8
    assert len(calls) == 1 and memo.computed == 1


def test_other_keys_are_not_held_up_by_a_computation() -> None:
    memo, started = Memo(8), threading.Event()
    release = threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "slow"

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(memo.get, ("slow",), slow)
        assert started.wait(5)
        assert memo.get(("fast",), lambda: "fast") == "fast"  # answered while "slow" is still computing
        release.set()
        assert pending.result() == "slow"


def test_errors_are_not_kept_and_lru_drops_the_oldest() -> None:
    memo = Memo(2)
    with pytest.raises(ZeroDivisionError):
        memo.get(("a",), lambda: 1 // 0)
    assert memo.get(("a",), lambda: 1) == 1
    memo.get(("b",), lambda: 2)
    memo.get(("a",), lambda: -1)  # a hit: "a" becomes the most recent
    memo.get(("c",), lambda: 3)  # drops "b"
    assert memo.get(("a",), lambda: -1) == 1 and memo.get(("b",), lambda: 20) == 20
    assert memo.computed == 4


def test_default_size_holds_the_warm_up_of_a_store_with_hundreds_of_indicators() -> None:
    # the warm-up keeps about four views per indicator (its series, and its chart in each of three languages)
    # and a dozen per program: 300 indicators in 10 programs must still fit, or it evicts what it built
    assert Settings().cache_size >= 4 * 300 + 12 * 10


def test_the_store_version_is_read_again_only_after_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    from natije.services import monitoring
    from natije.web.data import VersionWatch

    versions = iter(["1.0", "2.0", "3.0"])
    reads: list[str] = []

    def store_version(store: object) -> str:
        reads.append(next(versions))
        return reads[-1]

    monkeypatch.setattr(monitoring, "store_version", store_version)
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    watch = VersionWatch(store=None, interval=1.0)
    assert [watch.current(), watch.current()] == ["1.0", "1.0"]  # the second within the interval: no read
    clock[0] += 0.99
    assert watch.current() == "1.0"
    clock[0] += 0.02  # the interval has passed since the read
    assert watch.current() == "2.0"
    every = VersionWatch(store=None, interval=0.0)
    assert every.current() == "3.0" and reads == ["1.0", "2.0", "3.0"]


def test_a_serving_worker_s_warmed_views_are_out_of_the_collector_s_walks(demo_db: Path) -> None:
    # a full collection walks every tracked object with the interpreter lock held; what a worker keeps from
    # its warm-up never becomes garbage, so it is frozen and the collections that pause requests skip it
    try:
        with TestClient(create_app(Settings(database_url=str(demo_db), warm=True))) as client:
            warming = next(t for t in threading.enumerate() if t.name == "natije-warm")
            warming.join(timeout=300)
            kept = [v for v in client.app.state.natije.memo.values() if gc.is_tracked(v)]  # type: ignore[attr-defined]
            walked = {id(o) for o in gc.get_objects()}
        assert not warming.is_alive() and len(kept) > 20
        assert gc.get_freeze_count() > 100_000  # the imported modules and the app, too
        assert not any(id(v) in walked for v in kept)
    finally:
        gc.unfreeze()  # the test process goes on collecting as before


def test_a_program_page_keeps_only_the_national_series_it_draws(demo_db: Path) -> None:
    from natije.services.indicators import IndicatorSeries

    app = create_app(Settings(database_url=str(demo_db)))
    with TestClient(app) as client:
        page = client.get("/en/programs/AI2023")
        kept = [v for v in app.state.natije.memo.values() if isinstance(v, IndicatorSeries)]
        assert page.status_code == 200 and "AI2023.VILLAGES_FIBRE_SHARE" in page.text
        assert kept and all(set(s.observations["territory"]) <= set(s.national) for s in kept)
        assert all(s.commitments["territory"].drop_nulls().is_in(list(s.national)).all() for s in kept)
        # the indicator page still reads every region: its map and regions' table
        regions = client.get("/en/indicators/AI2023.VILLAGES_FIBRE_SHARE/regions.csv?period=2025").text
        assert regions.count("\n") > 17
