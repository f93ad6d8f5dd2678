"""``natije init | programs | show`` end to end on both backends, and the catalog service behind them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from natije.cli import app
from natije.services import catalog
from natije.store import Store
from natije.store.catalog import write_package

runner = CliRunner()


@pytest.fixture
def filled(db_url: str, reference, make_pkg) -> str:
    store = Store.open(db_url)
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, make_pkg("DK2018", predecessors=("IK2020",)))
        write_package(conn, make_pkg("TB2021", predecessors=("DK2018", "LOST")))
    store.close()
    return db_url


def test_init_creates_and_is_repeatable(tmp_path) -> None:
    db = str(tmp_path / "new.db")
    for _ in range(2):
        res = runner.invoke(app, ["--db", db, "--lang", "en", "init"])
        assert res.exit_code == 0, res.output
        assert "Database ready" in res.output
    assert "observations" in Store.open(db).table_names()


def test_programs_json(filled: str) -> None:
    res = runner.invoke(app, ["--db", filled, "programs", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [p["code"] for p in data] == ["DK2018", "IK2020", "TB2021"]  # same start year: by code
    dk = data[0]
    assert dk["names"] == {"kk": "DK2018 kk", "ru": "DK2018 ru", "en": "DK2018 en"}
    assert dk["status"] == "repealed" and dk["predecessors"] == ["IK2020"] and dk["successors"] == ["TB2021"]


@pytest.mark.parametrize("lang,word", [("kk", "код"), ("ru", "код"), ("en", "code")])
def test_programs_csv_and_table_are_localised(filled: str, lang: str, word: str) -> None:
    res = runner.invoke(app, ["--db", filled, "--lang", lang, "programs", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(res.output)))
    assert rows[0][0] == word and len(rows) == 4
    assert rows[1][1] == f"DK2018 {lang}"
    table = runner.invoke(app, ["--db", filled, "--lang", lang, "programs"])
    assert table.exit_code == 0 and "TB2021" in table.output


def test_show_program_json_with_lineage(filled: str) -> None:
    res = runner.invoke(app, ["--db", filled, "show", "TB2021", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    lineage = [(x["code"], x["in_store"]) for x in data["lineage"]]
    assert lineage[0] == ("IK2020", True) and lineage[-1] == ("TB2021", True)  # oldest ancestor first
    assert set(lineage) == {("LOST", False), ("IK2020", True), ("DK2018", True), ("TB2021", True)}
    assert {i["code"] for i in data["indicators"]} == {"TB2021.LIT", "TB2021.VIL"}
    assert len(data["commitments"]) == 3 and len(data["budgets"]) == 2 and len(data["goals"]) == 2


def test_show_table_and_csv(filled: str) -> None:
    res = runner.invoke(app, ["--db", filled, "--lang", "en", "show", "DK2018"])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())  # rich wraps long lines at the terminal width
    assert "IK2020 → DK2018 → TB2021" in flat and "Decree" in flat and "KZT 4.5 bn" in flat
    out = runner.invoke(app, ["--db", filled, "show", "DK2018", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["indicator"], r["kind"], r["version"]) for r in rows} == {
        ("DK2018.LIT", "baseline", "1"),
        ("DK2018.LIT", "target", "1"),
        ("DK2018.VIL", "target", "1"),
    }


def test_errors_exit_non_zero_without_traceback(filled: str, tmp_path) -> None:
    missing = runner.invoke(app, ["--db", filled, "show", "NOPE"])
    assert missing.exit_code != 0 and isinstance(missing.exception, Exception)
    with pytest.raises(Exception) as err:
        catalog.show_program(Store.open(filled), "NOPE")
    assert type(err.value).__name__ == "NotFound"
    uninitialised = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "programs"])
    assert uninitialised.exit_code != 0
    bad_format = runner.invoke(app, ["--db", filled, "programs", "--format", "xml"])
    assert bad_format.exit_code != 0


def test_lineage_walks_both_ways() -> None:
    mk = lambda c, p, s: catalog.ProgramSummary(c, {}, "", "", 0, 0, None, None, None, p, s)
    items = [mk("A", (), ("B",)), mk("B", ("A",), ("C",)), mk("C", ("B",), ())]
    assert catalog.lineage(items, "B") == ("A", "B", "C")
    assert catalog.lineage(items, "A") == ("A", "B", "C")
