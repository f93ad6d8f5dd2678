"""Computed views kept per app instance, keyed by what they depend on and the store's version.

A key always ends with the store version (:func:`natije.services.monitoring.store_version`) and the day, so an
import, a stored evaluation or midnight makes every older entry unreachable; least recently used entries are
dropped past ``size``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """A thread-safe LRU of computed values (FastAPI runs sync routes in a thread pool).

    A value missing under a key is computed once: requests that ask for it meanwhile wait for that computation
    instead of repeating it (after an import, a popular page's first requests arrive together).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.computed = 0

    def values(self) -> list[Any]:
        """The values kept now, least recently used first (what this instance holds in memory)."""
        with self._lock:
            return list(self._items.values())

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under ``key``, computing and keeping it on a miss (errors are not kept)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            guard = self._computing.setdefault(key, threading.Lock())
        with guard:
            with self._lock:
                if key in self._items:  # computed by the request this one waited for
                    self._items.move_to_end(key)
                    return self._items[key]
            try:
                value = compute()
                with self._lock:
                    self._items[key] = value
                    self.computed += 1
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    if self._computing.get(key) is guard:
                        del self._computing[key]
        return value
