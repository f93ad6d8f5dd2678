"""Submissions in the tamper-evident log and under concurrency (SQLite and PostgreSQL): every submission and
decision is logged with its actor, ``verify`` finds an SQL edit of a submitted value or of a decision, and
requests racing with one idempotency key store once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest
from log_edits import read_log
from sqlalchemy import text

from natije.domain.access import Principal
from natije.ledger.verify import decode_entry
from natije.services import submissions as service
from natije.services.ledger import verify
from natije.services.submissions import SubmissionAnswer, decide, submit
from natije.store import Store

CLERK = Principal("reporter", agency="MTC", name="aigerim")
BOSS = Principal("approver", agency="MTC", name="bolat")
BODY = pl.DataFrame(
    {
        "indicator": ["IK2020.FIXED_BROADBAND", "IK2020.MOBILE_SUBS"],
        "territory": ["000000000", "000000000"],
        "period": ["2025", "2025"],
        "value": ["16.1", "131"],
    }
)


def sql(store: Store, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement))


def count(store: Store, table: str) -> int:
    with store.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_submissions_and_decisions_are_logged_and_verify(fresh: Store) -> None:
    first, second = submit(fresh, CLERK, BODY, "api", idempotency_key="k").rows
    decide(fresh, BOSS, [first.value_id], approve=True, reason=None)
    decide(fresh, BOSS, [second.value_id], approve=False, reason="per 100 people, not per 1000")
    with fresh.connect() as conn:
        decoded = [decode_entry(entry) for _, entry in read_log(conn)]
    logged = [(e["table"], e["kind"], e["actor"]) for e in decoded if str(e["table"]).startswith("submi")]
    assert logged == [
        ("submissions", "insert", "aigerim"),
        ("submitted_values", "insert", "aigerim"),
        ("submitted_values", "insert", "aigerim"),
        ("submitted_values", "update", "bolat"),
        ("submitted_values", "update", "bolat"),
    ]
    approved = [e for e in decoded if e["table"] == "observations" and e["actor"] == "bolat"]
    assert len(approved) == 1  # the published value, logged by the import's own merge with its approver
    returned = next(
        e for e in decoded if e["table"] == "submitted_values" and e["after"]["state"] == "returned"
    )  # type: ignore[index]
    assert returned["after"]["indicator"] == "IK2020.MOBILE_SUBS"  # type: ignore[index]
    report = verify(fresh)
    assert report.intact, report.findings


def test_sql_edits_of_a_submitted_value_and_of_a_decision_are_found(fresh: Store) -> None:
    first, second = submit(fresh, CLERK, BODY, "form").rows
    decide(fresh, BOSS, [second.value_id], approve=False, reason="check the unit")
    sql(fresh, f"UPDATE submitted_values SET value = 99 WHERE id = {first.value_id}")
    sql(
        fresh,
        f"UPDATE submitted_values SET state = 'approved', reason = NULL WHERE id = {second.value_id}",
    )
    found = {(f.what, f.table, tuple(f.key.values()), f.columns) for f in verify(fresh).findings}
    assert found == {
        ("altered", "submitted_values", (first.value_id,), ("value",)),
        ("altered", "submitted_values", (second.value_id,), ("reason", "state")),
    }


def test_requests_racing_with_one_key_store_once(fresh: Store) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: submit(fresh, CLERK, BODY, "api", idempotency_key="race"), range(16))
        )
    assert len({a.submission for a in answers}) == 1
    assert all(a == answers[0] for a in answers)
    assert sum(not a.replayed for a in answers) == 1
    assert count(fresh, "submissions") == 1 and count(fresh, "submitted_values") == 2


def test_a_key_stored_by_a_racing_request_after_both_looked_is_replayed(
    fresh: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique (actor, key) constraint is the last guard: a request that saw no stored key, then hit the
    constraint on insert, answers with the stored answer."""
    first = submit(fresh, CLERK, BODY, "api", idempotency_key="late")
    real = service.rows_store.find_by_key
    looks: list[int] = []

    def blind_twice(conn: object, actor: str, key: str) -> object:
        looks.append(1)
        return None if len(looks) <= 2 else real(conn, actor, key)  # type: ignore[arg-type]

    monkeypatch.setattr(service.rows_store, "find_by_key", blind_twice)
    again = submit(fresh, CLERK, BODY, "api", idempotency_key="late")
    assert len(looks) == 3  # before, under the lock, after the constraint refused the insert
    assert again == first and again.replayed
    assert count(fresh, "submissions") == 1 and count(fresh, "submitted_values") == 2
    assert isinstance(again, SubmissionAnswer)
