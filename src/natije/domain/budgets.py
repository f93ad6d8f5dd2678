"""Budget lines: money planned, approved, adjusted and executed for a program, per year, stage and line.

A program has many lines per year and stage: by goal, by the indicators a line pays for, by source of
funding, by currency and, where a budget has them, by its own line code. What identifies one line is its
:attr:`BudgetLine.key`; an amount is never overwritten: a changed amount is a new version stating when it was
decided and by which document, as commitments are (:mod:`natije.domain.commitments`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum


class BudgetStage(str, Enum):
    """The life of a budget line, in order: planned → approved → adjusted → executed."""

    PLANNED = "planned"
    APPROVED = "approved"
    ADJUSTED = "adjusted"
    EXECUTED = "executed"


#: Stages in lifecycle order (the order lists and exports show them in).
STAGE_ORDER: tuple[str, ...] = tuple(s.value for s in BudgetStage)


class Funding(str, Enum):
    """Source of funding of a budget line."""

    REPUBLICAN = "republican"
    LOCAL = "local"
    NATIONAL_FUND = "national_fund"
    LOANS = "loans"
    PRIVATE = "private"
    OTHER = "other"


BudgetKey = tuple[str, str | None, str | None, str | None, str, tuple[str, ...], int, str]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One version of an amount in ``currency`` (ISO 4217) for ``program`` in ``year`` at ``stage``.

    ``goal``, ``line`` (the budget's own line code), ``funding`` and the linked ``indicators`` tell lines of
    one year and stage apart. ``decided_on`` and ``document`` say when and by what decision this amount was
    set (optional for a first version; a package may give several versions of one line).
    """

    program: str
    year: int
    stage: BudgetStage
    amount: float
    currency: str = "KZT"
    goal: str | None = None
    indicators: tuple[str, ...] = ()
    source: str | None = None
    line: str | None = None
    funding: Funding | None = None
    decided_on: date | None = None
    document: str | None = None
    version: int = 1

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"budget currency {self.currency!r}: expected an ISO 4217 code such as 'KZT'")
        if self.amount < 0:
            raise ValueError(f"budget amount {self.amount}: expected a non-negative number")

    @property
    def key(self) -> BudgetKey:
        """What the versions of one line share: program, goal, line, funding, currency,
        indicators, year, stage."""
        return (
            self.program,
            self.goal,
            self.line,
            self.funding.value if self.funding else None,
            self.currency,
            tuple(sorted(self.indicators)),
            self.year,
            self.stage.value,
        )


def listing_order(b: BudgetLine) -> tuple:
    """Lines by year and key, stages in lifecycle order, versions in decision order (how lists show them)."""
    return (
        b.year,
        b.goal or "",
        b.line or "",
        b.funding.value if b.funding else "",
        b.currency,
        sorted(b.indicators),
        STAGE_ORDER.index(b.stage.value),
        b.decided_on or date.min,
        b.version,
    )


def _order(b: BudgetLine) -> tuple[date, int]:
    """Versions in decision order; an undated version counts as decided before any dated one."""
    return (b.decided_on or date.min, b.version)


def in_force(lines: Iterable[BudgetLine], day: date | None = None) -> dict[BudgetKey, BudgetLine]:
    """The version of each line in force on ``day``
    (latest decided on or before it; undated ones always count)."""
    current: dict[BudgetKey, BudgetLine] = {}
    for b in lines:
        if day is not None and b.decided_on is not None and b.decided_on > day:
            continue
        best = current.get(b.key)
        if best is None or _order(b) > _order(best):
            current[b.key] = b
    return current
