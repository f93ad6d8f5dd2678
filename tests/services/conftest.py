"""The shipped demo loaded once per test module (SQLite and PostgreSQL), judged on a fixed day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from natije.services import monitoring
from natije.services.demo import load_demo
from natije.store import Store

LOADED = date(2026, 12, 7)


@pytest.fixture(scope="module")
def demo(module_db_url: str) -> Iterator[Store]:
    """The demo in a store of each backend, loaded with the monitoring service's today set to ``LOADED``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(monitoring, "today", lambda: LOADED)
        store = Store.open(module_db_url)
        load_demo(store)
        yield store
        store.close()


@pytest.fixture
def fresh(store: Store) -> Iterator[Store]:
    """The demo in a fresh store of each backend per test (for tests that write), judged on ``LOADED``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(monitoring, "today", lambda: LOADED)
        load_demo(store)
        yield store
