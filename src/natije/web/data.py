"""What the pages and the API read: service calls, each kept in the app's memo under the store's version and
the day.

A :class:`Reader` is made per request: it reads the store version and today's date once, so every view of one
request sees the same data judged on the same day, and a view computed for an earlier request at that version
on that day is served from memory. The present view of a program is read from the snapshot the store keeps
(written by the import that changed it, or by the first reader of a new day: see
:func:`natije.services.monitoring.program_snapshot`), never recomputed per request; a view ``as_of`` a day
or on first promises is computed once per version and kept in the memo.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

import polars as pl

from natije.services import catalog, evaluation, indicators, ledger_public, monitoring
from natije.services import search as finder
from natije.services.territories import TerritoryRow, list_territories
from natije.web.cache import Memo

T = TypeVar("T")


class VersionWatch:
    """The store's version as one app instance sees it, read again at most once per ``interval`` seconds.

    Reading it takes a pooled connection and a query: most of the time of a page kept in memory. Within
    ``interval`` seconds of an import (or a stored evaluation) a worker may still answer from the version
    before it; every answer of one request names one version either way.
    """

    def __init__(self, store: Any, interval: float) -> None:
        self.store = store
        self.interval = interval
        self._lock = threading.Lock()
        self._seen: tuple[str, float] | None = None

    def current(self) -> str:
        """The version read less than ``interval`` seconds ago, else the store's now."""
        now = time.monotonic()
        with self._lock:
            if self._seen is not None and now - self._seen[1] < self.interval:
                return self._seen[0]
        version = monitoring.store_version(self.store)
        with self._lock:
            self._seen = (version, now)
        return version


class Reader:
    """Cached reads of one store at one version, on one day."""

    def __init__(self, store: Any, memo: Memo, version: str | None = None) -> None:
        self.store = store
        self.memo = memo
        self.version = version if version is not None else monitoring.store_version(store)
        self.day = monitoring.today()
        #: what an answer's entity tag depends on: the data (store version) and the day it is judged on
        self.state = f"{self.version} {self.day.isoformat()}"

    def cached(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()`` kept under ``key``, this store version and the day (views cache their charts with
        them too): what is judged on today is judged again tomorrow."""
        return self.memo.get((*key, self.version, self.day), compute)

    def programs(self, as_of: date | None = None) -> list[catalog.ProgramSummary]:
        """Every program, oldest first; with ``as_of``, those known on that day."""
        return self.cached(("programs", as_of), lambda: catalog.list_programs(self.store, as_of=as_of))

    def program(self, code: str) -> catalog.ProgramDetails:
        """One program in full; raises ``NotFound``."""
        return self.cached(("program", code), lambda: catalog.show_program(self.store, code))

    def snapshot(
        self, code: str, as_of: date | None = None, basis: str = "current"
    ) -> monitoring.ProgramSnapshot:
        """Results (every territory), flags and scorecard of a program on a day."""
        return self.cached(
            ("snapshot", code, as_of, basis),
            lambda: monitoring.program_snapshot(
                self.store, code, as_of, basis, day=self.day, version=self.version
            ),
        )

    def scorecards(self, as_of: date | None = None) -> list[Any]:
        """Every program's scorecard (concepts a chain dropped listed on its latest program's card)."""
        return self.cached(
            ("scorecards", as_of),
            lambda: monitoring.scorecards(self.store, as_of, day=self.day, version=self.version),
        )

    def lineage(self, code: str, lang: str, as_of: date | None = None) -> pl.DataFrame:
        """Promises of a program and its predecessors, worded in ``lang``."""
        return self.cached(
            ("lineage", code, lang, as_of),
            lambda: monitoring.program_lineage(self.store, code, as_of, lang=lang),
        )

    def series(self, code: str, as_of: date | None = None) -> indicators.IndicatorSeries:
        """An indicator's observations and commitment versions; raises ``NotFound``."""
        return self.cached(
            ("series", code, as_of), lambda: indicators.indicator_series(self.store, code, as_of)
        )

    def national_series(self, code: str, as_of: date | None = None) -> indicators.IndicatorSeries:
        """An indicator's national observations and commitment versions only (a program page's charts);
        raises ``NotFound``."""
        return self.cached(
            ("national-series", code, as_of),
            lambda: indicators.indicator_series(self.store, code, as_of, national_only=True),
        )

    def territories(self) -> list[TerritoryRow]:
        """Every territory of the store."""
        return self.cached(("territories",), lambda: list_territories(self.store))

    def territory(self, code: str) -> TerritoryRow | None:
        """One territory by KATO code, or ``None``."""
        return next((row for row in self.territories() if row.code == code), None)

    def territory_values(self, kato: str, regions: tuple[str, ...]) -> pl.DataFrame:
        """The latest value of every indicator one region reports, ranked among ``regions``."""
        codes = tuple(p.code for p in self.programs())
        return self.cached(
            ("territory-values", kato, regions),
            lambda: indicators.territory_values(self.store, codes, kato, regions),
        )

    def evaluations(self, program: str | None = None) -> list[Any]:
        """Stored evaluations, newest first."""
        return self.cached(("evaluations", program), lambda: evaluation.history(self.store, program))

    def evaluation(self, evaluation_id: int) -> Any:
        """One stored evaluation; raises ``NotFound``."""
        return self.cached(("evaluation", evaluation_id), lambda: evaluation.get(self.store, evaluation_id))

    def search(self, query: str) -> list[finder.Hit]:
        """Programs, indicators and territories matching ``query``."""
        return self.cached(("search", finder.fold(query)), lambda: finder.search(self.store, query))

    def checkpoint(self) -> ledger_public.PublishedCheckpoint:
        """The log's latest signed checkpoint; raises ``ConfigurationError`` without a key."""
        return self.cached(("checkpoint",), lambda: ledger_public.published_checkpoint(self.store))

    def public_key(self) -> ledger_public.PublishedKey:
        """The public key the checkpoints verify with; raises ``ConfigurationError`` without one."""
        return self.cached(("public-key",), lambda: ledger_public.published_key(self.store))

    def value_proof(self, value_id: str) -> ledger_public.ValueProof:
        """The inclusion proof of one observation's entry; raises ``NotFound``, ``ConfigurationError``."""
        return self.cached(("proof", value_id), lambda: ledger_public.proven_value(self.store, value_id))

    def consistency(self, first: int, second: int | None) -> Any:
        """The consistency proof between two tree sizes; raises ``BadRequest`` for a size outside the log."""
        return self.cached(
            ("consistency", first, second), lambda: ledger_public.consistency(self.store, first, second)
        )

    def value_ids(
        self, indicators: tuple[str, ...], territories: tuple[str, ...] | None = None
    ) -> dict[ledger_public.Key, int]:
        """The observations' numbers of a page's values (one query per page), for the links to proofs."""
        return self.cached(
            ("value-ids", indicators, territories),
            lambda: ledger_public.value_ids(self.store, indicators, territories),
        )
