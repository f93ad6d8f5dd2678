"""``natije serve`` and the end of ``natije demo``: the app handed to uvicorn (not started)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    monkeypatch.delenv("NATIJE_DATABASE_URL", raising=False)
    return calls


def test_serve_builds_the_app_on_the_store(
    cli: Callable[..., tuple[int, str]], served: list, tmp_path: Path
) -> None:
    db = str(tmp_path / "web.db")
    code, out = cli("--db", db, "--lang", "en", "serve", "--port", "8123")
    assert code == 0, out
    assert "http://127.0.0.1:8123/" in out and "Ctrl-C" in out
    ((app, options),) = served
    assert options["port"] == 8123 and options["host"] == "127.0.0.1"
    state = app.state.natije
    assert (
        state.settings.database_url == db and state.settings.default_language == "en" and state.settings.warm
    )


def test_several_workers_use_the_import_string_factory(
    cli: Callable[..., tuple[int, str]], served: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # both restored after the test: the command sets them for its workers
    monkeypatch.setenv("NATIJE_LANG", "kk")
    monkeypatch.setenv("NATIJE_DATABASE_URL", str(tmp_path / "other.db"))
    db = str(tmp_path / "web.db")
    code, out = cli("--db", db, "--lang", "ru", "serve", "--workers", "3")
    assert code == 0, out
    ((target, options),) = served
    assert target == "natije.web.app:factory" and options["factory"] and options["workers"] == 3
    assert os.environ["NATIJE_DATABASE_URL"] == db and os.environ["NATIJE_LANG"] == "ru"


def test_zero_workers_is_refused(cli: Callable[..., tuple[int, str]], served: list) -> None:
    code, out = cli("--lang", "en", "serve", "--workers", "0")
    assert code == 2 and "--workers" in out and not served


def test_demo_ends_serving_unless_told_not_to(
    cli: Callable[..., tuple[int, str]], served: list, tmp_path: Path
) -> None:
    db = str(tmp_path / "demo.db")
    code, _ = cli("--db", db, "--lang", "en", "demo", "--no-serve")
    assert code == 0 and not served
    code, out = cli("--db", db, "--lang", "en", "demo")
    assert code == 0 and "http://127.0.0.1:8000/" in out
    ((app, _options),) = served
    assert app.state.natije.settings.database_url == db
