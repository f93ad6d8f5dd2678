"""Territories identified by KATO code, valid over time, and the crosswalk that keeps series comparable.

Kazakhstan's regions changed in 2018 (Shymkent became a city of republican significance; South Kazakhstan
region became Turkestan region) and in 2022 (Abai, Zhetysu and Ulytau regions split off East Kazakhstan,
Almaty and Karaganda regions). A territory records when it was valid and what succeeded it; a
:class:`TerritoryChange` says how values move from old units to new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from natije.domain.names import Names


class TerritoryLevel(str, Enum):
    COUNTRY = "country"
    REGION = "region"
    DISTRICT = "district"
    RURAL_DISTRICT = "rural_district"
    SETTLEMENT = "settlement"


LEVELS = tuple(level.value for level in TerritoryLevel)  # from the country down


@dataclass(frozen=True, slots=True)
class Territory:
    """An administrative-territorial unit, by its KATO code, valid on ``[valid_from, valid_to)``."""

    code: str
    names: Names
    level: TerritoryLevel
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successors: tuple[str, ...] = ()
    iso_code: str | None = None

    def valid_on(self, day: date) -> bool:
        """Whether the unit existed on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


class ChangeKind(str, Enum):
    SPLIT = "split"
    MERGE = "merge"
    RENAME = "rename"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class TerritoryChange:
    """A reform on ``day``: ``source`` gives ``shares`` of itself to the listed targets.

    ``shares`` maps target code → fraction of the source (e.g. by population at the reform). For additive
    values (counts, money) the source value is split by these shares; for rates the targets inherit the
    source rate (the share only says which targets it covers).
    """

    day: date
    kind: ChangeKind
    source: str
    shares: Mapping[str, float] = field(default_factory=dict)
    basis: str = "population"


def backcast_weights(
    changes: Iterable[TerritoryChange], codes_then: Iterable[str]
) -> dict[str, dict[str, float]]:
    """How to express values of the old units ``codes_then`` in today's units.

    Follows chains of reforms forward (a unit split in 2018 whose part split again in 2022). Returns
    ``{old_code: {new_code: share}}``; a unit that never changed maps to itself with share 1.

    >>> ch = [TerritoryChange(date(2022, 6, 8), ChangeKind.SPLIT, "A", {"A2": 0.7, "B": 0.3})]
    >>> backcast_weights(ch, ["A", "C"])
    {'A': {'A2': 0.7, 'B': 0.3}, 'C': {'C': 1.0}}
    """
    by_source: dict[str, list[TerritoryChange]] = {}
    for change in sorted(changes, key=lambda c: c.day):
        by_source.setdefault(change.source, []).append(change)

    def forward(code: str, share: float, after: date | None) -> dict[str, float]:
        nexts = [c for c in by_source.get(code, []) if after is None or c.day > after]
        if not nexts:
            return {code: share}
        change = nexts[0]
        out: dict[str, float] = {}
        for target, part in change.shares.items():
            # a unit that keeps its own code after a split continues from this reform onwards
            for k, v in forward(target, share * part, change.day).items():
                out[k] = out.get(k, 0.0) + v
        return out

    return {code: forward(code, 1.0, None) for code in codes_then}
