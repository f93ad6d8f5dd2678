"""Built-in territories: seeded into a new store, listed by ``natije territories``,
idempotent with the demo."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from natije.demo import data_root
from natije.services.catalog import initialise
from natije.services.demo import load_demo
from natije.services.ingestion import import_paths
from natije.services.territories import builtin_package, list_territories, seed_territories
from natije.store import Store
from natije.store import tables as T

REFERENCE = data_root() / "reference"


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _counts(store: Store) -> tuple[int, int]:
    with store.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(T.territories)).scalar_one(),
            conn.execute(select(func.count()).select_from(T.territory_changes)).scalar_one(),
        )


def test_the_builtin_package_is_every_row_of_the_shipped_reference_files() -> None:
    package = builtin_package()
    assert {t.code for t in package.territories} == {r["code"] for r in _csv_rows("territories.csv")}
    assert package.program is None and not package.indicators and not package.sources
    reforms = {c.day for c in package.territory_changes}
    assert reforms == {date(2018, 6, 19), date(2022, 6, 8)}
    assert sum(len(c.shares) for c in package.territory_changes) == len(_csv_rows("territory_changes.csv"))


def test_a_new_store_knows_the_territories_and_reinitialising_changes_nothing(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "n.db"))
    initialise(store)
    expected = (len(_csv_rows("territories.csv")), len(_csv_rows("territory_changes.csv")))
    assert _counts(store) == expected
    initialise(store)
    assert _counts(store) == expected


def test_seeding_never_overwrites_a_store_that_has_territories(db_url: str) -> None:
    store = Store.open(db_url)
    with store.transaction() as conn:
        seed_territories(conn)
        conn.execute(T.territories.update().where(T.territories.c.code == "000000000").values(name_en="Mine"))
        assert seed_territories(conn) is None
    assert list_territories(store, level="country")[0].names["en"] == "Mine"


def test_the_demo_loads_onto_the_seeded_territories_and_stays_idempotent(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "demo.db"))
    initialise(store)
    seeded = _counts(store)
    first = load_demo(store).totals()
    assert first["programs"] == 4 and first["territories"] == 0 and first["territory_changes"] == 0
    assert _counts(store) == seeded
    assert not load_demo(store).changed


def test_a_reimport_of_a_program_on_seeded_territories_changes_nothing(
    tmp_path: Path, program_dir: Callable[[str], Path]
) -> None:
    store = Store.open(str(tmp_path / "p.db"))
    assert import_paths(store, [program_dir("P1")]).changed
    assert not import_paths(store, [program_dir("P1")]).changed


def test_list_filters_by_level_and_date(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "l.db"))
    initialise(store)
    regions_2019 = {t.code for t in list_territories(store, level="region", as_of=date(2019, 1, 1))}
    assert "510000000" not in regions_2019 and {"610000000", "790000000"} <= regions_2019
    assert "100000000" not in regions_2019  # Abai region exists since the 2022 reform
    before = {t.code: t for t in list_territories(store, as_of=date(2018, 6, 18))}
    assert before["510000000"].successors == ("610000000", "790000000")
    assert [t.code for t in list_territories(store, level="country")] == ["000000000"]


@pytest.mark.parametrize(
    ("lang", "name"),
    [("kk", "Қазақстан Республикасы"), ("ru", "Республика Казахстан"), ("en", "Republic of Kazakhstan")],
)
def test_the_command_lists_names_in_the_interface_language(
    cli: Callable, tmp_path: Path, lang: str, name: str
) -> None:
    db = str(tmp_path / "c.db")
    assert cli("--db", db, "init")[0] == 0
    code, out = cli("--db", db, "--lang", lang, "territories", "--level", "country")
    assert code == 0 and name in out and "000000000" in out


def test_the_command_json_and_csv(cli: Callable, tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    assert cli("--db", db, "init")[0] == 0
    code, out = cli("--db", db, "territories", "--as-of", "2018-01-01", "--format", "json")
    data = {r["code"]: r for r in json.loads(out)}
    assert code == 0 and data["510000000"]["valid_to"] == "2018-06-19"
    assert data["510000000"]["successors"] == ["610000000", "790000000"] and "790000000" not in data
    code, out = cli("--db", db, "--lang", "ru", "territories", "--level", "region", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["level"] for r in rows} == {"region"}
    assert rows[0].keys() == {"code", "level", "parent", "name", "valid_from", "valid_to", "successors"}
    assert any(r["name"] == "область Абай" and r["valid_from"] == "2022-06-08" for r in rows)
