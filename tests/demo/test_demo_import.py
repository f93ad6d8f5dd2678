"""The whole demo validates with the ingest code and imports into an empty store, twice without change."""

from __future__ import annotations

import csv

from natije.demo import demo_paths
from natije.ingest.plan import prepare
from natije.services.ingestion import import_paths


def _row_count() -> int:
    total = 0
    for path in demo_paths():
        with (path / "observations.csv").open(encoding="utf-8", newline="") as handle:
            total += sum(1 for _ in csv.DictReader(handle))
    return total


def test_demo_packages_pass_validation_without_a_store():
    plan = prepare(demo_paths(), None)
    try:
        codes = [p.package.program.code if p.package.program else None for p in plan.packages]
    finally:
        plan.close()
    assert codes == [None, "IK2020", "DK2018", "TB2021", "AI2023"]


def test_demo_imports_into_an_empty_store_and_reimport_changes_nothing(store):
    rows = _row_count()
    first = import_paths(store, demo_paths()).totals()
    assert first["packages"] == 5 and first["programs"] == 4
    assert first["observations_inserted"] == rows
    assert first["territories"] == 22 and first["territory_changes"] == 8
    second = import_paths(store, demo_paths())
    assert not second.changed
    assert second.totals()["observations_unchanged"] == rows
