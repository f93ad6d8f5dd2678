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


def demo_with_evaluation(path: Path) -> Path:
    """The demo in a new SQLite store at ``path`` with one stored evaluation: the fibre roll-out's effect on
    rural internet use (Callaway–Sant'Anna, not-yet-treated regions as controls, dynamic aggregation)."""
    from natije.demo import fibre_cohorts_path
    from natije.services.evaluation import evaluate_indicator, read_cohort_file
    from natije.services.stores import open_store

    store = open_store(str(path))
    load_demo(store)
    evaluate_indicator(
        store,
        "AI2023",
        "AI2023.RURAL_INTERNET_USERS",
        method="cs",
        cohort=read_cohort_file(fibre_cohorts_path()),
        control="not-yet",
        aggregation="dynamic",
        label="fibre",
    )
    store.close()
    return path
