"""A demo store with one user and one API token per role, and the app on it, for the proofs of the reporting
workflow: the permission matrix, unpublished values kept from the public, hostile input.

The agencies: reporters and approvers belong to :data:`OWN` (MTC, the Information and Communications
program's agency); :data:`OTHER` (MDDIAI) is another agency with indicators of its own. Analysts, auditors and
the administrator belong to none. :func:`routes_of` lists every route the app serves, so that a test can
insist on an expectation for each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
from demo_store import demo_with_evaluation
from fastapi import FastAPI
from fastapi.testclient import TestClient
from postgres_db import new_postgres_database

from natije.domain.access import ROLES, TOKEN_ROLES, Principal
from natije.services.accounts import NewUser, add_user
from natije.services.sessions import sign_in
from natije.services.submissions import decide, submit
from natije.services.tokens import NewToken, create_token
from natije.store.staging import utcnow
from natije.web import Settings, create_app

OWN = "MTC"
OTHER = "MDDIAI"
PASSWORD = "correct horse battery staple"
OPERATOR = Principal("admin", name="cli:tester")
AGENCY_OF = {"reporter": OWN, "approver": OWN}
"""The agency of each role's user (the others have none)."""
ROW_OF = {
    OWN: {"indicator": "IK2020.RURAL_FIBRE", "territory": "000000000", "period": "2023"},
    OTHER: {"indicator": "AI2023.VILLAGES_FIBRE", "territory": "000000000", "period": "2025"},
}
"""A value each agency may report (its indicator, a territory and a period it has no published value for)."""
BASE = "http://testserver"


def login_of(role: str) -> str:
    return f"{role}1"


def principal_of(role: str) -> Principal:
    """The principal a role's user or token acts as (``public``: nobody signed in)."""
    return Principal(role, agency=AGENCY_OF.get(role), name=None if role == "public" else login_of(role))


def add_people(store: Any) -> dict[str, str]:
    """One user per role (login ``<role>1``) and one token per token role; the tokens' texts by role."""
    for role in ROLES[1:]:
        add_user(
            store,
            NewUser(login_of(role), f"{role.title()} One", role, AGENCY_OF.get(role)),
            PASSWORD,
            by=OPERATOR,
        )
    expires = utcnow() + timedelta(days=30)
    tokens = {}
    for role in TOKEN_ROLES:
        made = create_token(
            store, NewToken(f"{role} system", role, AGENCY_OF.get(role), expires), by=OPERATOR
        )
        tokens[role] = made.text
    return tokens


def submit_one(store: Any, agency: str, value: float = 42.0, note: str | None = None, **row: str) -> Any:
    """Submit one value for ``agency`` (its row of :data:`ROW_OF` unless given) as a reporter of that agency;
    the :class:`~natije.services.submissions.SubmissionAnswer`."""
    clerk = Principal("reporter", agency=agency, name=f"clerk-{agency.lower()}")
    data = {**ROW_OF[agency], **row, "value": str(value)}
    if note is not None:
        data["note"] = note
    return submit(store, clerk, pl.DataFrame({k: [v] for k, v in data.items()}), "api")


def submit_value(store: Any, agency: str, value: float = 42.0, note: str | None = None, **row: str) -> int:
    """:func:`submit_one`; the pending value's id."""
    return int(submit_one(store, agency, value, note, **row).rows[0].value_id)


def approve(store: Any, agency: str, value_id: int, reason: str | None = "checked") -> None:
    """Approve the pending value ``value_id`` of ``agency`` as an approver of that agency."""
    decide(
        store, Principal("approver", agency=agency, name=f"boss-{agency.lower()}"), [value_id], True, reason
    )


@dataclass
class Caller:
    """A client of the app signed in as one role, by a session cookie (``kind="session"``), a Bearer token
    (``"bearer"``) or not at all (``"public"``)."""

    role: str
    kind: str
    client: TestClient
    csrf: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(
            url, headers={**self.headers, **kw.pop("headers", {})}, follow_redirects=False, **kw
        )

    def send(self, method: str, url: str, **kw: Any) -> Any:
        """A request that may change something: with the session's CSRF secret and this site's origin."""
        headers = {**self.headers, "Origin": BASE, **kw.pop("headers", {})}
        if self.csrf is not None:
            headers["X-CSRF-Token"] = self.csrf
        return self.client.request(method, url, headers=headers, follow_redirects=False, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.send("POST", url, **kw)


@dataclass
class World:
    """The app on a store with people, and a caller per role and way of signing in."""

    app: FastAPI
    store: Any
    tokens: dict[str, str]
    url: str
    callers: dict[tuple[str, str], Caller] = field(default_factory=dict)

    def caller(self, role: str, kind: str) -> Caller:
        """The (kept) caller of ``role`` signed in by ``kind``."""
        key = (role, kind)
        if key not in self.callers:
            self.callers[key] = self.new_caller(role, kind)
        return self.callers[key]

    def new_caller(self, role: str, kind: str) -> Caller:
        """A new caller of ``role``: a new session for ``kind="session"``."""
        client = TestClient(self.app, base_url=BASE)
        if role == "public" or kind == "public":
            return Caller("public", "public", client)
        if kind == "bearer":
            return Caller(role, kind, client, headers={"Authorization": f"Bearer {self.tokens[role]}"})
        begun = sign_in(self.store, login_of(role), PASSWORD)
        client.cookies.set("natije", begun.text)
        return Caller(role, kind, client, csrf=begun.session.csrf_secret)

    def callers_of(self, role: str, api: bool) -> list[Caller]:
        """Every way ``role`` reaches a route: the public as is; users by session, and on the API also by
        token (the administrator has no token)."""
        if role == "public":
            return [self.caller("public", "public")]
        kinds = ["session"] + (["bearer"] if api and role in TOKEN_ROLES else [])
        return [self.caller(role, kind) for kind in kinds]


def world_on(url: str) -> World:
    """The app on the demo store at ``url`` (loaded already), with :func:`add_people`."""
    app = create_app(Settings(database_url=url, version_interval=0))
    store = app.state.natije.store
    return World(app, store, add_people(store), url)


@contextmanager
def demo_world(backend: str, folder: Path) -> Iterator[World]:
    """:func:`world_on` a new demo store (with its stored evaluation) on ``backend`` (``sqlite``: a file in
    ``folder``; ``postgresql``: a database of its own, dropped at the end)."""
    if backend == "sqlite":
        yield world_on(str(demo_with_evaluation(folder / "demo.db")))
        return
    with new_postgres_database() as url:
        demo_with_evaluation(url)  # type: ignore[arg-type]
        made = world_on(url)
        try:
            yield made
        finally:
            made.store.close()


def routes_of(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers (HEAD left out: it is the GET), mounts as ``MOUNT <path>``."""

    def flat(routes: Any) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # a router included in the app
                yield from flat(route.effective_candidates())
                yield from flat(route.effective_low_priority_routes())
            else:
                yield route

    for route in flat(app.routes):
        methods = getattr(route, "methods", None)
        if methods is None:
            yield "MOUNT", route.path
            continue
        for method in sorted(methods - {"HEAD"}):
            yield method, route.path


def form_secret_of(page: str) -> str:
    """The CSRF secret a page's form carries."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)
