"""Catalog writes: upserts are idempotent, commitments are versioned, reads give the domain objects back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from natije.domain.commitments import CommitmentKind
from natije.domain.package import ProgramPackage
from natije.errors import NotFound, ValidationError
from natije.store import Store
from natije.store import tables as T
from natije.store.catalog import lookup_catalog, write_package
from natije.store.reads import get_package, get_reference_package, list_programs


def _count(store: Store, table) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_write_package_then_read_back(
    store: Store, reference: ProgramPackage, package: ProgramPackage
) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        stats = write_package(conn, package)
    assert (
        stats.programs == 1
        and stats.indicators == 2
        and stats.commitments_new == 3
        and stats.budgets_new == 2
    )
    with store.connect() as conn:
        back = get_package(conn, "DK2018")
        ref = get_reference_package(conn)
    assert back.program == package.program
    assert back.indicators == package.indicators
    assert back.agencies == package.agencies
    assert {s.code for s in back.sources} == {"stat"}  # only sources the program uses
    assert sorted(back.budgets, key=lambda b: b.stage.value) == sorted(
        package.budgets, key=lambda b: b.stage.value
    )
    assert sorted(back.commitments, key=lambda c: c.indicator + c.kind.value) == sorted(
        package.commitments, key=lambda c: c.indicator + c.kind.value
    )
    assert ref.territories == tuple(sorted(reference.territories, key=lambda t: t.code))
    assert ref.territory_changes == reference.territory_changes
    assert [i.code for i in ref.indicators] == ["POPULATION"]


def test_rewriting_same_package_changes_nothing(store: Store, reference, package) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
    with store.transaction() as conn:
        again = write_package(conn, package)
        ref_again = write_package(conn, reference)
    assert set(again.to_dict().values()) == {0}
    assert set(ref_again.to_dict().values()) == {0}


def test_changed_target_becomes_new_version(store: Store, reference, package, make_pkg) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
    lowered = make_pkg(target_2022=70.0)
    # the lowered target was decided later, by another document
    lowered = replace(
        lowered,
        commitments=tuple(
            replace(c, decided_on=date(2020, 1, 5), document="Decree 2020") if c.value == 70.0 else c
            for c in lowered.commitments
        ),
    )
    with store.transaction() as conn:
        stats = write_package(conn, lowered)
    assert stats.commitments_new == 1
    with store.transaction() as conn:  # re-importing either version is a no-op
        assert write_package(conn, lowered).commitments_new == 0
        assert write_package(conn, package).commitments_new == 0
    with store.connect() as conn:
        targets = [
            c
            for c in get_package(conn, "DK2018").commitments
            if c.kind is CommitmentKind.TARGET and c.indicator == "DK2018.LIT"
        ]
    assert [(c.version, c.value, c.decided_on) for c in targets] == [
        (1, 83.0, date(2017, 12, 12)),
        (2, 70.0, date(2020, 1, 5)),
    ]
    assert _count(store, T.commitments) == 4


def test_package_versions_numbered_in_decision_order(store: Store, reference, package) -> None:
    first = package.commitments[1]
    later = replace(first, value=85.0, decided_on=date(2019, 3, 1))
    pkg = replace(package, commitments=(later, *package.commitments))  # listed out of order
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, pkg)
    with store.connect() as conn:
        got = {
            (c.value, c.version) for c in get_package(conn, "DK2018").commitments if c.period == first.period
        }
    assert got == {(83.0, 1), (85.0, 2)}


def test_lookup_catalog(store: Store, reference, package) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
        cat = lookup_catalog(conn)
    assert cat.indicators["DK2018.LIT"] == package.indicators[0]
    assert cat.indicator_program == {"DK2018.LIT": "DK2018", "DK2018.VIL": "DK2018", "POPULATION": None}
    assert cat.territories["610000000"].valid_from == date(2018, 6, 19)
    assert set(cat.sources) == {"stat", "demo"} and cat.agencies == {"MDDIAI"} and cat.programs == {"DK2018"}


def test_programs_listing_and_not_found(store: Store, reference, package, make_pkg) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, package)
    with store.connect() as conn:
        assert [p.code for p in list_programs(conn)] == ["DK2018", "IK2020"]
        assert get_package(conn, "DK2018").program.predecessors == ("IK2020",)
        with pytest.raises(NotFound):
            get_package(conn, "NOPE")


def test_commitment_of_unknown_indicator_is_a_validation_error(store: Store, reference, package) -> None:
    bad = replace(package, commitments=(replace(package.commitments[0], indicator="NOPE"),))
    with pytest.raises(ValidationError) as err, store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, bad)
    assert err.value.problems[0].value == "NOPE"
    assert _count(store, T.programs) == 0  # the whole transaction rolled back
