"""Shared fixtures: a fresh, migrated store per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs against the server ``NATIJE_TEST_POSTGRES_URL`` names (by default the local one at
``postgresql://postgres@127.0.0.1:5432/test``); the test session then creates its own database
``natije_test_<random>``, migrates it once, empties it before each test and drops it at the end. Each SQLite
store is a copy of one migrated once for the session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_db import PG_ENV, PG_URL, POSTGRES, empty_postgres, new_postgres_database

from natije.store import Store

# a store's log key lives outside the database, for PostgreSQL in the user's configuration folder: tests keep
# theirs in a folder of the session's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="natije-test-config-")
os.environ.pop("NATIJE_LEDGER_KEY", None)
# passwords hashed with parameters that cost microseconds (the real Argon2id profile is tested on its own)
os.environ["NATIJE_PASSWORD_HASHING"] = "test"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=POSTGRES,
    ),
]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A migrated database of its own for this test session (see :func:`new_postgres_database`)."""
    with new_postgres_database() as url:
        store = Store.open(url)
        store.init()
        store.close()
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated store (SQLite temp file or the session's PostgreSQL database, emptied)."""
    return _empty_store(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """As :func:`db_url`, for a module-scoped fixture that fills the store once and is done with it when it
    returns: on PostgreSQL this is the same database, which :func:`db_url` empties before each test."""
    return _empty_store(request, tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store, migrated once for the session: each test's SQLite store is a copy of it."""
    path = tmp_path_factory.mktemp("template") / "natije.db"
    store = Store.open(str(path))
    store.init()
    store.close()
    return path


def _empty_store(request: pytest.FixtureRequest, folder: Path) -> str:
    if request.param == "sqlite":
        return str(shutil.copyfile(request.getfixturevalue("sqlite_template"), folder / "natije.db"))
    url = request.getfixturevalue("postgres_database")
    store = Store.open(url)
    with store.transaction() as conn:
        empty_postgres(conn)
    store.close()
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open :class:`Store` on an empty, migrated database; closed after the test."""
    s = Store.open(db_url)
    try:
        yield s
    finally:
        s.close()


def pytest_configure(config: pytest.Config) -> None:
    """In CI (NATIJE_REQUIRE_POSTGRES=1) a missing PostgreSQL URL is an error, not a quiet skip."""
    if os.environ.get("NATIJE_REQUIRE_POSTGRES") == "1" and not PG_URL:
        raise pytest.UsageError(f"NATIJE_REQUIRE_POSTGRES=1 but {PG_ENV} is empty")


_POSTGRES_PASSED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _POSTGRES_PASSED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, fail a full run in which no PostgreSQL test passed: they must never silently drop out."""
    config = session.config
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller sees every worker's reports
        return
    full_run = (
        config.args_source is pytest.Config.ArgsSource.TESTPATHS
        and not config.option.markexpr
        and not config.option.keyword
    )
    if (
        os.environ.get("NATIJE_REQUIRE_POSTGRES") == "1"
        and exitstatus == 0
        and full_run
        and not _POSTGRES_PASSED
    ):
        print("\nERROR: no PostgreSQL test passed although NATIJE_REQUIRE_POSTGRES=1")
        session.exitstatus = 1
