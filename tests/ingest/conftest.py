"""Fixtures for import/export tests: the good test package, a full dump of the store, fresh-store helpers."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from natije.store import Store
from natije.store.tables import metadata

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "ingest" / "good"
BAD = DATA / "bad"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A writable copy of the good test package (tests/data/ingest/good)."""
    target = tmp_path / "good"
    shutil.copytree(GOOD, target)
    return target


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two dumps are equal exactly when the stores hold the same data."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def empty(store: Store) -> None:
    """Delete everything (the schema stays): an empty store again, on either backend."""
    with store.transaction() as conn:
        if store.dialect == "postgresql":
            # imported here: tests/ is not on the path of test_limits' child process, which imports dump
            from postgres_db import empty_postgres

            empty_postgres(conn)
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())


def files_of(folder: Path) -> dict[str, bytes]:
    """Name → bytes of every file in ``folder``."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def refused_after_good(store: Store, *paths: Path) -> list:
    """Import the good package, then ``paths``: they must be refused and the store left as it was.

    Returns the problems reported.
    """
    from natije.errors import ValidationError
    from natije.services.ingestion import import_paths

    import_paths(store, [GOOD])
    before = dump(store)
    with pytest.raises(ValidationError) as info:
        import_paths(store, list(paths))
    assert dump(store) == before
    return info.value.problems
