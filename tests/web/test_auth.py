"""Signing in to the web app: the login form, sessions, CSRF, Bearer tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from auth_app import OPERATOR, PASSWORD, add_users, auth_app, form_secret, page_secret, sign_in
from fastapi.testclient import TestClient
from postgres_db import POSTGRES, new_postgres_database
from sqlalchemy import create_engine, func, select

from natije.services.accounts import auth_events, disable_user, set_password
from natije.services.stores import open_store
from natije.services.tokens import NewToken, create_token, revoke_token
from natije.store import tables as T
from natije.store.engine import resolve_url
from natije.store.staging import utcnow


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = str(tmp_path / "auth.db")
        add_users(path)
        yield path
    else:
        with new_postgres_database() as pg:
            add_users(pg)
            yield pg


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(auth_app(url), base_url="http://testserver") as test_client:
        yield test_client


def session_rows(url: str) -> int:
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(T.web_sessions)).scalar_one())
    finally:
        engine.dispose()


def test_a_good_login_signs_in_records_it_and_names_the_user(client: TestClient, url: str) -> None:
    answer = sign_in(client, next="/en/test/audit?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/en/test/audit?x=1"
    assert client.get("/api/v1/test/whoami").json() == {"role": "analyst", "name": "dana", "scopes": None}
    page = client.get("/en/login")
    assert "Signed in as Dana &lt;b&gt;A.&lt;/b&gt;" in page.text  # the display name escaped
    assert "no-store" in page.headers["cache-control"]
    assert session_rows(url) == 1
    kinds = [e.kind for e in auth_events(open_store(url), by=OPERATOR, login="dana")]
    assert kinds[0] == "login"


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(url: str) -> None:
    with TestClient(auth_app(url), base_url="http://testserver") as plain:
        cookie = sign_in(plain).headers["set-cookie"].lower()
        assert cookie.startswith("natije=") and "httponly" in cookie and "samesite=lax" in cookie
        assert "path=/" in cookie and "secure" not in cookie
    with TestClient(auth_app(url), base_url="https://testserver") as tls:
        answer = sign_in(tls)
        cookies = answer.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("__Host-natije="))
        assert "Secure" in session and "HttpOnly" in session and "Path=/" in session
        assert "samesite=lax" in session.lower() and "domain" not in session.lower()
        assert tls.get("/api/v1/test/whoami").json()["name"] == "dana"
    with TestClient(auth_app(url, secure_cookies=True), base_url="http://testserver") as forced:
        cookies = forced.get("/en/login").headers.get_list("set-cookie")  # a browser keeps it for https only
        form = next(c for c in cookies if c.startswith("__Host-natije_form="))
        assert "Secure" in form and "HttpOnly" in form


@pytest.mark.parametrize("login, password", [("dana", "wrong horse battery"), ("nobody", PASSWORD)])
def test_a_failed_login_says_one_thing_whatever_failed(
    client: TestClient, url: str, login: str, password: str
) -> None:
    answer = sign_in(client, login=login, password=password)
    assert answer.status_code == 403
    assert "wrong login or password" in answer.text
    assert "set-cookie" not in answer.headers or "natije=" not in answer.headers["set-cookie"]
    assert client.get("/api/v1/test/whoami").json()["role"] == "public"
    kinds = [e.kind for e in auth_events(open_store(url), by=OPERATOR)]
    assert kinds[0] == "login_failed"


def test_a_disabled_account_gets_the_same_answer(client: TestClient, url: str) -> None:
    disable_user(open_store(url), "dana", by=OPERATOR)
    answer = sign_in(client)
    assert answer.status_code == 403 and "wrong login or password" in answer.text


@pytest.mark.parametrize(
    "lang, words", [("en", "too many failed logins"), ("ru", "слишком много"), ("kk", "")]
)
def test_too_many_failures_are_refused_with_429_and_retry_after(
    client: TestClient, url: str, lang: str, words: str
) -> None:
    for _ in range(3):
        assert sign_in(client, password="wrong horse battery").status_code == 403
    secret = form_secret(client, lang)
    data = {"csrf": secret, "login": "dana", "password": PASSWORD}
    answer = client.post(f"/{lang}/login", data=data, follow_redirects=False)
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) > 0
    assert words in answer.text
    assert '<html lang="' + lang + '"' in answer.text
    assert "login_limited" in [e.kind for e in auth_events(open_store(url), by=OPERATOR)]


def test_logout_ends_the_session(client: TestClient, url: str) -> None:
    sign_in(client)
    secret = page_secret(client)
    answer = client.post("/en/logout", data={"csrf": secret}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/en/"
    assert session_rows(url) == 0
    assert client.get("/api/v1/test/whoami").json()["role"] == "public"
    assert next(e.kind for e in auth_events(open_store(url), by=OPERATOR, login="dana")) == "logout"


def test_signing_in_again_ends_the_earlier_session(client: TestClient, url: str) -> None:
    sign_in(client)
    first = client.cookies.get("natije")
    sign_in(client, login="aigul")
    assert client.cookies.get("natije") != first
    assert session_rows(url) == 1
    assert client.get("/api/v1/test/whoami").json()["name"] == "aigul"


def test_a_stolen_cookie_is_dead_after_logout(client: TestClient, url: str) -> None:
    sign_in(client)
    stolen = dict(client.cookies)
    client.post("/en/logout", data={"csrf": page_secret(client)})
    with TestClient(auth_app(url), cookies=stolen) as thief:
        assert thief.get("/api/v1/test/whoami").json()["role"] == "public"


@pytest.mark.parametrize("change", ["disable", "password"])
def test_a_disabled_user_or_a_new_password_ends_the_session(
    client: TestClient, url: str, change: str
) -> None:
    sign_in(client)
    assert client.get("/api/v1/test/whoami").json()["name"] == "dana"
    if change == "disable":
        disable_user(open_store(url), "dana", by=OPERATOR)
    else:
        set_password(open_store(url), "dana", "another horse battery", by=OPERATOR)
    assert client.get("/api/v1/test/whoami").json()["role"] == "public"
    assert session_rows(url) == 0


def test_an_idle_session_ends(url: str) -> None:
    with TestClient(auth_app(url, session_idle=timedelta(seconds=0))) as client:
        sign_in(client)
        assert client.get("/api/v1/test/whoami").json()["role"] == "public"


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_a_post_without_the_sessions_csrf_secret_is_refused(client: TestClient, token: str | None) -> None:
    sign_in(client)
    data = {} if token is None else {"csrf": token}
    answer = client.post("/en/logout", data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert "did not come from a form of this site" in answer.text
    assert client.get("/api/v1/test/whoami").json()["name"] == "dana"  # still signed in
    api = client.post("/api/v1/test/echo", json={})
    assert api.status_code == 403 and api.headers["content-type"] == "application/problem+json"


def test_a_post_from_another_site_is_refused_even_with_the_secret(client: TestClient) -> None:
    sign_in(client)
    secret = page_secret(client)
    for header in (
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/x"},
        {"Origin": "null"},
    ):
        answer = client.post("/en/logout", data={"csrf": secret}, headers=header, follow_redirects=False)
        assert answer.status_code == 403
    assert client.post("/api/v1/test/echo", headers={"X-CSRF-Token": secret}).json()["name"] == "dana"


def test_the_login_form_needs_its_own_secret(client: TestClient) -> None:
    form_secret(client)
    data = {"csrf": "forged", "login": "dana", "password": PASSWORD}
    assert client.post("/en/login", data=data, follow_redirects=False).status_code == 403
    with TestClient(client.app) as fresh:  # no form cookie at all
        assert fresh.post("/en/login", data=data, follow_redirects=False).status_code == 403


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "evil.example", "/\t/evil.example"],
)
def test_next_goes_only_to_a_path_of_this_site(client: TestClient, target: str) -> None:
    assert sign_in(client, next=target).headers["location"] == "/en/"


def test_a_script_in_the_login_field_comes_back_escaped(client: TestClient) -> None:
    payload = '"><script>alert(1)</script>'
    answer = sign_in(client, login=payload, password="wrong horse battery")
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;" in answer.text or "&#34;&gt;&lt;script" in answer.text
    page = client.get('/en/login?next="><script>alert(2)</script>')
    assert "<script>alert(2)" not in page.text


def test_the_header_links_to_the_login_page_and_back(client: TestClient) -> None:
    page = client.get("/ru/search?q=a&x=1")
    link = re.search(r'href="(/ru/login\?next=[^"]+)"', page.text)
    assert link is not None
    back = sign_in(client, next=unquote(html.unescape(link.group(1)).split("next=", 1)[1]))
    assert back.headers["location"] == "/ru/search?q=a&x=1"


def test_a_page_sends_the_public_to_the_login_page_and_others_get_403(client: TestClient) -> None:
    answer = client.get("/en/test/audit?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/en/login?next=%2Fen%2Ftest%2Faudit%3Fx%3D1"
    sign_in(client)  # an analyst may not read the audit record
    assert client.get("/en/test/audit").status_code == 403
    client.post("/en/logout", data={"csrf": page_secret(client)})
    sign_in(client, login="aigul", next="/en/test/audit")
    assert client.get("/en/test/audit").text == "audit for aigul"


def test_a_bearer_token_is_the_principal_and_a_bad_one_is_401(client: TestClient, url: str) -> None:
    store = open_store(url)
    made = create_token(
        store,
        NewToken("warehouse", "analyst", None, utcnow() + timedelta(days=3), ("read_published",)),
        by=OPERATOR,
    )
    good = {"Authorization": f"Bearer {made.text}"}
    assert client.get("/api/v1/test/whoami", headers=good).json() == {
        "role": "analyst",
        "name": f"token:{made.token.id}",
        "scopes": ["read_published"],
    }
    assert client.post("/api/v1/test/echo", headers=good).status_code == 200  # no CSRF for a token
    expired = create_token(
        store,
        NewToken("old", "analyst", None, utcnow() - timedelta(hours=1)),
        by=OPERATOR,
        now=utcnow() - timedelta(days=1),
    )
    revoked = create_token(
        store, NewToken("gone", "analyst", None, utcnow() + timedelta(days=3)), by=OPERATOR
    )
    revoke_token(store, revoked.token.id, by=OPERATOR)
    for header in (
        f"Bearer {made.text}x",
        f"Bearer {expired.text}",
        f"Bearer {revoked.text}",
        "Bearer nj_nothing_here",
        "Bearer ",
        f"Basic {made.text}",
    ):
        answer = client.get("/api/v1/test/whoami", headers={"Authorization": header})
        assert answer.status_code == 401, header
        for public in ("/api/v1/territories", "/en/"):  # also where the public may read
            assert client.get(public, headers={"Authorization": header}).status_code == 401, (public, header)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["www-authenticate"].startswith('Bearer realm="natije"')
        assert answer.json()["status"] == 401 and "Traceback" not in answer.text
    ru = client.get("/api/v1/test/whoami?lang=ru", headers={"Authorization": "Bearer nope"})
    assert "недействителен" in ru.json()["detail"]


def test_the_api_asks_the_public_to_sign_in_and_refuses_others(client: TestClient, url: str) -> None:
    public = client.get("/api/v1/test/audit")
    assert public.status_code == 401 and public.headers["www-authenticate"] == 'Bearer realm="natije"'
    assert public.json()["type"].endswith("/unauthorized")
    made = create_token(
        open_store(url), NewToken("reader", "analyst", None, utcnow() + timedelta(days=3)), by=OPERATOR
    )
    other = client.get("/api/v1/test/audit", headers={"Authorization": f"Bearer {made.text}"})
    assert other.status_code == 403 and "www-authenticate" not in other.headers
    sign_in(client, login="aigul")
    assert client.get("/api/v1/test/audit").json()["name"] == "aigul"
