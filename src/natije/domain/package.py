"""A parsed program package: the bundle of domain objects one import brings (observations come as batches)."""

from __future__ import annotations

from dataclasses import dataclass

from natije.domain.budgets import BudgetLine
from natije.domain.commitments import Commitment
from natije.domain.indicators import Indicator
from natije.domain.observations import Source
from natije.domain.programs import Agency, Program
from natije.domain.territories import Territory, TerritoryChange


@dataclass(frozen=True)
class ProgramPackage:
    """Everything declared in a package's ``program.yaml`` and reference CSVs.

    ``program`` is ``None`` for a reference package (territories, shared indicators such as population).
    """

    program: Program | None = None
    agencies: tuple[Agency, ...] = ()
    sources: tuple[Source, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    budgets: tuple[BudgetLine, ...] = ()
    territories: tuple[Territory, ...] = ()
    territory_changes: tuple[TerritoryChange, ...] = ()
