"""An app on a store with users, for the sign-in tests: SQLite or PostgreSQL, with small login limits and
four routes of its own that ask for the principal (API reads for anyone and for auditors, an API write, a
page for auditors)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from natije.domain.access import Principal, require
from natije.services.accounts import NewUser, add_user
from natije.services.logins import LoginLimits
from natije.services.stores import open_store
from natije.web import Settings, auth, create_app

PASSWORD = "correct horse battery"
OPERATOR = Principal("admin", name="cli:tester")
LIMITS = LoginLimits(per_account=3, per_address=100)


def add_users(url: str) -> None:
    """``dana`` (an analyst, shown as «Dana <b>A.</b>») and ``aigul`` (an auditor) in the store at ``url``."""
    store = open_store(url)
    add_user(store, NewUser("dana", "Dana <b>A.</b>", "analyst"), PASSWORD, by=OPERATOR)
    add_user(store, NewUser("aigul", "Aigul S.", "auditor"), PASSWORD, by=OPERATOR)


def auth_app(url: str, **settings: Any) -> FastAPI:
    """The web app on ``url`` with :data:`LIMITS` and the test routes."""
    app = create_app(Settings(database_url=url, **settings))
    app.state.natije = replace(app.state.natije, login_limits=LIMITS)

    def who(principal: Principal) -> dict[str, Any]:
        scopes = sorted(principal.scopes) if principal.scopes is not None else None
        return {"role": principal.role, "name": principal.name, "scopes": scopes}

    @app.get("/api/v1/test/whoami")
    def whoami(principal: auth.CurrentPrincipal) -> dict[str, Any]:
        return who(principal)

    @app.post("/api/v1/test/echo")
    def echo(principal: auth.CurrentPrincipal) -> dict[str, Any]:
        return who(principal)

    @app.get("/api/v1/test/audit")
    def audit(principal: auth.CurrentPrincipal) -> dict[str, Any]:
        require(principal, "read_audit")
        return who(principal)

    @app.get("/{lang}/test/audit")
    def audit_page(request: Request, lang: str) -> HTMLResponse:
        principal = auth.require_page(request, "read_audit")
        return HTMLResponse(f"audit for {principal.name}")

    return app


def form_secret(client: TestClient, lang: str = "en", query: str = "") -> str:
    """The CSRF secret of the login form (its cookie is then in ``client``)."""
    page = client.get(f"/{lang}/login{query}")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, login: str = "dana", password: str = PASSWORD, **extra: str) -> Any:
    """Post the login form as a browser would (same origin, the form's secret)."""
    data = {"csrf": form_secret(client), "login": login, "password": password, **extra}
    return client.post("/en/login", data=data, follow_redirects=False)


def page_secret(client: TestClient, path: str = "/en/login") -> str:
    """The signed-in session's CSRF secret, from the sign-out form in a page's header."""
    found = re.search(
        r'action="/en/logout"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"', client.get(path).text
    )
    assert found is not None
    return found.group(1)
