"""Versioned commitments: baselines and targets are never overwritten.

Every change to a promise is a new :class:`Commitment` version stating when it was decided and by which
document, so "as first promised", "as promised now" and "as known on a date" are all answerable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from natije.domain.periods import Period


class CommitmentKind(str, Enum):
    BASELINE = "baseline"
    TARGET = "target"


@dataclass(frozen=True, slots=True)
class Commitment:
    """One version of a baseline or target value for an indicator × territory × period."""

    indicator: str
    kind: CommitmentKind
    period: Period
    value: float
    decided_on: date
    document: str
    territory: str | None = None
    version: int = 1
    note: str | None = None

    @property
    def key(self) -> tuple[str, CommitmentKind, Period, str | None]:
        """What the versions of one promise share."""
        return (self.indicator, self.kind, self.period, self.territory)


def as_of(commitments: Iterable[Commitment], day: date | None = None) -> dict[tuple, Commitment]:
    """The version of each promise in force on ``day`` (latest decided on or before it; all if ``None``)."""
    current: dict[tuple, Commitment] = {}
    for c in commitments:
        if day is not None and c.decided_on > day:
            continue
        best = current.get(c.key)
        if best is None or (c.decided_on, c.version) > (best.decided_on, best.version):
            current[c.key] = c
    return current
