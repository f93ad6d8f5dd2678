"""Every CLI command and option has help text and is documented in docs/cli.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from natije.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(group: Any, prefix: str = "natije") -> Iterator[tuple[str, Any]]:
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        yield full, command
        if isinstance(command, click.Group):
            yield from _commands(command, full)


COMMANDS = list(_commands(app))


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


def test_there_are_commands_and_options() -> None:
    names = {n for n, _ in COMMANDS}
    assert {
        "natije import",
        "natije export",
        "natije programs",
        "natije demo",
        "natije evaluation run",
    } <= names
    assert sum(len(_options(c)) for _, c in COMMANDS) > 20


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_and_is_documented(name: str, command: Any) -> None:
    assert (command.help or "").strip(), f"{name} has no help text"
    docs = DOCS.read_text(encoding="utf-8")
    assert f"`{name}" in docs, f"{name} is not documented in docs/cli.md"
    for param in _options(command):
        assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help text"
        assert any(f"`{opt}" in docs for opt in param.opts), f"{name} {param.opts[0]} is not in docs/cli.md"


def test_global_options_are_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for opt in ("--db", "--lang", "NATIJE_DATABASE_URL", "NATIJE_LANG"):
        assert opt in docs


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_names_no_internal_error_types(name: str, command: Any) -> None:
    # a docstring names its errors for developers after "\f", which --help does not print
    shown = (command.help or "").split("\f")[0]
    assert not re.search(r"\b(Raises|raises)\b|Error\b|NotFound", shown), f"{name} --help: {shown!r}"
