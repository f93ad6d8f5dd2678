"""Indicators: what is measured, in which unit, which way is better, and how values add up over time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from natije.domain import units
from natije.domain.names import Names
from natije.domain.periods import Frequency, Period


class IndicatorLevel(str, Enum):
    IMPACT = "impact"
    OUTCOME = "outcome"
    OUTPUT = "output"


class Direction(str, Enum):
    """Which way is better: up, down, or staying within a tolerance band."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class IndicatorKind(str, Enum):
    """How period values relate to a target: summed (cumulative), each period alone, or the last value."""

    PERIODIC = "periodic"
    CUMULATIVE = "cumulative"
    STOCK = "stock"


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio indicator defined as numerator / denominator (codes of two count indicators) × ``scale``."""

    numerator: str
    denominator: str
    scale: float = 100.0


@dataclass(frozen=True, slots=True)
class Indicator:
    """A measured quantity of a program, with the span of periods it may hold values for.

    ``span_from`` may lie before the program's start: baselines and impact evaluations need pre-program
    history. ``continues`` names the indicator of a predecessor program this one carries on (lineage treats
    the two as one concept).
    """

    code: str
    names: Names
    unit: str
    direction: Direction
    kind: IndicatorKind = IndicatorKind.STOCK
    level: IndicatorLevel = IndicatorLevel.OUTCOME
    frequency: Frequency = Frequency.ANNUAL
    span_from: Period | None = None
    span_to: Period | None = None
    goal: str | None = None
    agency: str | None = None
    source: str | None = None
    ratio: Ratio | None = None
    tolerance: float | None = None
    definition: Names | None = None
    continues: str | None = None
    value_range: tuple[float, float] | None = (
        None  # declared in program.yaml as ``range``; else the unit's own
    )

    def __post_init__(self) -> None:
        if units.resolve(self.unit) is None:
            raise ValueError(
                f"indicator {self.code}: unknown unit {self.unit!r}; "
                f"expected one of {', '.join(units.known_units())}"
            )

    @property
    def allowed_range(self) -> tuple[float, float]:
        """Lowest and highest value allowed: the declared ``value_range``,
        else what the unit allows, else any."""
        inf = float("inf")
        return self.value_range or units.natural_range(self.unit) or (-inf, inf)
