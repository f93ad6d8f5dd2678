"""Turn ``--db PATH|URL`` (or ``NATIJE_DATABASE_URL``) into a configured SQLAlchemy engine.

A bare path is an SQLite file (the embedded store); ``postgresql://`` URLs run on psycopg 3, installed by the
optional extra ``natije[postgres]``.

>>> resolve_url("postgresql://u@h/db")
'postgresql+psycopg://u@h/db'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from natije.errors import ConfigurationError, Text

DEFAULT_PATH = "natije.db"
ENV_VAR = "NATIJE_DATABASE_URL"
_SUPPORTED = {"sqlite", "sqlite+pysqlite", "postgresql+psycopg"}
BUSY_TIMEOUT_MS = 600_000
"""How long an SQLite writer waits for another one (an import of millions of rows takes minutes)."""
WRITE_FLAG = "natije_write"
"""``Connection.info`` key set by :meth:`natije.store.Store.transaction` on connections that will write."""


def resolve_url(text: str | None = None) -> str:
    """The SQLAlchemy URL for ``text`` (a path or URL); ``None`` falls back to the env var, then ./natije.db.

    Raises
    ------
    ConfigurationError
        When the URL cannot be parsed or names a database natije does not support.
    """
    raw = (text if text is not None else os.environ.get(ENV_VAR)) or DEFAULT_PATH
    raw = raw.strip()
    if not raw:
        raise ConfigurationError(Text("error.db_url_empty"))
    if "://" not in raw:
        if raw == ":memory:":
            return "sqlite://"
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    scheme, rest = raw.split("://", 1)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg3"):
        scheme = "postgresql+psycopg"
    if scheme not in _SUPPORTED:
        raise ConfigurationError(Text("error.db_url_scheme", scheme=scheme), url=raw)
    url = f"{scheme}://{rest}"
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(Text("error.db_url_unparsable", url=raw, reason=str(exc)), url=raw) from exc
    if scheme.startswith("postgresql") and not parsed.database:
        raise ConfigurationError(Text("error.db_url_no_database", url=raw), url=raw)
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level; SQLAlchemy issues BEGIN itself (see _sqlite_begin) so that the
    # whole import is one real transaction, DDL included.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    # first, so that every statement below (journal_mode too) waits for another writer instead of failing
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.execute("PRAGMA cache_size = -65536")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # a write transaction takes SQLite's write lock at BEGIN (IMMEDIATE): concurrent imports queue up for
    # it (busy_timeout) instead of failing when a read lock cannot be upgraded halfway through
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get(WRITE_FLAG) else "BEGIN")
    # lets fast readers tell whether this transaction has written anything yet (see store.fastread)
    conn.info["natije_changes_at_begin"] = conn.connection.driver_connection.total_changes


def make_engine(text: str | None = None, **kwargs: Any) -> Engine:
    """A configured engine for ``text`` (see :func:`resolve_url`).

    SQLite connections get ``foreign_keys=ON``, WAL journaling and ``synchronous=NORMAL``.

    Raises
    ------
    ConfigurationError
        A bad URL, a missing folder for an SQLite file, or a PostgreSQL URL without the driver installed
        (``pip install 'natije[postgres]'``).
    """
    url = resolve_url(text)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and not Path(path).parent.exists():
            raise ConfigurationError(Text("error.db_dir_missing", path=path), url=url)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401  (the optional natije[postgres] extra)
    except ImportError as exc:
        raise ConfigurationError(Text("error.postgres_driver_missing"), url=url) from exc
    return create_engine(url, pool_pre_ping=True, **kwargs)
