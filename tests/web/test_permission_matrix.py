"""The permission matrix: every route of the app × every role × the own and another agency's data gives
exactly what the permission table (``natije.domain.access.TABLE``) says, on SQLite and PostgreSQL.

Each route has one :class:`Rule` below: the action it asks the table for, whose data it is about (no agency,
the agency of its path or of the thing it names, or the caller's own) and the status of a success. The
expected status of every call is worked out from the table, never written per role: allowed → the rule's
success; refused → 401 for the public on the API, the login page (303) for the public on a page, 403 for
anyone signed in. A route the app serves without a rule here fails :func:`test_every_route_has_a_rule`, so a
new route cannot go unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from postgres_db import POSTGRES
from workflow_world import (
    OTHER,
    OWN,
    ROW_OF,
    Caller,
    World,
    demo_world,
    form_secret_of,
    principal_of,
    routes_of,
    submit_one,
    submit_value,
)

from natije.domain.access import ROLES, allowed

Call = Callable[[Caller, World, "str | None"], Any]


@dataclass(frozen=True)
class Rule:
    """What one route asks of the permission table.

    ``action``: the table's action, or actions of which any will do (``None``: the route asks nothing,
    everyone gets ``ok``). ``agency``:
    whose data the call is about, ``"none"`` (no agency, or every agency at once), ``"target"`` (the agency
    the call names: in its path, or the owner of the thing it names) or ``"self"`` (the caller's own agency,
    the only one it can act for); ``target`` and ``self`` rules are called for the own and another agency.
    ``foreign``: the status of an allowed ``self`` call about another agency's data (its rows refused).
    ``fresh``: the call ends or replaces the caller's session, so it is made by a new caller each time.
    ``url``: the URL a plain GET rule calls (the proof that unpublished values stay hidden reads them all).
    """

    action: str | tuple[str, ...] | None
    call: Call
    ok: int = 200
    agency: str = "none"
    foreign: int | None = None
    fresh: bool = False
    url: str | None = None


def _get(url: str) -> Call:
    return lambda caller, world, target: caller.get(url)


def published(url: str, ok: int = 200) -> Rule:
    """A read of published data: everyone may."""
    return Rule("read_published", _get(url), ok, url=url)


def anyone(url: str, ok: int = 200) -> Rule:
    """A route that asks the table nothing."""
    return Rule(None, _get(url), ok, url=url)


def _login(caller: Caller, world: World, target: str | None) -> Any:
    secret = form_secret_of(caller.get("/en/login").text)
    form = {"csrf": secret, "login": "analyst1", "password": "correct horse battery staple", "next": "/en/"}
    return caller.post("/en/login", data=form)


def _logout(caller: Caller, world: World, target: str | None) -> Any:
    return caller.post("/en/logout", data={"csrf": caller.csrf or ""})


VALUE = "AI2023.POPULATION_COVERAGE%2F000000000%2F2025"
INDICATOR = "AI2023.POPULATION_COVERAGE"

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): anyone("/", 307),
    ("GET", "/favicon.ico"): anyone("/favicon.ico", 301),
    ("MOUNT", "/static"): anyone("/static/style.css"),
    ("GET", "/api/v1/openapi.json"): anyone("/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"): anyone("/api/v1/docs"),
    ("GET", "/ledger/verify.py"): anyone("/ledger/verify.py"),
    ("GET", "/{lang}/login"): anyone("/en/login"),
    ("POST", "/{lang}/login"): Rule(None, _login, 303, fresh=True),
    ("POST", "/{lang}/logout"): Rule(None, _logout, 303, fresh=True),
    # the published data: the API
    ("GET", "/api/v1/programs"): published("/api/v1/programs"),
    ("GET", "/api/v1/programs/{code}"): published("/api/v1/programs/IK2020"),
    ("GET", "/api/v1/programs/{code}/results"): published("/api/v1/programs/IK2020/results"),
    ("GET", "/api/v1/programs/{code}/flags"): published("/api/v1/programs/IK2020/flags"),
    ("GET", "/api/v1/programs/{code}/lineage"): published("/api/v1/programs/IK2020/lineage"),
    ("GET", "/api/v1/indicators"): published("/api/v1/indicators"),
    ("GET", "/api/v1/indicators/{code}"): published(f"/api/v1/indicators/{INDICATOR}"),
    ("GET", "/api/v1/observations"): published("/api/v1/observations?program=IK2020"),
    ("GET", "/api/v1/territories"): published("/api/v1/territories"),
    ("GET", "/api/v1/evaluations"): published("/api/v1/evaluations"),
    ("GET", "/api/v1/evaluations/{evaluation_id}"): published("/api/v1/evaluations/1"),
    ("GET", "/api/v1/ledger/checkpoint"): published("/api/v1/ledger/checkpoint"),
    ("GET", "/api/v1/ledger/checkpoint.txt"): published("/api/v1/ledger/checkpoint.txt"),
    ("GET", "/api/v1/ledger/key"): published("/api/v1/ledger/key"),
    ("GET", "/api/v1/ledger/key.pub"): published("/api/v1/ledger/key.pub"),
    ("GET", "/api/v1/proofs/{value_id:path}"): published(f"/api/v1/proofs/{VALUE}"),
    ("GET", "/api/v1/ledger/consistency"): published("/api/v1/ledger/consistency?from=1"),
    # the published data: pages, downloads, reports
    ("GET", "/{lang}/"): published("/en/"),
    ("GET", "/{lang}/proofs/{value_id:path}"): published(f"/en/proofs/{VALUE}"),
    ("GET", "/{lang}/programs/{code}"): published("/ru/programs/IK2020"),
    ("GET", "/{lang}/indicators/{code}"): published(f"/kk/indicators/{INDICATOR}"),
    ("GET", "/{lang}/territories/{kato}"): published("/en/territories/750000000"),
    ("GET", "/{lang}/evaluations/{evaluation_id}"): published("/en/evaluations/1"),
    ("GET", "/{lang}/search"): published("/en/search?q=internet"),
    ("GET", "/{lang}/{table}.{fmt}"): published("/en/scorecards.csv"),
    ("GET", "/{lang}/programs/{code}/report.{fmt}"): published("/en/programs/IK2020/report.md"),
    ("GET", "/{lang}/programs/{code}/{table}.{fmt}"): published("/en/programs/IK2020/results.json"),
    ("GET", "/{lang}/indicators/{code}/{table}.{fmt}"): published(f"/en/indicators/{INDICATOR}/series.xlsx"),
    ("GET", "/{lang}/territories/{kato}/{table}.{fmt}"): published("/en/territories/750000000/results.csv"),
    ("GET", "/{lang}/evaluations/{evaluation_id}/{table}.{fmt}"): published("/en/evaluations/1/effects.csv"),
}


def _rows(target: str | None, value: float = 7.0) -> list[dict[str, Any]]:
    return [{**ROW_OF[target or OWN], "value": value, "note": "matrix"}]


def _submit_api(caller: Caller, world: World, target: str | None) -> Any:
    return caller.post("/api/v1/submissions", json={"rows": _rows(target)})


def _decide_api(caller: Caller, world: World, target: str | None) -> Any:
    value = submit_value(world.store, target or OWN, 8.0)
    return caller.post("/api/v1/decisions", json={"value_ids": [value], "approve": True, "reason": "checked"})


def _submission(caller: Caller, world: World, target: str | None) -> Any:
    made = submit_one(world.store, target or OWN, 9.0)
    return caller.get(f"/api/v1/submissions/{made.submission}")


def _agency(path: str) -> Call:
    return lambda caller, world, target: caller.get(path.format(agency=target))


def _submit_form(caller: Caller, world: World, target: str | None) -> Any:
    return caller.post("/en/reporting/values", data={k: str(v) for k, v in _rows(target)[0].items()})


def _upload(caller: Caller, world: World, target: str | None) -> Any:
    return caller.post("/en/reporting/upload", files={"file": ("filled.xlsx", workbook(_rows(target)))})


def _decide_form(caller: Caller, world: World, target: str | None) -> Any:
    value = submit_value(world.store, target or OWN, 8.0)
    form = {"value": str(value), "decision": "approve", "reason": "checked"}
    return caller.post("/en/approvals", data=form)


def workbook(rows: list[dict[str, Any]]) -> bytes:
    """A filled template's values sheet: a header of the column codes and ``rows``."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "values"
    columns = list(rows[0])
    sheet.append(columns)
    for row in rows:
        sheet.append([row[c] for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HISTORY = "indicator=IK2020.RURAL_FIBRE&territory=000000000&period=2023"
REPORTING: dict[tuple[str, str], Rule] = {
    ("POST", "/api/v1/submissions"): Rule("submit", _submit_api, 201, agency="self", foreign=422),
    ("GET", "/api/v1/submissions/{submission_id}"): Rule("read_unpublished", _submission, agency="target"),
    ("GET", "/api/v1/agencies/{agency}/due"): Rule(
        "read_unpublished", _agency("/api/v1/agencies/{agency}/due"), agency="target"
    ),
    ("GET", "/api/v1/agencies/{agency}/pending"): Rule(
        "read_unpublished", _agency("/api/v1/agencies/{agency}/pending"), agency="target"
    ),
    ("GET", "/api/v1/agencies/{agency}/returned"): Rule(
        "read_unpublished", _agency("/api/v1/agencies/{agency}/returned"), agency="target"
    ),
    ("POST", "/api/v1/decisions"): Rule("approve", _decide_api, agency="target"),
    ("GET", "/api/v1/values/history"): published(f"/api/v1/values/history?{HISTORY}"),
    ("GET", "/api/v1/supply"): published("/api/v1/supply"),
    ("GET", "/api/v1/supply/{agency}"): published(f"/api/v1/supply/{OWN}"),
    ("GET", "/{lang}/reporting"): Rule(("submit", "approve"), _get("/en/reporting"), agency="self"),
    ("POST", "/{lang}/reporting/values"): Rule("submit", _submit_form, agency="self", foreign=422),
    ("POST", "/{lang}/reporting/upload"): Rule("submit", _upload, agency="self", foreign=422),
    ("GET", "/{lang}/reporting/template.xlsx"): Rule(
        ("submit", "approve"), _get("/kk/reporting/template.xlsx"), agency="self"
    ),
    ("GET", "/{lang}/approvals"): Rule("approve", _get("/ru/approvals"), agency="self"),
    ("POST", "/{lang}/approvals"): Rule("approve", _decide_form, agency="target"),
    ("GET", "/{lang}/agencies"): published("/en/agencies"),
    ("GET", "/{lang}/values/{indicator}/{territory}/{period}/history"): published(
        "/en/values/IK2020.RURAL_FIBRE/000000000/2023/history"
    ),
}
"""The reporting workflow's routes."""
RULES.update(REPORTING)


def expected(rule: Rule, role: str, target: str | None, api: bool) -> int:
    """The status the permission table gives ``role`` calling ``rule`` about ``target``'s data."""
    if rule.action is None:
        return rule.ok
    principal = principal_of(role)
    agency = {"none": None, "target": target, "self": principal.agency}[rule.agency]
    actions = rule.action if isinstance(rule.action, tuple) else (rule.action,)
    if any(allowed(principal, action, agency) for action in actions):
        if rule.agency == "self" and target != principal.agency and rule.foreign is not None:
            return rule.foreign
        return rule.ok
    if role == "public":
        return 401 if api else 303
    return 403


def targets_of(rule: Rule) -> list[str | None]:
    """The agencies whose data a rule is called about: none, or the own and another (a ``self`` rule only
    when its call can name another agency's data)."""
    if rule.agency == "none" or (rule.agency == "self" and rule.foreign is None):
        return [OWN] if rule.agency == "self" else [None]
    return [OWN, OTHER]


def check_route(world: World, key: tuple[str, str]) -> list[str]:
    """Every role × way of signing in × agency on the route ``key``; the calls that did not get the table's
    status, described."""
    rule = RULES[key]
    api = key[1].startswith("/api/")
    wrong = []
    for role in ROLES:
        for kept in world.callers_of(role, api):
            for target in targets_of(rule):
                caller = world.new_caller(role, kept.kind) if rule.fresh else kept
                answer = rule.call(caller, world, target)
                want = expected(rule, role, target, api)
                if answer.status_code != want:
                    detail = answer.text[:160].replace("\n", " ")
                    wrong.append(
                        f"{role}/{caller.kind}/{target}: {answer.status_code}, not {want} ({detail})"
                    )
                elif want == 303 and rule.action is not None:  # the public sent to sign in, and back
                    assert answer.headers["location"].split("?")[0].endswith("/login"), answer.headers
    return wrong


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with demo_world("sqlite", tmp_path_factory.mktemp("matrix")) as world:
        yield world


@pytest.fixture(scope="module")
def postgres_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with demo_world("postgresql", tmp_path_factory.mktemp("matrix")) as world:
        yield world


def test_every_route_has_a_rule(sqlite_world: World) -> None:
    served = set(routes_of(sqlite_world.app))
    assert sorted(served - set(RULES)) == [], "routes without a rule in the permission matrix"
    assert sorted(set(RULES) - served) == [], "rules of routes the app no longer serves"


@pytest.mark.parametrize("key", sorted(RULES), ids=lambda k: f"{k[0]} {k[1]}")
def test_each_route_answers_as_the_table_says_on_sqlite(sqlite_world: World, key: tuple[str, str]) -> None:
    assert check_route(sqlite_world, key) == []


@pytest.mark.parametrize(
    "key",
    [k for k in sorted(RULES) if k[1].startswith("/api/") or RULES[k].action not in (None, "read_published")],
    ids=lambda k: f"{k[0]} {k[1]}",
)
@POSTGRES[0]
@POSTGRES[1]
def test_each_api_route_and_guarded_page_answers_as_the_table_says_on_postgresql(
    postgres_world: World, key: tuple[str, str]
) -> None:
    assert check_route(postgres_world, key) == []


def test_the_expectations_follow_the_table() -> None:
    """The derivation itself: a reporter may submit only for its own agency, an approver approve only its
    own, the public is sent to sign in, an administrator submits nothing."""
    submit_rule = Rule("submit", _get("/"), 201, agency="self", foreign=422)
    assert expected(submit_rule, "reporter", OWN, True) == 201
    assert expected(submit_rule, "reporter", OTHER, True) == 422
    assert expected(submit_rule, "admin", OWN, True) == 403
    assert expected(submit_rule, "public", OWN, True) == 401
    approve_rule = Rule("approve", _get("/"), agency="target")
    assert [expected(approve_rule, r, OWN, False) for r in ROLES] == [303, 403, 200, 403, 403, 403]
    assert [expected(approve_rule, r, OTHER, True) for r in ROLES] == [401, 403, 403, 403, 403, 403]
    history = Rule("read_history", _get("/"), agency="target")
    assert [expected(history, r, OTHER, True) for r in ROLES] == [401, 403, 403, 403, 200, 200]
    assert ROW_OF[OWN] != ROW_OF[OTHER] and submit_value is not None
