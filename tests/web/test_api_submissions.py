"""The reporting API over HTTP on the demo store, SQLite and PostgreSQL: agencies' systems submit with
tokens, approvers decide, and nothing unpublished reaches the public; every route answers as the permission
table says.

Each test gets its own copy of one demo store per backend (a file copy, or a PostgreSQL database made from a
template), with a token of each role and an admin who signs in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from auth_app import OPERATOR, PASSWORD, page_secret, sign_in
from demo_store import demo_template, store_copy
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from postgres_db import POSTGRES
from pydantic import BaseModel
from test_openapi import CHECKS

from natije.services import monitoring
from natije.services.accounts import NewUser, add_user
from natije.services.tokens import NewToken, create_token, revoke_token
from natije.store import Store
from natije.store.staging import utcnow
from natije.web import Settings, create_app, schemas

LOADED = date(2026, 12, 7)
BROADBAND = "IK2020.FIXED_BROADBAND"
FIBRE = "IK2020.RURAL_FIBRE"  # overdue from 2013 to 2019 on LOADED
NATION = "000000000"
TOKENS = {  # name: (role, agency, actions)
    "reporter": ("reporter", "MTC", ()),
    "narrow": ("reporter", "MTC", ("read_unpublished",)),
    "other_reporter": ("reporter", "MIC", ()),
    "approver": ("approver", "MTC", ()),
    "other_approver": ("approver", "MIC", ()),
    "analyst": ("analyst", None, ()),
    "auditor": ("auditor", None, ()),
}


@dataclass(frozen=True)
class Demo:
    """A demo store's URL and the Bearer token of each of :data:`TOKENS` (and ``expired``, ``revoked``)."""

    url: str
    tokens: dict[str, str]


def _accounts(url: str) -> dict[str, str]:
    """The tokens, the admin ``root`` (a user: no token is an admin's) and the reporter ``aigerim`` in the
    store ``url``; the tokens' texts by name."""
    store = Store.open(url)
    try:
        later = utcnow() + timedelta(days=3)
        made = {
            name: create_token(store, NewToken(name, role, agency, later, actions), by=OPERATOR).text
            for name, (role, agency, actions) in TOKENS.items()
        }
        old = utcnow() - timedelta(days=1)
        made["expired"] = create_token(
            store, NewToken("old", "reporter", "MTC", old + timedelta(hours=1)), by=OPERATOR, now=old
        ).text
        gone = create_token(store, NewToken("gone", "reporter", "MTC", later), by=OPERATOR)
        revoke_token(store, gone.token.id, by=OPERATOR)
        made["revoked"] = gone.text
        add_user(store, NewUser("root", "Root", "admin"), PASSWORD, by=OPERATOR)
        add_user(store, NewUser("aigerim", "Aigerim", "reporter", "MTC"), PASSWORD, by=OPERATOR)
    finally:
        store.close()
    return made


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo loaded on :data:`LOADED` with the accounts, once per backend."""
    with demo_template(request.param, tmp_path_factory.mktemp("reporting"), LOADED) as url:
        yield Demo(url, _accounts(url))


@pytest.fixture
def demo(template: Demo, tmp_path: Path) -> Iterator[Demo]:
    """A copy of the module's demo store for one test (which writes to it)."""
    with store_copy(template.url, tmp_path) as url:
        yield Demo(url, template.tokens)


@pytest.fixture
def client(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app on the test's store, reading the store version on each request (approvals seen at once)."""
    monkeypatch.setattr(monitoring, "today", lambda: LOADED)
    app = create_app(Settings(database_url=demo.url, version_interval=0))
    with TestClient(app) as test_client:
        yield test_client
    app.state.natije.store.close()


def bearer(demo: Demo, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.tokens[name]}"}


def row(period: str = "2025", value: Any = 16.137, **extra: Any) -> dict[str, Any]:
    return {"indicator": BROADBAND, "territory": NATION, "period": period, "value": value, **extra}


def held(model: type[BaseModel], body: Any) -> Any:
    """``body``, after checking it has the shape the OpenAPI document publishes."""
    model.model_validate(body)
    return body


def public_values(client: TestClient) -> tuple[dict[str, float | None], str]:
    """The public API's national values of broadband by period, and the answer's ETag."""
    answer = client.get(f"/api/v1/observations?indicator={BROADBAND}&territory=national&limit=1000")
    assert answer.status_code == 200
    return {r["period"]: r["value"] for r in answer.json()["items"]}, answer.headers["etag"]


def test_a_reporter_submits_and_nothing_reaches_the_public_until_approved(
    client: TestClient, demo: Demo
) -> None:
    before, tag = public_values(client)
    assert "2025" not in before
    indicator_page = client.get(f"/api/v1/indicators/{BROADBAND}")
    sent = client.post(
        "/api/v1/submissions",
        json={"rows": [row(note="preliminary", source="bns_population")]},
        headers={**bearer(demo, "reporter"), "Idempotency-Key": "batch-2025-01"},
    )
    assert sent.status_code == 201, sent.text
    answer = held(schemas.SubmissionAnswer, sent.json())
    [result] = answer["rows"]
    assert (result["row"], result["state"]) == (1, "pending")
    assert sent.headers["location"] == f"/api/v1/submissions/{answer['submission']}"
    assert sent.headers["cache-control"] == "no-store" and "etag" not in sent.headers
    assert "idempotent-replayed" not in sent.headers
    # pending: the public answers, their tags and the pages are what they were
    assert public_values(client) == (before, tag)
    again = client.get(
        f"/api/v1/indicators/{BROADBAND}", headers={"If-None-Match": indicator_page.headers["etag"]}
    )
    assert again.status_code == 304
    assert "16.137" not in client.get(f"/en/indicators/{BROADBAND}").text
    history = client.get(f"/api/v1/values/history?indicator={BROADBAND}&territory={NATION}&period=2025")
    assert held(schemas.ValueHistory, history.json())["submitted"] is None
    assert history.json()["published"] == [] and history.headers["cache-control"] == "no-store"

    mine = client.get(sent.headers["location"], headers=bearer(demo, "reporter"))
    assert mine.status_code == 200
    detail = held(schemas.Submission, mine.json())
    assert (detail["agency"], detail["channel"], detail["row_count"]) == ("MTC", "api", 1)
    assert [(v["id"], v["state"], v["value"], v["note"]) for v in detail["values"]] == [
        (result["value_id"], "pending", 16.137, "preliminary")
    ]

    decided = client.post(
        "/api/v1/decisions",
        json={"value_ids": [result["value_id"]], "approve": True},
        headers=bearer(demo, "approver"),
    )
    assert decided.status_code == 200, decided.text
    assert held(schemas.Decision, decided.json())["inserted"] == 1
    after, new_tag = public_values(client)
    assert after == {**before, "2025": 16.137} and new_tag != tag
    shown = client.get(sent.headers["location"], headers=bearer(demo, "approver")).json()
    assert shown["values"][0]["state"] == "approved"


def test_a_retried_key_gets_the_first_answer_and_another_body_is_refused(
    client: TestClient, demo: Demo
) -> None:
    headers = {**bearer(demo, "reporter"), "Idempotency-Key": "k-7"}
    body = {"rows": [row(), row(period="2024", value="15.9")]}
    first = client.post("/api/v1/submissions", json=body, headers=headers)
    retried = client.post("/api/v1/submissions", json=body, headers=headers)
    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json() and retried.headers["idempotent-replayed"] == "true"
    assert retried.headers["location"] == first.headers["location"]
    pending = client.get("/api/v1/agencies/MTC/pending", headers=bearer(demo, "approver")).json()
    assert len(held(schemas.SubmittedValues, pending)["items"]) == 2  # stored once
    other = client.post("/api/v1/submissions", json={"rows": [row(value=99)]}, headers=headers)
    assert other.status_code == 422
    assert [e["code"] for e in other.json()["errors"]] == ["idempotency_conflict"]
    for bad in ("", "has space", "ключ".encode(), "x" * 201):
        refused = client.post(
            "/api/v1/submissions", json=body, headers={**bearer(demo, "reporter"), "Idempotency-Key": bad}
        )
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["code"] == "idempotency_key"
    long_key = {**bearer(demo, "reporter"), "Idempotency-Key": "x" * 200}
    assert client.post("/api/v1/submissions", json=body, headers=long_key).status_code == 201


@pytest.mark.parametrize(
    ("lang", "number"),
    [("en", "a number such as 12.5"), ("ru", "число, например 12.5"), ("kk", "сан, мысалы 12.5")],
)
def test_invalid_rows_list_every_problem_in_the_language_and_store_nothing(
    client: TestClient, demo: Demo, lang: str, number: str
) -> None:
    rows = [
        row(),
        row(period="2023", value="abc"),
        {"indicator": "NO.SUCH", "territory": NATION, "period": "2025", "value": 1},
        row(period="2025-13"),
        {"indicator": "DK2018.JOBS", "territory": NATION, "period": "2025", "value": 3},
    ]
    answer = client.post(
        f"/api/v1/submissions?lang={lang}", json={"rows": rows}, headers=bearer(demo, "reporter")
    )
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["cache-control"] == "no-store"
    errors = answer.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} >= {
        (2, "value"),
        (3, "indicator"),
        (4, "period"),
        (5, "indicator"),
    }
    assert all({"row", "column", "value", "expected", "code"} <= set(e) for e in errors)
    [value] = [e for e in errors if e["row"] == 2]
    assert value["value"] == "abc" and value["expected"].startswith(number.split(" 12")[0])
    [other] = [e for e in errors if e["row"] == 5]
    assert other["code"] == "agency"
    pending = client.get("/api/v1/agencies/MTC/pending", headers=bearer(demo, "reporter")).json()
    assert pending["items"] == []  # nothing partial stored


def test_malformed_bodies_and_too_many_rows_are_refused_before_any_check(
    client: TestClient, demo: Demo
) -> None:
    headers = bearer(demo, "reporter")
    for body in (b"not json", b"[]", b'{"rows": 3}', b'{"rows": [], "extra": 1}'):
        refused = client.post(
            "/api/v1/submissions", content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "body", body
    shapes = client.post(
        "/api/v1/submissions?lang=ru",
        json={"rows": [[1, 2], row(colour="red"), row(value=[1])]},
        headers=headers,
    )
    assert [(e["row"], e["code"]) for e in shapes.json()["errors"]] == [
        (1, "row"),
        (2, "unknown_field"),
        (3, "type"),
    ]
    assert shapes.json()["errors"][2]["expected"] == "текст или число"
    empty = client.post("/api/v1/submissions", json={"rows": []}, headers=headers)
    assert empty.status_code == 422 and empty.json()["errors"][0]["code"] == "empty"
    small = create_app(Settings(database_url=demo.url, max_rows=3))
    with TestClient(small) as limited:
        many = limited.post("/api/v1/submissions?lang=en", json={"rows": [row()] * 4}, headers=headers)
        assert many.status_code == 413, many.text
        assert many.json()["errors"][0]["expected"].startswith("at most 3 rows")
        ids = {"value_ids": [1, 2, 3, 4], "approve": False, "reason": "x"}
        assert (
            limited.post("/api/v1/decisions", json=ids, headers=bearer(demo, "approver")).status_code == 413
        )
    small.state.natije.store.close()


def test_credentials_and_scopes_decide_who_may_submit(client: TestClient, demo: Demo) -> None:
    body = {"rows": [row()]}
    public = client.post("/api/v1/submissions", json=body)
    assert public.status_code == 401 and public.headers["www-authenticate"] == 'Bearer realm="natije"'
    for name in ("expired", "revoked"):
        refused = client.post("/api/v1/submissions", json=body, headers=bearer(demo, name))
        assert refused.status_code == 401 and "invalid_token" in refused.headers["www-authenticate"]
    for name in ("narrow", "approver", "analyst", "auditor"):
        refused = client.post("/api/v1/submissions", json=body, headers=bearer(demo, name))
        assert refused.status_code == 403, name
        assert "www-authenticate" not in refused.headers
    other = client.post("/api/v1/submissions", json=body, headers=bearer(demo, "other_reporter"))
    assert other.status_code == 422 and other.json()["errors"][0]["code"] == "agency"
    assert client.get("/api/v1/agencies/MTC/pending", headers=bearer(demo, "auditor")).json()["items"] == []


def test_a_signed_in_reporter_submits_with_the_sessions_csrf_secret(client: TestClient) -> None:
    assert sign_in(client, login="aigerim").status_code == 303
    body = {"rows": [row()]}
    assert client.post("/api/v1/submissions", json=body).status_code == 403  # no CSRF secret
    secret = page_secret(client, "/en/")
    sent = client.post("/api/v1/submissions", json=body, headers={"X-CSRF-Token": secret})
    assert sent.status_code == 201, sent.text


def test_approvers_decide_for_their_agency_and_a_return_needs_a_reason(
    client: TestClient, demo: Demo
) -> None:
    sent = client.post("/api/v1/submissions", json={"rows": [row()]}, headers=bearer(demo, "reporter"))
    [value_id] = [r["value_id"] for r in sent.json()["rows"]]
    ask = {"value_ids": [value_id], "approve": False}
    for name, status in (("reporter", 403), ("other_approver", 403), ("auditor", 403)):
        assert client.post("/api/v1/decisions", json=ask, headers=bearer(demo, name)).status_code == status
    assert client.post("/api/v1/decisions", json=ask).status_code == 401
    bare = client.post("/api/v1/decisions?lang=kk", json=ask, headers=bearer(demo, "approver"))
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["expected"] == "мәнді қайтару себебі"
    missing = {"value_ids": [value_id + 1000], "approve": True}
    assert client.post("/api/v1/decisions", json=missing, headers=bearer(demo, "approver")).status_code == 404
    wrong = {"value_ids": ["1"], "approve": "yes"}
    assert client.post("/api/v1/decisions", json=wrong, headers=bearer(demo, "approver")).status_code == 422
    back = client.post(
        "/api/v1/decisions", json={**ask, "reason": "per 100 people"}, headers=bearer(demo, "approver")
    )
    assert back.status_code == 200 and back.json()["state"] == "returned"
    returned = client.get("/api/v1/agencies/MTC/returned", headers=bearer(demo, "reporter")).json()
    assert [(v["id"], v["reason"]) for v in returned["items"]] == [(value_id, "per 100 people")]
    assert "2025" not in public_values(client)[0]
    history = f"/api/v1/values/history?indicator={BROADBAND}&territory={NATION}&period=2025"
    full = client.get(history, headers=bearer(demo, "auditor")).json()
    assert [s["state"] for s in full["submitted"]] == ["returned"]
    assert client.get(history, headers=bearer(demo, "approver")).json()["submitted"] is not None
    assert client.get(history, headers=bearer(demo, "analyst")).json()["submitted"] is None
    assert client.get(history, headers=bearer(demo, "other_approver")).json()["submitted"] is None


def test_every_read_answers_as_the_permission_table_says(client: TestClient, demo: Demo) -> None:
    owed = {"indicator": FIBRE, "territory": NATION, "period": "2019", "value": 12}
    sent = client.post("/api/v1/submissions", json={"rows": [owed]}, headers=bearer(demo, "reporter"))
    assert sent.status_code == 201, sent.text
    where = sent.headers["location"]
    reads = [
        where,
        "/api/v1/agencies/MTC/due",
        "/api/v1/agencies/MTC/pending",
        "/api/v1/agencies/MTC/returned",
    ]
    expected = {  # who: status of every read of MTC's unpublished values
        None: 401,
        "reporter": 200,
        "narrow": 200,
        "approver": 200,
        "analyst": 200,
        "auditor": 200,
        "other_reporter": 403,
        "other_approver": 403,
    }
    for who, status in expected.items():
        headers = bearer(demo, who) if who else {}
        for path in reads:
            answer = client.get(path, headers=headers)
            assert answer.status_code == status, (who, path, answer.text)
            assert answer.headers["cache-control"] == "no-store"
    due = client.get("/api/v1/agencies/MTC/due", headers=bearer(demo, "reporter")).json()
    assert held(schemas.AgencyDue, due)["periods"]
    states = {(p["indicator"], p["period"]): p["state"] for p in due["periods"]}
    assert states[(FIBRE, "2019")] == "pending" and states[(FIBRE, "2018")] == "overdue"
    assert client.get("/api/v1/submissions/999999", headers=bearer(demo, "auditor")).status_code == 404
    assert client.get("/api/v1/agencies/NOPE/due", headers=bearer(demo, "auditor")).status_code == 404
    assert client.get(where).status_code == 401
    assert sign_in(client, login="root").status_code == 303  # an admin reads everything
    for path in reads:
        assert client.get(path).status_code == 200, path


def test_the_supply_scorecards_are_public_and_tagged(client: TestClient, demo: Demo) -> None:
    cards = client.get("/api/v1/supply")
    assert cards.status_code == 200 and "no-store" not in cards.headers["cache-control"]
    agencies = [c["agency"] for c in held(schemas.Scorecards, cards.json())["items"]]
    assert {"MTC", "MIC"} <= set(agencies)
    one = client.get("/api/v1/supply/MTC")
    assert held(schemas.Scorecard, one.json())["values_submitted"] == 0
    assert client.get("/api/v1/supply/MTC", headers={"If-None-Match": one.headers["etag"]}).status_code == 304
    client.post("/api/v1/submissions", json={"rows": [row()]}, headers=bearer(demo, "reporter"))
    renewed = client.get("/api/v1/supply/MTC", headers={"If-None-Match": one.headers["etag"]})
    assert renewed.status_code == 200 and renewed.json()["values_submitted"] == 1
    assert client.get("/api/v1/supply/NOPE").status_code == 404


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    """Generated requests of ``operation`` with ``headers``: documented answers, no server error."""

    @settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def answers(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers()


def test_generated_requests_of_signed_in_agencies_get_no_server_error(client: TestClient, demo: Demo) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    operations = [op.ok() for op in schema.get_all_operations() if "reporting" in op.ok().tags]
    assert len(operations) == 9
    for operation in operations:
        _fuzz(operation, bearer(demo, "approver" if operation.path == "/api/v1/decisions" else "reporter"))
