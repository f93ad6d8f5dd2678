"""URL resolution and engine configuration."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from natije.errors import ConfigurationError
from natije.store import Store, resolve_url


def test_bare_path_is_sqlite_file(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_env_var_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NATIJE_DATABASE_URL", "postgresql://u@h:5432/db")
    assert resolve_url(None) == "postgresql+psycopg://u@h:5432/db"
    monkeypatch.delenv("NATIJE_DATABASE_URL")
    monkeypatch.chdir(tmp_path)
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'natije.db'}"


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgres_urls_normalised(url: str) -> None:
    assert resolve_url(url) == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql://u@h", "oracle+cx://x/y", "   "])
def test_bad_urls_raise_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError):
        resolve_url(url)


def test_postgres_without_its_driver_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if natije[postgres] were not installed
    with pytest.raises(ConfigurationError) as err:
        Store.open("postgresql://u@h/db")
    assert all("natije[postgres]" in err.value.message_in(lang) for lang in ("kk", "ru", "en"))


def test_missing_directory_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        Store.open(str(tmp_path / "nope" / "x.db"))


def test_sqlite_pragmas(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "p.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    store.close()


def test_sqlite_pragmas_wait_for_a_writer(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "p.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 60_000
    store.close()


def test_uninitialised_store_names_the_ways_to_fill_it(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "empty.db"))
    with pytest.raises(ConfigurationError, match="natije demo.*natije import PATH"):
        store.ensure_ready()
    with pytest.raises(ConfigurationError, match="natije demo"), store.connect():
        pass
    assert not (tmp_path / "empty.db").exists(), "asking must not create the file"
    store.init()
    store.ensure_ready()
    store.close()


def test_outdated_schema_says_run_init(tmp_path: Path) -> None:
    from natije.store import migrations

    store = Store.open(str(tmp_path / "old.db"))
    migrations.upgrade(store.engine, "0001")
    with pytest.raises(ConfigurationError, match="natije init"):
        store.ensure_ready()
    store.init()
    store.ensure_ready()
    store.close()


def test_a_commit_does_not_wait_for_a_long_reader(tmp_path: Path) -> None:
    import time

    from sqlalchemy import text

    store = Store.open(str(tmp_path / "r.db"))
    store.init()
    reader = Store.open(str(tmp_path / "r.db"))
    with reader.connect() as conn:
        conn.execute(text("SELECT count(*) FROM agencies")).scalar()  # holds a read snapshot until the end
        start = time.monotonic()
        with store.transaction() as w:
            w.execute(
                text("INSERT INTO agencies (code, name_kk, name_ru, name_en) VALUES ('A', 'a', 'a', 'a')")
            )
        assert time.monotonic() - start < 5  # a commit never waits for readers (no forced WAL checkpoint)
    with reader.connect() as conn:
        assert conn.execute(text("SELECT code FROM agencies")).scalar() == "A"
    store.close()
    reader.close()
