"""Observed (actual) values, their revisions, sources and approval status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from natije.domain.names import Names
from natije.domain.periods import Period


class ObservationStatus(str, Enum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"


class SourceKind(str, Enum):
    """How much a value can be trusted: official statistics, a secondary (press) quote, or demo filler."""

    OFFICIAL = "official"
    SECONDARY = "secondary"
    ILLUSTRATIVE = "illustrative"


@dataclass(frozen=True, slots=True)
class Source:
    """Where values come from; ``illustrative`` marks rows that were generated, not published."""

    code: str
    title: str
    kind: SourceKind = SourceKind.OFFICIAL
    url: str | None = None
    publisher: str | None = None
    licence: str | None = None
    names: Names | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    """A later value for an observation: appended, never replacing the history."""

    value: float
    reason: str
    author: str
    recorded_at: datetime
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """The actual value of an indicator for a territory and period, as currently known."""

    indicator: str
    territory: str
    period: Period
    value: float
    source: str | None = None
    note: str | None = None
    status: ObservationStatus = ObservationStatus.SUBMITTED
    revisions: tuple[Revision, ...] = ()

    @property
    def key(self) -> tuple[str, str, Period]:
        return (self.indicator, self.territory, self.period)
