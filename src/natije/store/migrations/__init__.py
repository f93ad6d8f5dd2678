"""Alembic migrations run from code: :func:`upgrade` brings a database to the schema in ``tables.py``.

The Alembic environment lives beside this module (``env.py``, ``versions/``); no ``alembic.ini`` is needed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r'^(revision|down_revision) = (?:"([^"]*)"|None)$', re.MULTILINE)

# Reading a store only asks which revision it is at (and which is the newest): both are answered here without
# importing Alembic, which costs a command a large share of its start-up; Alembic runs when a store
# is migrated.


def config(engine: Engine | None = None) -> Config:
    """An Alembic configuration pointing at this package; ``engine`` is handed to ``env.py``."""
    from alembic.config import Config

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
    from alembic import command

    cfg = config(conn.engine)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


@cache
def head() -> str:
    """The newest revision id shipped with this package:
    the one no other revision in ``versions/`` revises."""
    revised: set[str] = set()
    revisions: set[str] = set()
    for script in (HERE / "versions").glob("*.py"):
        for name, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            (revisions if name == "revision" else revised).add(value)
    (rev,) = revisions - revised - {""}
    return rev


def current(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as conn:
        return current_on(conn)


def current_on(conn: Connection) -> str | None:
    """The revision the database behind ``conn`` is at, or ``None`` (read in the caller's transaction)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
