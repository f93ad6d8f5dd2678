"""Fixtures for store tests: a small but complete program package and observation batches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import polars as pl
import pytest

from natije.domain.budgets import BudgetLine, BudgetStage
from natije.domain.commitments import Commitment, CommitmentKind
from natije.domain.indicators import Direction, Indicator, IndicatorKind, IndicatorLevel
from natije.domain.names import Names
from natije.domain.observations import Source, SourceKind
from natije.domain.package import ProgramPackage
from natije.domain.periods import Frequency, Period
from natije.domain.programs import Agency, Goal, Program, ProgramKind, ProgramStatus
from natije.domain.territories import ChangeKind, Territory, TerritoryChange, TerritoryLevel


def n(text: str) -> Names:
    return Names(f"{text} kk", f"{text} ru", f"{text} en")


def make_reference() -> ProgramPackage:
    territories = (
        Territory("000000000", n("Kazakhstan"), TerritoryLevel.COUNTRY),
        Territory(
            "510000000",
            n("South Kazakhstan"),
            TerritoryLevel.REGION,
            "000000000",
            valid_to=date(2018, 6, 19),
            successors=("610000000", "790000000"),
        ),
        Territory(
            "610000000", n("Turkestan"), TerritoryLevel.REGION, "000000000", valid_from=date(2018, 6, 19)
        ),
        Territory(
            "790000000", n("Shymkent"), TerritoryLevel.REGION, "000000000", valid_from=date(2018, 6, 19)
        ),
    )
    change = TerritoryChange(
        date(2018, 6, 19), ChangeKind.SPLIT, "510000000", {"610000000": 0.65, "790000000": 0.35}
    )
    pop = Indicator(
        "POPULATION",
        n("Population"),
        "count",
        Direction.MAINTAIN,
        IndicatorKind.STOCK,
        IndicatorLevel.IMPACT,
        Frequency.ANNUAL,
        Period.parse("2000"),
        None,
        source="stat",
    )
    return ProgramPackage(
        None,
        (),
        (Source("stat", "Bureau of statistics", SourceKind.OFFICIAL),),
        (pop,),
        (),
        (),
        territories,
        (change,),
    )


def make_package(
    code: str = "DK2018", predecessors: tuple[str, ...] = ("IK2020",), target_2022: float = 83.0
) -> ProgramPackage:
    program = Program(
        code,
        n(code),
        ProgramKind.STATE_PROGRAM,
        2018,
        2022,
        ProgramStatus.REPEALED,
        owner="MDDIAI",
        legal_act="Decree No. 827",
        repealed_on=date(2019, 10, 1),
        predecessors=predecessors,
        goals=(Goal(f"{code}.G1", n("Goal 1")), Goal(f"{code}.G1.T1", n("Task 1"), f"{code}.G1", "task")),
    )
    lit = Indicator(
        f"{code}.LIT",
        n("Digital literacy"),
        "%",
        Direction.INCREASE,
        IndicatorKind.STOCK,
        IndicatorLevel.OUTCOME,
        Frequency.ANNUAL,
        Period.parse("2010"),
        Period.parse("2022"),
        goal=f"{code}.G1",
        agency="MDDIAI",
        source="stat",
    )
    vil = Indicator(
        f"{code}.VIL",
        n("Villages"),
        "count",
        Direction.INCREASE,
        IndicatorKind.CUMULATIVE,
        IndicatorLevel.OUTPUT,
        Frequency.QUARTERLY,
        tolerance=None,
    )
    commitments = (
        Commitment(
            lit.code, CommitmentKind.BASELINE, Period.parse("2016"), 76.2, date(2017, 12, 12), "Decree 827"
        ),
        Commitment(
            lit.code,
            CommitmentKind.TARGET,
            Period.parse("2022"),
            target_2022,
            date(2017, 12, 12),
            "Decree 827",
        ),
        Commitment(
            vil.code,
            CommitmentKind.TARGET,
            Period.parse("2022-Q4"),
            1000,
            date(2017, 12, 12),
            "Decree 827",
            territory="610000000",
        ),
    )
    budgets = (
        BudgetLine(
            code, 2019, BudgetStage.APPROVED, 5e9, goal=f"{code}.G1", indicators=(lit.code,), source="stat"
        ),
        BudgetLine(code, 2019, BudgetStage.EXECUTED, 4.5e9),
    )
    return ProgramPackage(
        program,
        (Agency("MDDIAI", n("Ministry")),),
        (
            Source("stat", "Bureau of statistics", SourceKind.OFFICIAL),
            Source("demo", "Made up", SourceKind.ILLUSTRATIVE),
        ),
        (lit, vil),
        commitments,
        budgets,
    )


def obs_frame(rows: list[tuple], as_of: datetime | None = None) -> pl.DataFrame:
    """Rows of (indicator, territory, period, value[, source]) as a CONTRACT observation batch."""
    full = [r if len(r) == 5 else (*r, "stat") for r in rows]
    df = pl.DataFrame(full, schema=["indicator", "territory", "period", "value", "source"], orient="row")
    starts = [Period.parse(p).start_month for p in df["period"]]
    return df.with_columns(
        period_start=pl.Series(starts, dtype=pl.Int32),
        value=pl.col("value").cast(pl.Float64),
        note=pl.lit(None, pl.String),
        as_of=pl.lit(as_of, pl.Datetime("us")),
        row=pl.int_range(2, df.height + 2),
    )


@pytest.fixture
def package() -> ProgramPackage:
    return make_package()


@pytest.fixture
def reference() -> ProgramPackage:
    return make_reference()


@pytest.fixture
def obs() -> Callable[..., pl.DataFrame]:
    return obs_frame


@pytest.fixture
def make_pkg() -> Callable[..., ProgramPackage]:
    """:func:`make_package` as a fixture (test modules must not import conftest: names
    clash across folders)."""
    return make_package
