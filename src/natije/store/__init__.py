"""The store: SQLAlchemy tables, Alembic migrations, transactions, repositories and fast frame reads.

SQLite file by default (the embedded store), PostgreSQL by URL; every function takes a
``sqlalchemy.Connection`` from :meth:`Store.transaction` or :meth:`Store.connect`.
"""

from __future__ import annotations

from natije.store.engine import make_engine, resolve_url
from natije.store.session import Store

__all__ = ["Store", "make_engine", "resolve_url"]
