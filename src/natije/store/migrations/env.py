"""Alembic environment: runs on the connection handed over by :func:`natije.store.migrations.upgrade`."""

from __future__ import annotations

from alembic import context

from natije.store.tables import metadata

cfg = context.config
connection = cfg.attributes.get("connection")
if connection is None:  # pragma: no cover - natije always passes a connection
    raise RuntimeError("natije migrations run through natije.store.migrations.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
