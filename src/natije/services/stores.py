"""The store an edge works on, opened by its URL:
the edges (CLI, web) name a store without importing ``natije.store``.

>>> store = open_store(":memory:")
>>> store.dialect
'sqlite'
"""

from __future__ import annotations

from natije.store import Store

__all__ = ["Store", "open_store"]


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (a path or URL; ``None`` = ``$NATIJE_DATABASE_URL`` or ./natije.db).

    Raises ``ConfigurationError`` for a URL no engine can open.
    """
    return Store.open(url)
