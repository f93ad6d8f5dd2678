"""The log against the store: the demo verifies; each kind of SQL edit made behind natije's back is found.

On SQLite and PostgreSQL. Each test gets a store of its own holding the demo (its key beside the SQLite file,
or in the session's configuration folder for PostgreSQL): a copy of one loaded once per backend (SQLite: a
file copy; PostgreSQL: ``CREATE DATABASE … TEMPLATE``); it then edits tables or the log directly.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from demo_store import demo_template, store_copy
from log_edits import read_log, write_log
from postgres_db import POSTGRES, new_postgres_database
from sqlalchemy import text

from natije.ledger.canonical import Entry
from natije.ledger.verify import decode_entry
from natije.services.demo import load_demo
from natije.services.ledger import verify
from natije.services.ledger_proofs import current_checkpoint
from natije.store import Store

BACKENDS = ["sqlite", pytest.param("postgresql", marks=POSTGRES)]


@contextmanager
def new_store(backend: str, folder: Path) -> Iterator[Store]:
    """An empty store of its own: an SQLite file in ``folder``, or a new PostgreSQL database."""
    if backend == "sqlite":
        store = Store.open(str(folder / "natije.db"))
        yield store
        store.close()
        return
    with new_postgres_database() as url:
        store = Store.open(url)
        yield store
        store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store holding the demo, loaded once per backend: the tests edit copies of it."""
    with demo_template(request.param, tmp_path_factory.mktemp("demo")) as url:
        yield url


@pytest.fixture
def demo(demo_url: str, tmp_path: Path) -> Iterator[Store]:
    """A store of its own holding the demo, loaded through the import service (so logged and checkpointed): a
    copy of the module's, with its signing key."""
    with store_copy(demo_url, tmp_path) as url:
        store = Store.open(url)
        yield store
        store.close()


def sql(store: Store, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement))


def findings(store: Store, *files: Path) -> set[tuple[str, str]]:
    """What verification finds, the same whether it replays the log in one pass or in 300-entry shares."""
    found = {(f.what, f.table) for f in verify(store, files).findings}
    assert {(f.what, f.table) for f in verify(store, files, pass_rows=300).findings} == found
    return found


def test_the_demo_verifies_with_its_checkpoint(demo: Store) -> None:
    report = verify(demo)
    assert report.intact, report.findings[:5]
    assert verify(demo, pass_rows=100).intact
    assert report.size > 1000 and report.checkpoints == 1


def test_a_changed_value_is_found_with_its_position(demo: Store) -> None:
    sql(demo, "UPDATE observations SET value = value + 1 WHERE id = 5")
    [found] = verify(demo).findings
    assert (found.what, found.table, found.columns) == ("altered", "observations", ("value",))
    assert set(found.key) == {"indicator", "territory", "period"} and found.position is not None


def test_a_deleted_row_is_found(demo: Store) -> None:
    sql(demo, "DELETE FROM observation_revisions WHERE observation_id = 6")
    sql(demo, "DELETE FROM observations WHERE id = 6")
    assert findings(demo) == {("deleted", "observations"), ("deleted", "observation_revisions")}


def test_an_inserted_row_is_found(demo: Store) -> None:
    sql(
        demo,
        "INSERT INTO observations (indicator_id, territory_id, period, period_start, value, status, "
        "n_values, first_recorded, recorded_at) SELECT indicator_id, territory_id, '1990', 23880, 1.0, 0, 1, "
        "first_recorded, recorded_at FROM observations WHERE id = 7",
    )
    assert findings(demo) == {("inserted", "observations")}


def test_a_changed_commitment_version_is_found(demo: Store) -> None:
    sql(demo, "UPDATE commitments SET version = version + 1 WHERE id = (SELECT max(id) FROM commitments)")
    assert findings(demo) == {("inserted", "commitments"), ("deleted", "commitments")}


def test_a_changed_program_and_budget_are_found(demo: Store) -> None:
    sql(demo, "UPDATE programs SET end_year = end_year + 5 WHERE id = 1")
    sql(demo, "UPDATE budget_lines SET amount = amount * 2 WHERE id = 1")
    assert findings(demo) == {("altered", "programs"), ("altered", "budget_lines")}
    sql(
        demo,
        "DELETE FROM budget_indicators WHERE budget_line_id = "
        "(SELECT min(budget_line_id) FROM budget_indicators)",
    )
    assert ("altered", "budget_indicators") in findings(demo)


def test_each_import_is_logged_and_an_edited_deleted_or_added_one_found(demo: Store) -> None:
    with demo.connect() as conn:
        ids = conn.execute(text("SELECT id FROM imports ORDER BY id")).scalars().all()
        logged = [decode_entry(raw) for _, raw in read_log(conn)]
    assert len(ids) > 1
    assert [e["key"]["id"] for e in logged if e["table"] == "imports" and e["kind"] == "insert"] == ids
    first, last = "(SELECT min(id) FROM imports)", "(SELECT max(id) FROM imports)"
    sql(demo, f"UPDATE imports SET summary = summary || ' ' WHERE id = {first}")
    assert findings(demo) == {("altered", "imports")}
    sql(demo, f"DELETE FROM imports WHERE id = {last}")
    assert findings(demo) == {("altered", "imports"), ("deleted", "imports")}
    sql(
        demo,
        "INSERT INTO imports (id, package_hash, program, recorded_at, summary) "  # an id never used
        f"SELECT id + 1000, package_hash, program, recorded_at, summary FROM imports WHERE id = {first}",
    )
    assert findings(demo) == {("altered", "imports"), ("deleted", "imports"), ("inserted", "imports")}


def test_a_rewritten_entry_is_found(demo: Store) -> None:
    with demo.engine.begin() as conn:
        log = read_log(conn)
        fields = decode_entry(log[40][1])
        fields["after"] = {**fields["after"], "value": 0.0} if "value" in fields["after"] else fields["after"]
        fields["actor"] = "someone"
        log[40] = (log[40][0], Entry(**fields).encode())
        write_log(conn, log)
    assert ("checkpoint", "ledger_checkpoints:1") in findings(demo)


def test_a_block_that_does_not_read_is_found(demo: Store) -> None:
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_blocks SET data = :d WHERE block = 1"), {"d": b"not a block"})
    assert ("entry", "ledger_blocks") in findings(demo)
    with demo.engine.begin() as conn:  # a block that decompresses but whose lengths do not add up
        conn.execute(
            text("UPDATE ledger_blocks SET data = :d WHERE block = 1"), {"d": zlib.compress(b"\0" * 9)}
        )
    assert ("entry", "ledger_blocks") in findings(demo)


@pytest.mark.parametrize("column", ["count", "last_tx"])
def test_a_block_whose_count_or_last_transaction_is_changed_is_found(demo: Store, column: str) -> None:
    sql(demo, f"UPDATE ledger_blocks SET {column} = {column} - 1 WHERE block = 2")
    assert findings(demo) == {("entry", "ledger_blocks")}


def test_reordered_entries_are_found(demo: Store) -> None:
    with demo.engine.begin() as conn:
        log = read_log(conn)
        log[10], log[11] = log[11], log[10]
        write_log(conn, log)
    assert ("checkpoint", "ledger_checkpoints:1") in findings(demo)


def test_a_log_truncated_and_rebuilt_consistently_is_caught_by_an_older_checkpoint(
    demo: Store, tmp_path: Path
) -> None:
    kept = tmp_path / "checkpoint.txt"
    kept.write_text(current_checkpoint(demo).note, encoding="utf-8")
    with demo.engine.begin() as conn:
        log = read_log(conn)
        position = max(n for n, (_, raw) in enumerate(log) if decode_entry(raw)["table"] == "observations")
        fields = decode_entry(log[position][1])
        fields["after"] = {**fields["after"], "value": fields["after"]["value"] + 1000}
        forged = Entry(**fields).encode()
        key = fields["key"]
        # the table and the log say the same again: the row edited, the log cut there and its entries re-added
        conn.execute(
            text(
                "UPDATE observations SET value = value + 1000 WHERE period = :p AND indicator_id = "
                "(SELECT id FROM indicators WHERE code = :i) AND territory_id = "
                "(SELECT id FROM territories WHERE code = :t)"
            ),
            {"p": key["period"], "i": key["indicator"], "t": key["territory"]},
        )
        conn.execute(
            text(
                "UPDATE observation_revisions SET value = value + 1000 WHERE id = (SELECT max(r.id) "
                "FROM observation_revisions r JOIN observations o ON o.id = r.observation_id "
                "JOIN indicators i ON i.id = o.indicator_id WHERE i.code = :i AND o.period = :p "
                "AND o.territory_id = (SELECT id FROM territories WHERE code = :t))"
            ),
            {"p": key["period"], "i": key["indicator"], "t": key["territory"]},
        )
        log[position] = (log[position][0], forged)
        write_log(conn, log)
        conn.execute(text("DELETE FROM ledger_checkpoints"))
    assert verify(demo).intact  # nothing inside the store tells
    assert findings(demo, kept) == {("checkpoint", str(kept))}


def test_a_store_without_a_log_gets_its_rows_logged_by_init(demo: Store) -> None:
    from natije.services.catalog import initialise

    sql(demo, "DELETE FROM ledger_blocks")  # as a store migrated from before the log holds its rows
    sql(demo, "DELETE FROM ledger_nodes")
    sql(demo, "DELETE FROM ledger_checkpoints")
    assert ("inserted", "observations") in findings(demo)
    initialise(demo)
    report = verify(demo)
    assert report.intact, report.findings[:3]
    assert report.size > 1000
    initialise(demo)  # once only
    assert verify(demo).size == report.size


def test_a_stored_evaluation_is_logged_and_an_edited_one_found(demo: Store) -> None:
    from natije.services.evaluation import evaluate_indicator

    record = evaluate_indicator(
        demo, "AI2023", "AI2023.RURAL_INTERNET_USERS", method="did", treated="230000000", start="2019"
    )
    assert verify(demo).intact
    sql(demo, f"UPDATE evaluations SET result = replace(result, '1', '2') WHERE id = {record.id}")
    [found] = verify(demo).findings
    assert (found.what, found.table, found.key, found.columns) == (
        "altered",
        "evaluations",
        {"id": record.id},
        ("result",),
    )


LATER_TABLES = ("web_sessions", "submitted_values", "submissions")
"""Tables the migrations after 0009 add (children first): a store at 0008 had none of them."""


def drop_later_tables(store: Store) -> None:
    for table in LATER_TABLES:
        sql(store, f"DROP TABLE {table}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_log_begun_before_imports_were_logged_gets_them_logged_by_the_migration(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from natije.services.catalog import initialise
    from natije.store import imports

    with new_store(backend, tmp_path) as store:
        with monkeypatch.context() as before:  # as natije wrote a store before its import log was logged
            before.setattr(imports, "log_row", lambda conn, table, key: None)
            load_demo(store)
        sql(store, "UPDATE alembic_version SET version_num = '0008'")
        assert findings(store) == {("inserted", "imports")}
        drop_later_tables(store)
        initialise(store)
        report = verify(store)
        assert report.intact, report.findings[:3]
        sql(store, "UPDATE alembic_version SET version_num = '0008'")
        drop_later_tables(store)
        initialise(store)  # migrated again: no row logged twice
        assert verify(store) == report
