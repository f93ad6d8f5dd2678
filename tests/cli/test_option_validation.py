"""Every option is checked by one shared rule: a bad value exits with code 2 and a message in the reader's
language, on every command that takes the option (found by walking the command tree, not listed by hand)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from cli_packages import write_program
from hypothesis import given
from hypothesis import strategies as st

from natije.cli import app
from natije.cli.app import parse_day
from natije.errors import ValidationError
from natije.services.ingestion import import_paths
from natije.store import Store

BAD = {
    "--as-of": ["2025-13-01", "yesterday", "2025-02-30", "2025-1-1"],
    "--format": ["xml"],
    "--territory": ["999999999"],
    "--treated": ["999999999", "790000000,999999999"],
    "--territories": ["999999999"],
    "--level": ["town"],
    "--basis": ["best"],
}
EXPECTED = {"kk": "күтілгені", "ru": "ожидалось", "en": "expected"}


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _takes(param: Any, option: str) -> bool:
    # `natije evaluate --treated` names units of a panel file, not territories of the store
    return option in param.opts and (option not in TERRITORY or "territor" in (param.help or "").lower())


TERRITORY = ("--territory", "--treated", "--territories")
COMMANDS = list(_commands(app))
CASES = [
    (path, option, value)
    for path, command in COMMANDS
    for param in command.params
    for option in BAD
    if _takes(param, option)
    for value in BAD[option]
]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A store holding program P1, and a value for every argument or required option a command needs."""
    root = tmp_path_factory.mktemp("options")
    package = write_program(root / "P1", "P1")
    db = str(root / "filled.db")
    store = Store.open(db)
    import_paths(store, [package])
    store.close()
    panel = root / "panel.csv"
    panel.write_text("u,t,y\na,2019,1\n", encoding="utf-8")
    return {
        "db": db,
        "program": "P1",
        "indicator": "P1.USERS",
        "evaluation_id": "1",
        "paths": str(package),
        "directory": str(root / "out"),
        "data": str(panel),
        "unit": "u",
        "time": "t",
        "outcome": "y",
        "method": "did",
    }


def _argv(path: tuple[str, ...], values: dict[str, str], option: str, value: str) -> list[str]:
    command = dict(COMMANDS)[path]
    args = [*path]
    for param in command.params:
        if param.required and param.name in values:
            args += (
                [values[param.name]]
                if param.param_type_name == "argument"
                else [param.opts[0], values[param.name]]
            )
    return [*args, option, value]


def test_the_bad_option_cases_cover_every_command_that_takes_them() -> None:
    covered = {(" ".join(path), option) for path, option, _ in CASES}
    assert {
        ("results", "--as-of"),
        ("flags", "--as-of"),
        ("lineage", "--as-of"),
        ("scorecard", "--as-of"),
        ("programs", "--as-of"),
        ("evaluation run", "--as-of"),
        ("territories", "--as-of"),
        ("results", "--territory"),
        ("evaluation run", "--treated"),
        ("evaluation run", "--territories"),
        ("import", "--format"),
        ("programs", "--format"),
        ("show", "--format"),
        ("evaluate", "--format"),
        ("evaluation list", "--format"),
        ("territories", "--level"),
    } <= covered


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    ("path", "option", "value"), CASES, ids=[f"{' '.join(p)} {o} {v}" for p, o, v in CASES]
)
def test_a_bad_value_exits_2_naming_the_option(
    cli: Callable, filled: dict[str, str], path: tuple[str, ...], option: str, value: str, lang: str
) -> None:
    code, out = cli("--db", filled["db"], "--lang", lang, *_argv(path, filled, option, value))
    assert code == 2, out
    assert "Traceback" not in out
    assert option in out and value.split(",")[-1] in out and EXPECTED[lang] in out, out


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_an_unknown_language_exits_2_on_every_command(
    cli: Callable, filled: dict[str, str], path: tuple[str, ...], command: Any
) -> None:
    args = _argv(path, filled, "--help", "")[:-2]
    code, out = cli("--db", filled["db"], "--lang", "xx", *args)
    assert code == 2 and "--lang" in out and "xx" in out and "kk, ru" in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "args",
    [
        ["results", "P1"],
        ["flags", "P1"],
        ["lineage", "P1"],
        ["scorecard"],
        [
            "evaluation",
            "run",
            "P1",
            "P1.USERS",
            "--method",
            "did",
            "--treated",
            "790000000",
            "--start",
            "2021",
        ],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_an_as_of_before_anything_was_known_says_so(
    cli: Callable, filled: dict[str, str], args: list[str], lang: str
) -> None:
    code, out = cli("--db", filled["db"], "--lang", lang, *args, "--as-of", "2018-12-19")
    assert code == 2 and "2018-12-20" in out and "P1" in out and EXPECTED[lang] in out, out
    code, out = (
        cli("--db", filled["db"], "--lang", lang, *args[:2], "--as-of", "2018-12-20")
        if args[0] != "evaluation"
        else (0, "")
    )
    assert code == 0, out


def test_programs_as_of_lists_the_programs_known_then(cli: Callable, filled: dict[str, str]) -> None:
    # P1 starts in 2019; its baseline and target were decided on 2018-12-20, its 2018 value recorded later
    code, out = cli("--db", filled["db"], "programs", "--format", "json", "--as-of", "2018-12-19")
    assert code == 0 and json.loads(out) == [], out
    code, out = cli("--db", filled["db"], "programs", "--format", "json", "--as-of", "2018-12-20")
    assert code == 0 and [p["code"] for p in json.loads(out)] == ["P1"], out


@given(st.text(max_size=12) | st.dates().map(date.isoformat))
def test_a_date_option_takes_exactly_the_iso_calendar_dates(text: str) -> None:
    try:
        day = parse_day("--as-of", text)
    except ValidationError as exc:
        assert exc.exit_code == 2 and exc.problems[0].file == "--as-of"
        with pytest.raises(ValueError):
            if len(text) != 10:
                raise ValueError(text)
            date.fromisoformat(text)
    else:
        assert day is not None and day.isoformat() == text
