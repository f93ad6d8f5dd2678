"""Where observed (actual) values come from, and their approval status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from natije.domain.names import Names


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
