"""Budget lines in the store: many lines per year and stage, idempotent on their key, amounts versioned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
from sqlalchemy import func, select

from natije.domain.budgets import BudgetLine, BudgetStage, Funding
from natije.domain.package import ProgramPackage
from natije.results.flags import flags
from natije.store import Store
from natije.store import tables as T
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.reads import get_package

A, E = BudgetStage.APPROVED, BudgetStage.EXECUTED


def _lines(code: str) -> tuple[BudgetLine, ...]:
    """Four approved lines of 2019 that differ only by one part of the key each, and one executed line."""
    lit, vil = f"{code}.LIT", f"{code}.VIL"
    return (
        BudgetLine(code, 2019, A, 100.0, goal=f"{code}.G1", indicators=(lit,), funding=Funding.REPUBLICAN),
        BudgetLine(code, 2019, A, 40.0, goal=f"{code}.G1", indicators=(lit,), funding=Funding.LOCAL),
        BudgetLine(code, 2019, A, 7.0, goal=f"{code}.G1", indicators=(vil,), funding=Funding.REPUBLICAN),
        BudgetLine(
            code, 2019, A, 3.0, "USD", goal=f"{code}.G1", indicators=(lit,), funding=Funding.REPUBLICAN
        ),
        BudgetLine(
            code,
            2019,
            A,
            11.0,
            goal=f"{code}.G1",
            indicators=(lit,),
            funding=Funding.REPUBLICAN,
            line="001-100",
        ),
        BudgetLine(code, 2019, E, 90.0, goal=f"{code}.G1", indicators=(lit,), funding=Funding.REPUBLICAN),
    )


def _count(store: Store) -> tuple[int, int]:
    with store.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(T.budget_lines)).scalar_one(),
            conn.execute(select(func.count()).select_from(T.budget_indicators)).scalar_one(),
        )


def _write(store: Store, *packages: ProgramPackage) -> list[int]:
    with store.transaction() as conn:
        return [write_package(conn, p).budgets_new for p in packages]


def test_many_lines_per_year_and_stage_are_kept_apart_and_reimport_is_a_no_op(store, reference, package):
    pkg = replace(package, budgets=_lines("DK2018"))
    assert _write(store, reference, pkg, pkg)[1:] == [6, 0]
    assert _count(store) == (6, 6)
    with store.connect() as conn:
        back = get_package(conn, "DK2018").budgets
    assert sorted(map(str, (b.key for b in back))) == sorted(map(str, (b.key for b in pkg.budgets)))
    assert sum(b.amount for b in back if b.stage is A and b.currency == "KZT") == 158.0


def test_changed_amount_is_a_new_version_and_the_old_package_changes_nothing(store, reference, package):
    first = replace(package, budgets=_lines("DK2018"))
    moved = replace(first.budgets[0], amount=120.0, decided_on=date(2020, 3, 1), document="Decree 55")
    later = replace(first, budgets=(moved, *first.budgets[1:]))
    assert _write(store, reference, first, later, first, later)[1:] == [6, 1, 0, 0]
    with store.connect() as conn:
        versions = [b for b in get_package(conn, "DK2018").budgets if b.key == moved.key]
    assert [(b.version, b.amount, b.decided_on, b.document) for b in versions] == [
        (1, 100.0, None, None),
        (2, 120.0, date(2020, 3, 1), "Decree 55"),
    ]
    assert _count(store) == (7, 7)


def test_frames_as_of_a_date_hold_the_versions_decided_by_then(store, reference, package):
    base = BudgetLine("DK2018", 2019, A, 100.0, decided_on=date(2018, 12, 1), document="Law 1")
    moved = replace(base, amount=80.0, decided_on=date(2020, 2, 1), document="Law 2")
    _write(store, reference, replace(package, budgets=(base, moved)))
    with store.connect() as conn:
        before = load_program_frames(conn, "DK2018", as_of=date(2019, 6, 30)).budgets
        after = load_program_frames(conn, "DK2018", as_of=date(2020, 6, 30)).budgets
    assert before["amount"].to_list() == [100.0]
    assert after.sort("version")["amount"].to_list() == [100.0, 80.0]
    assert after.filter(pl.col("version") == 2)["document"].to_list() == ["Law 2"]


def test_an_amount_moved_after_its_year_is_flagged_from_the_store(store, reference, package):
    base = BudgetLine(
        "DK2018", 2019, A, 100.0, goal="DK2018.G1", decided_on=date(2018, 12, 1), document="Law 1"
    )
    moved = replace(base, amount=80.0, decided_on=date(2020, 2, 1), document="Law 2")
    _write(store, reference, replace(package, budgets=(base,)))
    _write(store, replace(package, budgets=(moved,)))  # a later edition brings only the new amount
    with store.connect() as conn:
        frames = load_program_frames(conn, "DK2018")
    got = flags(frames, as_of="2021-01-01").filter(pl.col("flag") == "budget_moved_after_year")
    assert got.select("period", "old_value", "new_value", "day").rows() == [
        ("2019", 100.0, 80.0, date(2020, 2, 1))
    ]
    assert (
        "Law 2" in got["evidence"][0]
        and flags(frames, as_of="2020-01-31").filter(pl.col("flag") == "budget_moved_after_year").height == 0
    )
