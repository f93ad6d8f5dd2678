"""What a report is asked for and what it writes: the frozen request, and the content the services assemble
(:mod:`natije.services.reporting`) for the renderers (:mod:`natije.reports.render`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from natije.errors import Problem, ValidationError, choice
from natije.locale import LANGUAGES

FORMATS = ("html", "md", "pdf")
BASES = ("current", "first")
SUMMARY_ORDER = ("missed", "off_track", "at_risk", "on_track", "achieved", "insufficient_data", "no_data")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
"""Where the numbers' links point when no other address is given: the app `natije serve` starts."""


@dataclass(frozen=True)
class ReportRequest:
    """One report: the program, the language and format, the day and basis it is judged on, and the address
    of the web app its numbers link to. Raises ``ValidationError`` for a language, format or basis natije
    does not know.

    >>> ReportRequest("AI2023", base_url="https://natije.example/").query()
    ''
    >>> ReportRequest("AI2023", as_of=date(2025, 1, 1), basis="first").query()
    '?as_of=2025-01-01&basis=first'
    """

    program: str
    lang: str = "kk"
    format: str = "html"
    as_of: date | None = None
    basis: str = "current"
    base_url: str = DEFAULT_BASE_URL

    def __post_init__(self) -> None:
        wrong = [
            Problem(name, None, None, value, choice(*allowed), code="option")
            for name, value, allowed in (
                ("lang", self.lang, LANGUAGES),
                ("format", self.format, FORMATS),
                ("basis", self.basis, BASES),
            )
            if value not in allowed
        ]
        if wrong:
            raise ValidationError(wrong)
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def query(self) -> str:
        """The ``?as_of=…&basis=first`` tail that keeps the report's day and basis in its links."""
        parts = [
            f"as_of={self.as_of.isoformat()}" if self.as_of else "",
            "basis=first" * (self.basis == "first"),
        ]
        joined = "&".join(p for p in parts if p)
        return f"?{joined}" if joined else ""

    def link(self, path: str) -> str:
        """The address of a page of the web app (``indicators/X``), in this language, day and basis."""
        return f"{self.base_url}/{self.lang}/{path}{self.query()}"


@dataclass(frozen=True)
class IndicatorPart:
    """What the report says of one indicator: its target rows, every version of its targets (``until``: the
    day the next version was decided), its flags, its chart (a :class:`natije.charts.Chart`, drawn only by the
    formats that show it), where its national values come from (period → source code), its coverage and,
    without an evaluation, whether one is possible."""

    indicator: Any
    rows: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    chart: Any
    sources: dict[str, str]
    url: str
    coverage: dict[str, Any] | None = None
    evaluability: Any = None
    predecessors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class EvaluationPart:
    """A stored evaluation with its words in the report's language and its effects chart."""

    record: Any
    words: Any
    chart: Any
    url: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the report writes, in the order a reader meets it; ``day`` is the day it is judged on."""

    request: ReportRequest
    day: date
    program: Any
    scorecard: Any
    indicators: list[IndicatorPart]
    flags: list[dict[str, Any]]
    budget: list[dict[str, Any]]
    budget_chart: Any
    costs: list[dict[str, Any]]
    lineage: list[dict[str, Any]]
    evaluations: list[EvaluationPart]
    sources: dict[str, Any]
    coverage: Any = None

    def key_targets(self, limit: int = 5) -> list[tuple[IndicatorPart, dict[str, Any]]]:
        """The summary's targets: those missed, off track or at risk first (then the others), each with its
        indicator, at most ``limit``."""
        rows = [(part, row) for part in self.indicators for row in part.rows if row["target"] is not None]
        return sorted(rows, key=lambda pair: SUMMARY_ORDER.index(pair[1]["status"]))[:limit]

    def strongest(self) -> EvaluationPart | None:
        """The evaluation whose estimate stands furthest from zero in half-widths of its interval."""
        ranked = sorted(self.evaluations, key=lambda p: (-_strength(p.record.result), p.record.id or 0))
        return ranked[0] if ranked and _strength(ranked[0].record.result) > -math.inf else None


def _strength(result: Any) -> float:
    estimate, (low, high) = result.get("estimate"), result.get("ci") or (None, None)
    if estimate is None or low is None or high is None or not float(high) > float(low):
        return -math.inf
    return abs(float(estimate)) / ((float(high) - float(low)) / 2)
