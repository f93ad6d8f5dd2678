"""Fixtures for CLI tests: the real entry point in-process, small program packages, fresh databases."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_packages import PG_URL, write_program
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from natije.cli import main
from natije.store.engine import resolve_url


@pytest.fixture
def program_dir(tmp_path: Path) -> Callable[[str], Path]:
    """``program_dir(code)`` writes the package of program ``code`` under ``tmp_path`` and returns it."""
    return lambda code: write_program(tmp_path / "packages" / code, code)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """``cli(*args)`` runs ``natije ARGS`` through the console-script entry point: (exit code, stdout+stderr)."""

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
    assert PG_URL
    admin_url = make_url(resolve_url(PG_URL))
    name = f"natije_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
