"""Fixtures for CLI tests: the real entry point in-process, small program packages, fresh databases."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_packages import write_program
from postgres_db import new_postgres_database

from natije.cli import main


@pytest.fixture
def program_dir(tmp_path: Path) -> Callable[[str], Path]:
    """``program_dir(code)`` writes the package of program ``code`` under ``tmp_path`` and returns it."""
    return lambda code: write_program(tmp_path / "packages" / code, code)


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str]]:
    """``cli(*args)`` runs ``natije ARGS`` through the console-script entry point:
    (exit code, stdout+stderr)."""

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["natije", *args])
        monkeypatch.setenv("COLUMNS", "300")  # one message, one line: rich wraps at the terminal width
        with pytest.raises(SystemExit) as info:
            main()
            raise SystemExit(0)
        out = capsys.readouterr()
        return int(info.value.code or 0), out.out + out.err

    return run


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (no schema), dropped after the test."""
    with new_postgres_database() as url:
        yield url
