"""Kazakhstan's territories, built in: seeded into every new store and listed by ``natije territories``.

The built-in list is the reference data the demo ships (``natije/demo/data/reference``: ``territories.csv``
and ``territory_changes.csv``): the country and its regions with KATO codes, names in kk/ru/en, validity and
the 2018 and 2022 reforms. A store gets them when it is created, so a program package needs only its program.

Examples
--------
>>> from natije.store import Store
>>> store = Store.open(":memory:")
>>> store.init(seed=seed_territories)
>>> [t.code for t in list_territories(store, level="country")]
['000000000']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from natije.domain.package import ProgramPackage
from natije.domain.territories import LEVELS, Territory
from natije.errors import ValidationError
from natije.store import Store
from natije.store import rows as R
from natije.store import tables as T

if TYPE_CHECKING:
    from natije.store.catalog import PackageStats

__all__ = [
    "LEVELS",
    "TerritoryRow",
    "builtin_package",
    "list_territories",
    "seed_territories",
    "territory_codes",
]


@cache
def builtin_package() -> ProgramPackage:
    """The built-in territories and reforms as a package holding nothing else (read and checked once).

    Raises
    ------
    ValidationError
        When the shipped files fail validation (a packaging bug).
    """
    # the readers are imported here: only a new store is seeded, and listing territories must start fast
    from natije.demo import data_root
    from natije.ingest.package import open_package
    from natije.ingest.problems import ProblemLog
    from natije.ingest.reference_csv import read_changes, read_territories

    files = open_package(data_root() / "reference")
    log = ProblemLog()
    try:
        territories = read_territories(files, log) or []
        changes = read_changes(files, log, {t.code for t in territories})
    finally:
        files.close()
    if log:
        raise ValidationError(log.items)
    return ProgramPackage(territories=tuple(territories), territory_changes=tuple(changes))


def seed_territories(conn: Connection) -> PackageStats | None:
    """Write the built-in territories into a store that has none yet (inside the caller's transaction).

    A store that already holds territories is left as it is: its own names or validity are never overwritten.
    """
    from natije.store.catalog import write_package

    if conn.execute(select(T.territories.c.id).limit(1)).first() is not None:
        return None
    return write_package(conn, builtin_package())


@dataclass(frozen=True)
class TerritoryRow:
    """One territory as ``natije territories`` lists it."""

    code: str
    level: str
    parent: str | None
    names: dict[str, str]
    valid_from: date | None
    valid_to: date | None
    successors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "parent": self.parent,
            "names": dict(self.names),
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "successors": list(self.successors),
        }


def _row(t: Territory) -> TerritoryRow:
    return TerritoryRow(
        t.code, t.level.value, t.parent, t.names.to_dict(), t.valid_from, t.valid_to, t.successors
    )


def list_territories(
    store: Store, *, level: str | None = None, as_of: date | None = None
) -> list[TerritoryRow]:
    """The store's territories ordered by level then code; only ``level`` and those valid on ``as_of``.

    Raises ``ConfigurationError`` for a store that does not exist or has no schema yet.
    """
    with store.connect() as conn:
        territories = [R.territory_of(r) for r in conn.execute(select(T.territories)).mappings()]
    order = {name: i for i, name in enumerate(LEVELS)}
    picked = [
        t
        for t in territories
        if (level is None or t.level.value == level) and (as_of is None or t.valid_on(as_of))
    ]
    return [_row(t) for t in sorted(picked, key=lambda t: (order[t.level.value], t.code))]


def territory_codes(store: Store) -> set[str]:
    """Every territory code in the store (for checking a ``--territory`` option)."""
    with store.connect() as conn:
        return {r.code for r in conn.execute(select(T.territories.c.code))}
