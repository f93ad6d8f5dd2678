"""Budget lines: money planned, approved, adjusted and executed for a program or goal, per year."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class BudgetStage(str, Enum):
    PLANNED = "planned"
    APPROVED = "approved"
    ADJUSTED = "adjusted"
    EXECUTED = "executed"


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """An amount in ``currency`` (ISO 4217) for ``program`` (optionally one goal) in ``year`` at ``stage``."""

    program: str
    year: int
    stage: BudgetStage
    amount: float
    currency: str = "KZT"
    goal: str | None = None
    indicators: tuple[str, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"budget currency {self.currency!r}: expected an ISO 4217 code such as 'KZT'")
        if self.amount < 0:
            raise ValueError(f"budget amount {self.amount}: expected a non-negative number")
