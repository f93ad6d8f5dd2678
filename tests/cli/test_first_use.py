"""A store's first use: the first write creates it; a read of a store holding nothing says how to fill it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_packages import postgres

from natije.services.territories import builtin_package
from natije.store import Store

# every command that reads programs, with the arguments it needs
READERS = [
    ["programs"],
    ["programs", "--format", "json"],
    ["show", "P1"],
    ["results", "P1"],
    ["flags", "P1"],
    ["lineage", "P1"],
    ["scorecard"],
    ["export", "P1", "OUT"],
    ["evaluation", "run", "P1", "P1.USERS", "--method", "did", "--treated", "790000000", "--start", "2020"],
    ["evaluation", "list"],
    ["evaluation", "show", "1"],
    ["evaluation", "rerun", "1"],
]
EMPTY_WORDS = {"kk": "дерекқор әлі бос", "ru": "база данных пока пуста", "en": "holds nothing yet"}


def _says_empty(code: int, out: str, lang: str) -> None:
    assert code != 0, out
    assert "Traceback" not in out
    assert EMPTY_WORDS[lang] in out, out
    assert "`natije demo`" in out and "`natije import PATH`" in out, out


def _args(args: list[str], tmp_path: Path) -> list[str]:
    return [str(tmp_path / "out") if a == "OUT" else a for a in args]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("args", READERS + [["territories"]], ids=lambda a: " ".join(a[:2]))
def test_reading_a_store_that_does_not_exist_says_how_to_fill_it(
    cli: Callable, tmp_path: Path, args: list[str], lang: str
) -> None:
    db = tmp_path / "new.db"
    code, out = cli("--db", str(db), "--lang", lang, *_args(args, tmp_path))
    _says_empty(code, out, lang)
    assert not db.exists(), "a read must not create the store"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_reading_an_initialised_store_without_programs_says_how_to_fill_it(
    cli: Callable, tmp_path: Path, args: list[str], lang: str
) -> None:
    db = str(tmp_path / "init.db")
    assert cli("--db", db, "init")[0] == 0
    _says_empty(*cli("--db", db, "--lang", lang, *_args(args, tmp_path)), lang)


def test_the_first_import_creates_the_store_with_the_builtin_territories(
    cli: Callable, tmp_path: Path, program_dir: Callable[[str], Path]
) -> None:
    db = tmp_path / "deep" / "new.db"
    db.parent.mkdir()
    code, out = cli("--db", str(db), "import", str(program_dir("P1")), "--format", "json")
    assert code == 0, out
    assert json.loads(out)["totals"]["observations_inserted"] == 10
    code, out = cli("--db", str(db), "--lang", "en", "results", "P1", "--territory", "790000000")
    assert code == 0 and "790000000" in out, out


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=postgres)])
def test_a_postgres_database_without_schema_is_created_by_the_first_import(
    cli: Callable,
    fresh_postgres: str,
    program_dir: Callable[[str], Path],
    tmp_path: Path,
    lang: str,
    backend: str,
) -> None:
    for args in (["programs"], ["results", "P1"], ["territories"]):
        _says_empty(*cli("--db", fresh_postgres, "--lang", lang, *args), lang)
    assert Store.open(fresh_postgres).table_names() == []
    code, out = cli("--db", fresh_postgres, "import", str(program_dir("P1")))
    assert code == 0, out
    code, out = cli("--db", fresh_postgres, "--lang", lang, "territories", "--format", "json")
    assert code == 0 and out.count('"code"') == len(builtin_package().territories)
