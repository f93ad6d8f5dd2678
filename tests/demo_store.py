"""The demo in an SQLite file as if loaded on a given day, for tests that copy it instead of loading it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from natije.services import monitoring
from natije.services.demo import load_demo
from natije.store import Store


def demo_loaded_on(path: Path, day: date) -> Path:
    """Load the demo into a new SQLite store at ``path`` with the monitoring service's today set to ``day``
    (so the import stores the present view of every program judged on ``day``); the store is closed, its
    write-ahead log checkpointed into the file, so that copying the file copies the store."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(monitoring, "today", lambda: day)
        store = Store.open(str(path))
        try:
            load_demo(store)
        finally:
            store.close()
    return path
