"""Collecting every problem of one import run: the list is capped, the count is not.

Checks add problems one by one or a whole failing slice of a batch at once; only the first ``cap`` become
:class:`~natije.errors.Problem` objects, so a file with a million bad rows stays cheap to report.
"""

from __future__ import annotations

import threading
from typing import Any

import polars as pl

from natije.errors import Problem, ValidationError

DEFAULT_CAP = 1000


class ProblemLog:
    """Problems found so far; ``total`` counts all of them, ``items`` keeps the first ``cap``."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.cap = cap
        self.items: list[Problem] = []
        self.total = 0
        self._lock = (
            threading.Lock()
        )  # a read-ahead thread logs file-level problems while batches are checked

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def add(
        self, file: str, row: int | None, column: str | None, value: Any, expected: str, code: str = "invalid"
    ) -> None:
        """Record one problem."""
        with self._lock:
            self.total += 1
            if len(self.items) < self.cap:
                self.items.append(Problem(file, row, column, value, expected, code=code))

    def add_rows(
        self,
        file: str,
        failing: pl.DataFrame,
        column: str,
        expected: str,
        code: str,
        value_column: str | None = None,
    ) -> None:
        """Record one problem per row of ``failing`` (a batch slice with ``row`` and the offending column)."""
        n = failing.height
        if n == 0:
            return
        with self._lock:
            self.total += n
            room = self.cap - len(self.items)
            if room <= 0:
                return
            head = failing.head(room)
            rows = head["row"].to_list()
            values = head[value_column or column].to_list()
            self.items.extend(Problem(file, r, column, v, expected, code=code) for r, v in zip(rows, values))

    def extend(self, problems: list[Problem]) -> None:
        """Record already-built problems."""
        with self._lock:
            for p in problems:
                self.total += 1
                if len(self.items) < self.cap:
                    self.items.append(p)

    def sorted_items(self) -> list[Problem]:
        """Problems ordered by file, then row, then column: the order a person fixes them in."""
        return sorted(self.items, key=lambda p: (p.file, p.row if p.row is not None else -1, p.column or ""))

    def error(self) -> ValidationError:
        """The :class:`ValidationError` to raise for these problems."""
        shown = self.sorted_items()
        head = f"{self.total} problem(s) found"
        if self.total > len(shown):
            head += f" (first {len(shown)} listed)"
        err = ValidationError(shown, message=head)
        err.fields["total"] = self.total
        return err

    def raise_if_any(self) -> None:
        """Raise :meth:`error` when anything was recorded."""
        if self.total:
            raise self.error()
