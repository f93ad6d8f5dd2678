"""Every write path logs what it changes: after each kind of merge and package write the store verifies, and
the log grew by exactly the rows changed (on SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from natije.ledger.verify import decode_entry
from natije.services.ledger import verify
from natije.store import Store
from natije.store.catalog import write_package
from natije.store.ledger_blocks import entries_between, log_size
from natije.store.ledger_observations import keep_keys, kept_rows
from natije.store.observations import merge_observations, merge_revisions
from natije.store.streams import iter_revisions

T0, T1, T2 = datetime(2020, 3, 1), datetime(2021, 5, 1, 12), datetime(2019, 1, 1)
GOOD = Path(__file__).resolve().parents[1] / "data" / "ingest" / "good"


def entries(store: Store, since: int = 0) -> list[dict]:
    with store.connect() as conn:
        rows = entries_between(conn, since, log_size(conn))
    return [decode_entry(entry) for _, _, entry in rows]


def intact(store: Store) -> int:
    report = verify(store)
    assert report.intact, report.findings[:5]
    assert verify(store, pass_rows=3).intact  # replayed in shares of the keys, as a large log is
    return report.size


def test_each_write_path_logs_its_changes(store: Store, reference, package, obs, make_pkg) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, package)
    size = intact(store)
    assert {e["table"] for e in entries(store)} >= {"territories", "programs", "indicators", "commitments"}

    first = obs([("DK2018.LIT", "000000000", "2019", 79.0), ("DK2018.LIT", "610000000", "2019", 70.0)], T0)
    with store.transaction() as conn:  # the bulk path: a new indicator
        merge_observations(conn, [first], reason="first", author="a")
    new = entries(store, size)
    assert [(e["kind"], e["after"]["revision"]) for e in new] == [
        ("insert", {"author": "a", "reason": "first"})
    ] * 2
    size = intact(store)

    changed = obs(
        [
            ("DK2018.LIT", "000000000", "2019", 80.5),  # a new value: revised
            ("DK2018.LIT", "610000000", "2019", 70.0),  # the same value with a note: no revision
            ("DK2018.LIT", "000000000", "2020", 81.0),  # a new key of an indicator with data: staged insert
        ],
        T1,
    ).with_columns(note=pl.Series([None, "checked", None], dtype=pl.String))
    with store.transaction() as conn:  # the staged path
        merge_observations(conn, [changed], reason="second", author="b")
        merge_observations(conn, [changed], reason="again", author="b")  # unchanged: nothing logged
    new = entries(store, size)
    kinds = sorted((e["kind"], e["key"]["period"], e["after"]["revision"] is not None) for e in new)
    assert kinds == [("insert", "2020", True), ("update", "2019", False), ("update", "2019", True)]
    size = intact(store)

    with store.connect() as conn:
        history = pl.concat(list(iter_revisions(conn, program="DK2018")))
    older = history.head(1).with_columns(value=pl.lit(77.0), recorded_at=pl.lit(T2, pl.Datetime("us")))
    with store.transaction() as conn:  # the history path: an older revision added
        merge_revisions(conn, [pl.concat([history, older], how="vertical_relaxed")])
    tables = [e["table"] for e in entries(store, size)]
    assert "observation_revisions" in tables
    size = intact(store)

    with store.transaction() as conn:  # a changed target: a new commitment version, logged as an insert
        write_package(conn, make_pkg(target_2022=90.0))
    assert [(e["table"], e["kind"]) for e in entries(store, size)] == [("commitments", "insert")]
    intact(store)


def test_revisions_alike_in_every_column_are_each_logged_and_verify(
    store: Store, reference, package, obs
) -> None:
    """A value set back at the same time for the same reason, and a history merged with a revision repeated,
    give two revisions alike in every column: two rows and two entries of the same key, counted as two."""
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
    for value in (79.0, 80.0, 79.0):  # the same as_of and reason: the third revision repeats the first
        with store.transaction() as conn:
            batch = obs([("DK2018.LIT", "000000000", "2019", value)], T0)
            merge_observations(conn, [batch], reason="same", author="a")
    with store.connect() as conn:
        history = pl.concat(list(iter_revisions(conn, program="DK2018")))
    later = history.head(1).with_columns(value=pl.lit(81.0), recorded_at=pl.lit(T1, pl.Datetime("us")))
    size = intact(store)
    with store.transaction() as conn:
        merge_revisions(conn, [pl.concat([history, later, later], how="vertical_relaxed")])
    added = [e for e in entries(store, size) if e["table"] == "observation_revisions"]
    assert len(added) == 2 and added[0]["key"] == added[1]["key"] and added[0]["after"] == added[1]["after"]
    with store.connect() as conn:
        values = conn.exec_driver_sql("SELECT value FROM observation_revisions ORDER BY id").scalars().all()
    assert values == [79.0, 80.0, 79.0, 81.0, 81.0]
    intact(store)
    with store.transaction() as conn:  # one of two alike deleted with SQL: found, the other still matches
        conn.exec_driver_sql(
            "DELETE FROM observation_revisions WHERE id = (SELECT max(id) FROM observation_revisions)"
        )
    for shares in (1_000_000, 3):
        found = [(f.what, f.table) for f in verify(store, pass_rows=shares).findings]
        assert found == [("deleted", "observation_revisions")]


def test_a_history_file_repeating_a_revision_is_refused_naming_the_row(store: Store, tmp_path: Path) -> None:
    from natije.cli.problems import problem_line
    from natije.errors import ValidationError
    from natije.services.ingestion import import_paths

    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    row = "TEST2020.INTERNET,000000000,2017,77.0,first,bns,2018-03-01,stat\n"
    head = "indicator,territory,period,value,reason,author,recorded_at,source\n"
    (folder / "revisions.csv").write_text(head + row + row, encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        import_paths(store, [folder])
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.code) == ("pkg/revisions.csv", 3, "duplicate_key")
    lines = {lang: problem_line(problem, lang) for lang in ("kk", "ru", "en")}
    assert all("recorded_at" in line and "revisions.csv" in line for line in lines.values())
    assert len(set(lines.values())) == 3  # each in its own language
    with store.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM observation_revisions").scalar_one() == 0


def test_a_transaction_rolled_back_leaves_no_entries(store: Store, reference, package, obs) -> None:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
    size = intact(store)
    try:
        with store.transaction() as conn:
            merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2019", 1.0)])], reason="x")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert intact(store) == size
    with store.transaction() as conn:  # the next write numbers its transaction after the last committed one
        merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2019", 1.0)])], reason="y")
    txs = [e["transaction"] for e in entries(store)]
    assert txs == sorted(txs) and txs[-1] == txs[size - 1] + 1
    intact(store)


def test_the_same_entries_when_rows_are_encoded_one_slice_at_a_time(
    store: Store, reference, package, obs, make_pkg, monkeypatch
) -> None:
    from natije.store import ledger_observations

    monkeypatch.setattr(ledger_observations, "SLICE", 1)
    test_each_write_path_logs_its_changes(store, reference, package, obs, make_pkg)


def test_the_kept_rows_are_read_through_an_index_of_the_kept_keys(tmp_path) -> None:
    # a scan of the kept keys for each observation made a merge revising 100,000 values take minutes
    store = Store.open(str(tmp_path / "plan.db"))
    store.init()
    with store.transaction() as conn:
        keep_keys(conn, "SELECT indicator_id, territory_id, period FROM observations")
        query = kept_rows().compile(conn, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))
    assert "natije_ledger_keys" in plan and "SCAN natije_ledger_keys" not in plan, plan
