"""A PostgreSQL database of a test's own, on the server NATIJE_TEST_POSTGRES_URL names.

The tests talk to the real server: by default the one this machine and CI run at 127.0.0.1:5432 (trust auth).
Point them elsewhere with ``NATIJE_TEST_POSTGRES_URL=...``; only an explicitly empty value switches them off.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from natije.store.engine import resolve_url
from natije.store.tables import metadata

PG_ENV = "NATIJE_TEST_POSTGRES_URL"
PG_URL = os.environ.get(PG_ENV, "postgresql://postgres@127.0.0.1:5432/test")
# the marks of every PostgreSQL test: selectable by `-m postgres`, off only when the URL is set empty
POSTGRES = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason=f"PostgreSQL tests switched off: {PG_ENV} is empty"),
]


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """The URL of a new, empty database on the server named by NATIJE_TEST_POSTGRES_URL,
    dropped at the end."""
    assert PG_URL
    admin_url = make_url(resolve_url(PG_URL))
    name = f"natije_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_postgres(conn: Connection) -> None:
    """Delete every row of the store's tables and restart every sequence, as ``TRUNCATE … RESTART IDENTITY``
    does, at a tenth of its cost: TRUNCATE gives every table and index new files (about 0.4 s for a store)."""
    for table in reversed(metadata.sorted_tables):
        conn.execute(table.delete())
    conn.execute(
        text("SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) FROM pg_sequences")
    )


def clone_postgres(url: str, template: str) -> str:
    """A new database on ``url``'s server made from database ``template`` (nobody may be connected to it)."""
    admin_url = make_url(url).set(database="postgres")
    name = f"natije_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    """Drop the database ``url`` names."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()
