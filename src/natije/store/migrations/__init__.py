"""Alembic migrations run from code: :func:`upgrade` brings a database to the schema in ``tables.py``.

The Alembic environment lives beside this module (``env.py``, ``versions/``); no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

HERE = Path(__file__).parent


def config(engine: Engine | None = None) -> Config:
    """An Alembic configuration pointing at this package; ``engine`` is handed to ``env.py``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` (idempotent)."""
    with engine.begin() as conn:
        upgrade_on(conn, revision)


def upgrade_on(conn: Connection, revision: str = "head") -> None:
    """Migrate inside the caller's transaction on ``conn`` (the store's write lock is held by the caller)."""
    cfg = config(conn.engine)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def head() -> str:
    """The newest revision id shipped with this package."""
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as conn:
        return current_on(conn)


def current_on(conn: Connection) -> str | None:
    """The revision the database behind ``conn`` is at, or ``None`` (read in the caller's transaction)."""
    return MigrationContext.configure(conn).get_current_revision()
