"""What the replay finds in the log itself, the same in one share or many: an entry that repeats a change
(``chain``), one that does not decode (``entry``), one whose transaction is not its block's (``order``), and a
revision stored twice. On SQLite and PostgreSQL, each on a store of its own holding the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from log_edits import read_log, write_log
from test_ledger import BACKENDS, findings, new_store, sql

from natije.ledger.canonical import Entry
from natije.ledger.verify import decode_entry
from natije.services.demo import load_demo
from natije.services.ledger import verify
from natije.store import Store


@pytest.fixture(params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store of its own holding the demo, loaded through the import service (so logged and checkpointed)."""
    with new_store(request.param, tmp_path) as store:
        load_demo(store)
        yield store


def _last_insert(log: list[tuple[int, bytes]], table: str) -> int:
    return max(n for n, (_, raw) in enumerate(log) if decode_entry(raw)["table"] == table)


def test_an_insert_logged_again_breaks_its_rows_chain(demo: Store) -> None:
    with demo.engine.begin() as conn:
        log = read_log(conn)
        again = log[_last_insert(log, "observations")][1]
        tx = decode_entry(again)["transaction"]
        write_log(conn, [*log, (tx, again)])  # the same change, after the log's last transaction
    found = verify(demo).findings
    [chain] = [f for f in found if f.what == "chain"]
    assert chain.position == len(log) and set(chain.key) == {"indicator", "territory", "period"}
    # besides: its revision, logged twice, is stored once
    assert findings(demo) - {("deleted", "observation_revisions")} == {("chain", "observations")}


def test_an_entry_that_does_not_decode_is_found_and_not_replayed(demo: Store) -> None:
    with demo.engine.begin() as conn:
        log = read_log(conn)
        at = _last_insert(log, "observations")
        log[at] = (log[at][0], log[at][1] + b"N")  # bytes after the entry
        write_log(conn, log)
    found = findings(demo)
    assert ("entry", "ledger_blocks") in found and ("checkpoint", "ledger_checkpoints:1") in found
    assert [f.position for f in verify(demo).findings if f.what == "entry"] == [at]


def test_an_entry_whose_transaction_is_not_its_blocks_is_found(demo: Store) -> None:
    with demo.engine.begin() as conn:
        log = read_log(conn)
        fields = decode_entry(log[5][1])
        log[5] = (log[5][0], Entry(**{**fields, "transaction": fields["transaction"] + 1}).encode())
        write_log(conn, log)
    assert findings(demo) == {("order", "ledger_blocks"), ("checkpoint", "ledger_checkpoints:1")}


def test_a_revision_stored_twice_is_found_once(demo: Store) -> None:
    sql(
        demo,
        "INSERT INTO observation_revisions (observation_id, recorded_at, value, source_id, reason_id) "
        "SELECT observation_id, recorded_at, value, source_id, reason_id FROM observation_revisions "
        "WHERE id = (SELECT max(id) FROM observation_revisions)",
    )
    found = verify(demo).findings
    assert [(f.what, f.table) for f in found] == [("inserted", "observation_revisions")]
    assert findings(demo) == {("inserted", "observation_revisions")}
