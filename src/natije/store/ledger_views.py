"""What the log records of a row: each logged table's key and columns, with ids replaced by codes.

One :class:`View` per logged table is the single definition of a row's logged form: the writers read the rows
they change through it (before and after) and :mod:`natije.services.ledger` reads every row through it to
compare the tables with the log. Store-internal ids are left out (they are not facts anyone published);
references are logged as the codes they point at, so an entry reads the same in any copy of the store.

``observation_revisions`` is not a view of its own: a revision is logged inside the observation entry that
appended it (``revision`` in docs/ledger.md), or, for histories imported from ``revisions.csv``, as an entry
of table ``observation_revisions`` whose key is the observation's and the revision's time and value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, select, tuple_

from natije.store import tables as T

# foreign-key columns and the table whose code they are logged as
_REFS = {
    "program_id": ("program", T.programs),
    "indicator_id": ("indicator", T.indicators),
    "territory_id": ("territory", T.territories),
    "source_id": ("source", T.sources),
}


@dataclass(frozen=True)
class View:
    """A logged table: its name, key columns and logged columns (after the id → code renaming)."""

    table: Table
    key: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name

    def select(self) -> Select[Any]:
        """Every row as key and logged columns, ordered by the key (built once: statements are immutable)."""
        return self._query

    @cached_property
    def _query(self) -> Select[Any]:
        source: Any = self.table
        columns: list[Any] = []
        for column in self.table.c:
            if column.name == "id" and "id" not in self.key:
                continue
            if column.name in _REFS:
                label, target = _REFS[column.name]
                ref = target.alias(f"ref_{label}")
                source = source.outerjoin(ref, ref.c.id == column)
                columns.append(ref.c.code.label(label))
            else:
                columns.append(column)
        query = select(*columns).select_from(source)
        return query.order_by(*(query.selected_columns[k] for k in self.key))

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The logged columns that are not key columns."""
        return tuple(c.name for c in self.select().selected_columns if c.name not in self.key)

    def rows(
        self, conn: Connection, keys: Sequence[tuple[Any, ...]] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The rows (all, or those of ``keys``) as ``{column: value}`` in the form the log records."""
        query = self.select()
        if keys is not None:
            if not keys:
                return
            cols = [query.selected_columns[k] for k in self.key]
            query = query.where(
                tuple_(*cols).in_(keys) if len(cols) > 1 else and_(cols[0].in_(k[0] for k in keys))
            )
        for row in conn.execute(query).mappings():
            yield {name: logged_value(value) for name, value in row.items()}

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A row as (key, logged columns)."""
        return {k: row[k] for k in self.key}, {k: v for k, v in row.items() if k not in self.key}


@dataclass(frozen=True)
class RedactedView(View):
    """A logged table some of whose columns the log never holds: secrets (a password's or a token's hash) and
    bookkeeping that changes with use (when a token was last used). The log records that a password was set
    (the time it was) and never what it hashes to."""

    omit: tuple[str, ...] = ()

    def select(self) -> Select[Any]:
        query = super().select()
        return query.with_only_columns(*(c for c in query.selected_columns if c.name not in self.omit))


def logged_value(value: Any) -> Any:
    """A column's value as the log holds it: stored times (naive UTC) get their time zone."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


VIEWS: dict[str, View] = {
    v.name: v
    for v in (
        View(T.agencies, ("code",)),
        View(T.sources, ("code",)),
        View(T.territories, ("code",)),
        View(T.territory_changes, ("day", "source", "target")),
        View(T.programs, ("code",)),
        View(T.program_predecessors, ("program", "predecessor")),
        View(T.goals, ("code",)),
        View(T.indicators, ("code",)),
        View(T.commitments, ("indicator", "kind", "period", "territory", "version")),
        View(
            T.budget_lines,
            ("program", "goal", "line", "funding", "currency", "indicators", "year", "stage", "version"),
        ),
        View(T.observations, ("indicator", "territory", "period")),
        View(T.imports, ("id",)),  # the import log: one row per import that changed something, never updated
        View(T.evaluations, ("id",)),  # stored evaluations have no other key; they are never updated
        RedactedView(T.users, ("login",), omit=("password_hash",)),
        RedactedView(T.api_tokens, ("id",), omit=("digest", "last_used_at")),
        View(T.submissions, ("id",)),  # submissions are only ever added
        View(T.submitted_values, ("id",)),  # added, then decided: approved, returned or superseded
    )
}
"""Every logged table's view, in the order a package writes them."""

ACCOUNTS = ("users", "api_tokens")
"""The accounts' tables, logged by :mod:`natije.store.accounts` row by row as it changes them."""

SUBMISSIONS = ("submissions", "submitted_values")
"""The submissions' tables, logged by :mod:`natije.store.submissions` row by row as it changes them."""

CATALOG = tuple(
    name for name in VIEWS if name not in ("observations", "imports", "evaluations", *ACCOUNTS, *SUBMISSIONS)
)
"""The small tables :func:`natije.store.catalog.write_package` writes, logged by comparing before and
after."""
