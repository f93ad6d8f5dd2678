"""Migrations produce exactly the schema of ``natije.store.tables`` on every backend, and re-run safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from natije.store import Store
from natije.store.migrations import config, current, head
from natije.store.tables import metadata


def test_migrated_schema_matches_metadata(store: Store) -> None:
    with store.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_head_read_without_alembic_is_alembics_head() -> None:
    assert head() == ScriptDirectory.from_config(config()).get_current_head()


def test_init_is_idempotent_and_at_head(store: Store) -> None:
    store.init()
    assert current(store.engine) == head()
    assert set(metadata.tables) <= set(store.table_names())
