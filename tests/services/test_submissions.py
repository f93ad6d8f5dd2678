"""Submitting, approving and returning values on the demo store (SQLite and PostgreSQL): only approved values
reach the published observations; every decision is checked and logged."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import text

from natije.domain.access import Principal
from natije.errors import NotFound, PermissionDenied, ValidationError
from natije.services.submissions import (
    decide,
    desk,
    history,
    pending,
    pending_changes,
    returned,
    submission,
    submit,
    template_spec,
)
from natije.store import Store

CLERK = Principal("reporter", agency="MTC", name="aigerim")
BOSS = Principal("approver", agency="MTC", name="bolat")
AUDITOR = Principal("auditor", name="dana")
BROADBAND = "IK2020.FIXED_BROADBAND"
NATION = "000000000"


def rows(*items: tuple[str, str, str, str]) -> pl.DataFrame:
    """Rows (indicator, territory, period, value) as a form or the API would send them."""
    return pl.DataFrame(items, schema=["indicator", "territory", "period", "value"], orient="row")


def published(store: Store, indicator: str, period: str) -> list[float]:
    query = (
        "SELECT o.value FROM observations o JOIN indicators i ON i.id = o.indicator_id "
        "JOIN territories t ON t.id = o.territory_id "
        f"WHERE i.code = '{indicator}' AND t.code = '{NATION}' AND o.period = '{period}'"
    )
    with store.connect() as conn:
        return [float(v) for v in conn.exec_driver_sql(query).scalars()]


def count(store: Store, table: str) -> int:
    with store.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_submission_waits_unpublished_until_approved(fresh: Store) -> None:
    answer = submit(fresh, CLERK, rows((BROADBAND, NATION, "2025", "16.1")), "form")
    [result] = answer.rows
    assert (result.row, result.state) == (2, "pending")
    assert published(fresh, BROADBAND, "2025") == []
    [waiting] = pending(fresh, BOSS, "MTC")
    assert (waiting.id, waiting.value, waiting.submitted_by, waiting.channel) == (
        result.value_id,
        16.1,
        "aigerim",
        "form",
    )
    with fresh.connect() as conn:
        before = dict(conn.exec_driver_sql("SELECT program, store_version FROM result_snapshots").all())
    decision = decide(fresh, BOSS, [result.value_id], approve=True, reason=None)
    assert (decision.state, decision.inserted, decision.revised) == ("approved", 1, 0)
    assert published(fresh, BROADBAND, "2025") == [16.1]
    assert pending(fresh, BOSS, "MTC") == []
    with fresh.connect() as conn:
        after = dict(conn.exec_driver_sql("SELECT program, store_version FROM result_snapshots").all())
        link = conn.exec_driver_sql("SELECT state, decided_by, observation_id FROM submitted_values").one()
    assert "IK2020" in after and after["IK2020"] != before["IK2020"]  # the results were refreshed with it
    assert link[:2] == ("approved", "bolat") and link[2] is not None


def test_approving_a_correction_needs_a_reason_and_makes_a_revision(fresh: Store) -> None:
    [old] = published(fresh, BROADBAND, "2024")
    [result] = submit(fresh, CLERK, rows((BROADBAND, NATION, "2024", "15.9")), "api").rows
    with pytest.raises(ValidationError) as err:
        decide(fresh, BOSS, [result.value_id], approve=True, reason="  ")
    assert [p.code for p in err.value.problems] == ["reason_required"]
    assert (
        err.value.problems[0].expected_in("ru")
        == "причина: утверждение этого значения изменяет опубликованное значение"
    )
    assert published(fresh, BROADBAND, "2024") == [old]
    decision = decide(fresh, BOSS, [result.value_id], approve=True, reason="BNS revised the series")
    assert decision.revised == 1
    assert published(fresh, BROADBAND, "2024") == [15.9]
    seen = history(fresh, Principal("public"), BROADBAND, NATION, "2024")
    assert [p["value"] for p in seen.published] == [old, 15.9]
    assert (seen.published[-1]["reason"], seen.published[-1]["author"]) == ("BNS revised the series", "bolat")
    assert seen.submitted is None  # the public sees the published history only
    full = history(fresh, AUDITOR, BROADBAND, NATION, "2024")
    assert full.submitted is not None and [s.state for s in full.submitted] == ["approved"]


def test_a_return_needs_a_reason_and_keeps_the_value_unpublished(fresh: Store) -> None:
    [result] = submit(fresh, CLERK, rows((BROADBAND, NATION, "2025", "16.1")), "xlsx").rows
    with pytest.raises(ValidationError) as err:
        decide(fresh, BOSS, [result.value_id], approve=False, reason="")
    assert err.value.problems[0].expected_in("kk") == "мәнді қайтару себебі"
    decision = decide(fresh, BOSS, [result.value_id], approve=False, reason="the value is per 100 people")
    assert (decision.state, decision.reason) == ("returned", "the value is per 100 people")
    assert published(fresh, BROADBAND, "2025") == []
    [back] = returned(fresh, CLERK, "MTC")
    assert (back.id, back.reason, back.decided_by) == (
        result.value_id,
        "the value is per 100 people",
        "bolat",
    )
    with pytest.raises(ValidationError) as err:  # a decided value is not decided again
        decide(fresh, BOSS, [result.value_id], approve=True, reason=None)
    assert err.value.problems[0].code == "not_pending"
    # submitted again, the returned row is superseded by the new one
    [again] = submit(fresh, CLERK, rows((BROADBAND, NATION, "2025", "16.4")), "form").rows
    assert returned(fresh, CLERK, "MTC") == []
    assert [r.id for r in pending(fresh, BOSS, "MTC")] == [again.value_id]
    full = history(fresh, AUDITOR, BROADBAND, NATION, "2025")
    assert full.submitted is not None and [s.state for s in full.submitted] == ["superseded", "pending"]


def test_other_agencies_and_roles_are_refused(fresh: Store) -> None:
    other = Principal("reporter", agency="MIC", name="erlan")
    with pytest.raises(ValidationError) as err:  # MIC's reporter cannot submit MTC's indicator
        submit(fresh, other, rows((BROADBAND, NATION, "2025", "16.1")), "form")
    assert [(p.row, p.column, p.code) for p in err.value.problems] == [(2, "indicator", "agency")]
    assert err.value.problems[0].expected_in("kk") == "өз мемлекеттік органыңыздың (MIC) көрсеткіші"
    for who in (BOSS, AUDITOR, Principal("public"), Principal("admin", name="root")):
        with pytest.raises(PermissionDenied):
            submit(fresh, who, rows((BROADBAND, NATION, "2025", "16.1")), "form")
    [result] = submit(fresh, CLERK, rows((BROADBAND, NATION, "2025", "16.1")), "form").rows
    for who in (
        Principal("approver", agency="MIC", name="x"),
        CLERK,
        AUDITOR,
        Principal("admin", name="root"),
    ):
        with pytest.raises(PermissionDenied):
            decide(fresh, who, [result.value_id], approve=True, reason=None)
    with pytest.raises(PermissionDenied):
        pending(fresh, Principal("reporter", agency="MIC", name="erlan"), "MTC")
    with pytest.raises(PermissionDenied):
        pending(fresh, Principal("public"), "MTC")
    assert len(pending(fresh, AUDITOR, "MTC")) == 1
    with pytest.raises(NotFound):
        decide(fresh, BOSS, [result.value_id + 1000], approve=True, reason=None)
    assert published(fresh, BROADBAND, "2025") == []


def test_bad_rows_list_every_problem_and_store_nothing(fresh: Store) -> None:
    bad = rows(
        (BROADBAND, NATION, "2025", "abc"),
        (BROADBAND, "nowhere", "2025", "1"),
        (BROADBAND, NATION, "2025-Q1", "1"),
        ("IK2020.NO_SUCH", NATION, "2025", "1"),
        (BROADBAND, NATION, "2030", "1"),
        (BROADBAND, NATION, "2025", "2"),
    )
    with pytest.raises(ValidationError) as err:
        submit(fresh, CLERK, bad, "api", idempotency_key="bad")
    found = {(p.row, p.column, p.code) for p in err.value.problems}
    assert found == {
        (2, "value", "not_a_number"),
        (3, "territory", "unknown_territory"),
        (4, "period", "frequency"),
        (5, "indicator", "unknown_indicator"),
        (6, "period", "outside_span"),
        (7, "indicator", "duplicate_key"),
    }
    number = next(p for p in err.value.problems if p.code == "not_a_number")
    assert {lang: number.expected_in(lang) for lang in ("kk", "ru", "en")}["en"].startswith("a number")
    assert len({number.expected_in(lang) for lang in ("kk", "ru", "en")}) == 3
    assert count(fresh, "submissions") == count(fresh, "submitted_values") == 0
    with pytest.raises(ValidationError) as err:
        submit(fresh, CLERK, rows(), "api")
    assert err.value.problems[0].code == "empty"
    with pytest.raises(ValidationError):
        submit(fresh, CLERK, rows((BROADBAND, NATION, "2025", "1")), "fax")
    assert count(fresh, "submissions") == 0


def test_a_retried_key_returns_the_first_answer_and_another_body_is_refused(fresh: Store) -> None:
    body = rows((BROADBAND, NATION, "2025", "16.1"), ("IK2020.MOBILE_SUBS", NATION, "2025", "130"))
    first = submit(fresh, CLERK, body, "api", idempotency_key="batch-1")
    again = submit(fresh, CLERK, body, "api", idempotency_key="batch-1")
    assert again == first and again.replayed and not first.replayed
    assert [r.row for r in first.rows] == [2, 3]
    assert count(fresh, "submissions") == 1 and count(fresh, "submitted_values") == 2
    with pytest.raises(ValidationError) as err:
        submit(fresh, CLERK, body.head(1), "api", idempotency_key="batch-1")
    [problem] = err.value.problems
    assert (problem.file, problem.code) == ("Idempotency-Key", "idempotency_conflict")
    assert "Idempotency-Key" in problem.expected_in("kk")
    # the key is the submitter's own: another reporter's same key is another request
    other = Principal("reporter", agency="MTC", name="token:abc")
    assert submit(fresh, other, body, "api", idempotency_key="batch-1").submission != first.submission
    assert count(fresh, "submissions") == 2


def test_a_submission_is_read_back_with_its_values_states_by_who_may_read_them(fresh: Store) -> None:
    answer = submit(
        fresh, CLERK, rows((BROADBAND, NATION, "2025", "16.1"), (BROADBAND, NATION, "2023", "15")), "api"
    )
    decide(fresh, BOSS, [answer.rows[1].value_id], approve=False, reason="per 100 people")
    found = submission(fresh, AUDITOR, answer.submission)
    assert (found.agency, found.channel, found.submitted_by, found.row_count) == ("MTC", "api", "aigerim", 2)
    assert [(v.id, v.state) for v in found.values] == [
        (answer.rows[0].value_id, "pending"),
        (answer.rows[1].value_id, "returned"),
    ]
    assert found.to_dict()["values"][1]["reason"] == "per 100 people"
    for who in (Principal("public"), Principal("reporter", agency="MIC", name="erlan")):
        with pytest.raises(PermissionDenied):
            submission(fresh, who, answer.submission)
    with pytest.raises(NotFound):
        submission(fresh, AUDITOR, answer.submission + 1)


def test_the_desk_the_template_and_the_queue_of_an_agency(fresh: Store) -> None:
    seen = desk(fresh, CLERK, "MTC")
    assert set(seen.indicators) == set(seen.due["indicator"]) and all(
        code.startswith("IK2020.") for code in seen.indicators
    )
    assert seen.territories[0].code == NATION and len(seen.territories) > 1
    owed = seen.open
    spec = template_spec(fresh, CLERK, "MTC", "ru")
    assert {i.code for i in spec.indicators} == set(owed["indicator"])
    assert sorted(spec.due) == sorted(
        (i, NATION, p) for i, p in owed.select("indicator", "period").iter_rows()
    )
    with pytest.raises(PermissionDenied):
        template_spec(fresh, Principal("reporter", agency="MIC", name="erlan"), "MTC", "en")
    [old] = published(fresh, BROADBAND, "2024")
    fix, new = submit(
        fresh, CLERK, rows((BROADBAND, NATION, "2024", "15.9"), (BROADBAND, NATION, "2025", "16")), "form"
    ).rows
    changes = {c.value.id: c.published for c in pending_changes(fresh, BOSS, "MTC")}
    assert changes == {fix.value_id: old, new.value_id: None}
    assert [r.id for r in desk(fresh, CLERK, "MTC").pending] == [fix.value_id, new.value_id]
