"""The demo in an SQLite file as if loaded on a given day, for tests that copy it instead of loading it; a
store copied with its signing key."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest
from postgres_db import clone_postgres, drop_postgres, new_postgres_database
from sqlalchemy.engine import make_url

from natije.services import monitoring
from natije.services.demo import load_demo
from natije.services.ledger_keys import key_path, public_path
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


@contextmanager
def demo_template(backend: str, folder: Path, day: date | None = None) -> Iterator[str]:
    """The URL of a closed store holding the demo, loaded through the import service (so logged and
    checkpointed), with the monitoring service's today set to ``day`` when given: an SQLite file in
    ``folder`` (``"sqlite"``) or a new PostgreSQL database (dropped at the end). Tests edit copies of it
    (:func:`store_copy`)."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = str(folder / "natije.db")
        else:
            url = stack.enter_context(new_postgres_database())
        with pytest.MonkeyPatch.context() as mp:
            if day is not None:
                mp.setattr(monitoring, "today", lambda: day)
            store = Store.open(url)
            try:
                load_demo(store)
            finally:
                store.close()
        yield url


@contextmanager
def store_copy(source: str, folder: Path) -> Iterator[str]:
    """The URL of a copy of the closed store ``source`` with its signing key: an SQLite file in ``folder``, or
    a new PostgreSQL database made with ``source`` as its template (dropped at the end)."""
    postgres = source.startswith("postgresql")
    if postgres:
        target = clone_postgres(source, str(make_url(source).database))
    else:
        target = str(shutil.copyfile(source, folder / Path(source).name))
    try:
        keys = []
        for url in (source, target):
            store = Store.open(url)
            keys.append(key_path(store))
            store.close()
        kept, copied = keys
        if kept is not None and copied is not None and kept != copied:
            copied.parent.mkdir(parents=True, exist_ok=True)
            for path, copy in ((kept, copied), (public_path(kept), public_path(copied))):
                if path.exists():
                    shutil.copyfile(path, copy)
        yield target
    finally:
        if postgres:
            drop_postgres(target)
