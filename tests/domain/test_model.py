"""Programs, indicators, commitments and territory reforms: the rules the entities enforce."""

from __future__ import annotations

from datetime import date

import pytest

from natije.domain.budgets import BudgetLine, BudgetStage
from natije.domain.commitments import Commitment, CommitmentKind, as_of
from natije.domain.indicators import Direction, Indicator
from natije.domain.names import Names
from natije.domain.periods import Period
from natije.domain.programs import Goal, Program, ProgramKind, ProgramStatus
from natije.domain.territories import ChangeKind, Territory, TerritoryChange, TerritoryLevel, backcast_weights

N = Names("а", "б", "c")


def _target(value: float, decided: date, version: int) -> Commitment:
    return Commitment(
        "X", CommitmentKind.TARGET, Period.parse("2022"), value, decided, f"doc{version}", version=version
    )


def test_commitments_as_of_a_day() -> None:
    history = [
        _target(90, date(2017, 12, 12), 1),
        _target(80, date(2020, 5, 1), 2),
        _target(85, date(2021, 3, 1), 3),
    ]
    key = history[0].key
    assert as_of(history)[key].value == 85
    assert as_of(history, date(2020, 12, 31))[key].value == 80
    assert key not in as_of(history, date(2017, 1, 1))


def test_program_rules() -> None:
    with pytest.raises(ValueError, match="end year"):
        Program("P", N, ProgramKind.STATE_PROGRAM, 2020, 2018, ProgramStatus.IN_FORCE)
    with pytest.raises(ValueError, match="repeal date"):
        Program("P", N, ProgramKind.STATE_PROGRAM, 2018, 2022, ProgramStatus.REPEALED)
    with pytest.raises(ValueError, match="unknown parent"):
        Program(
            "P", N, ProgramKind.CONCEPT, 2018, 2022, ProgramStatus.IN_FORCE, goals=(Goal("T", N, parent="G"),)
        )
    p = Program(
        "P",
        N,
        ProgramKind.CONCEPT,
        2018,
        2022,
        ProgramStatus.IN_FORCE,
        goals=(Goal("G", N), Goal("T", N, "G")),
    )
    assert [g.code for g in p.children("G")] == ["T"]


def test_indicator_unit() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        Indicator("I", N, "parsecs", Direction.INCREASE)


def test_budget_currency_must_be_iso() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        BudgetLine("P", 2024, BudgetStage.APPROVED, 1.0, currency="tenge")
    assert BudgetLine("P", 2024, BudgetStage.EXECUTED, 5.0).currency == "KZT"


def test_territory_validity_and_chained_reforms() -> None:
    t = Territory(
        "631000000", N, TerritoryLevel.REGION, valid_from=date(2018, 6, 19), valid_to=date(2022, 6, 8)
    )
    assert (
        t.valid_on(date(2020, 1, 1)) and not t.valid_on(date(2022, 6, 8)) and not t.valid_on(date(2018, 1, 1))
    )
    changes = [
        TerritoryChange(date(2018, 6, 19), ChangeKind.SPLIT, "S", {"T": 0.6, "C": 0.4}),
        TerritoryChange(date(2022, 6, 8), ChangeKind.SPLIT, "T", {"T": 0.5, "U": 0.5}),
    ]
    weights = backcast_weights(changes, ["S", "Z"])
    assert weights["S"] == pytest.approx({"T": 0.3, "U": 0.3, "C": 0.4})
    assert weights["Z"] == {"Z": 1.0}
