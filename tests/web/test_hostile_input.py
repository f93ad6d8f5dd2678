"""Hostile input: script in every text a user controls comes back inert, SQL metacharacters are data, bodies
too large are refused before they are read, and every kind of answer carries the security headers.

The texts: the search query, the login form's fields and ``next=``, a submitted value's note and a return's
reason (where the reporting pages show them), and the names, descriptions and sources of an imported program
package. "Inert" is checked on the parsed HTML, not on strings alone: no inline script, no event-handler
attribute, no ``javascript:`` link, no raw payload (the escaped payload is there instead).
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from markupsafe import escape
from postgres_db import POSTGRES
from test_permission_matrix import RULES
from workflow_world import OWN, PASSWORD, World, demo_world, form_secret_of, routes_of, submit_value

from natije.domain.access import Principal
from natije.services.ingestion import import_paths
from natije.services.submissions import decide
from natije.web import Settings, create_app

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
QUOTE_URL = "https://example.org/?x='onmouseover='alert(1)'"  # a web address an import accepts, quotes in it
SQL = "'; DROP TABLE observations;-- 100% _x_ C:\\temp\\"
PAYLOADS = [
    SCRIPT,
    ATTRIBUTE,
    JS_URL,
    "<svg/onload=alert(1)>",
    "'-alert(1)-'",
    "</textarea><script>x</script>",
]
SQLS = [SQL, "%", "_", "\\", "' OR '1'='1", '"; SELECT 1; --']
PROGRAM = "XS2024"
ROOT = Path(__file__).resolve().parents[2]


LINKS = ("href", "src", "action", "formaction", "xlink:href")


class Markup(HTMLParser):
    """The parts of an HTML page a script could run from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dangers: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}=…>")
            plain = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name in LINKS and plain.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.dangers.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            source = dict(attrs).get("src") or ""
            if not source.startswith("/static/"):
                self.dangers.append(f"<script src={source!r}>")
            self.in_script = True
        if tag in ("iframe", "object", "embed", "base"):
            self.dangers.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.dangers.append(f"inline script {data[:40]!r}")


def assert_inert(page: str, where: str = "") -> None:
    """No way for ``page`` to run a script of a payload; none of the payloads raw in it."""
    parser = Markup()
    parser.feed(page)
    assert parser.dangers == [], where
    lowered = page.lower()
    for raw in ("<script>alert", "<img src=x", "<svg/onload", "</textarea><script", "onerror=alert(1)>"):
        if raw == "onerror=alert(1)>":  # inside an attribute only as an escaped text
            assert '"><img' not in lowered, where
            continue
        assert raw not in lowered, where


def hostile_package(source: Path, out: Path) -> Path:
    """A copy of the demo's IK2020 package as program :data:`PROGRAM` whose names, descriptions, sources and
    notes are payloads (a source's url a web address with quotes in it: ``javascript:`` is refused by the
    import itself)."""
    data = yaml.safe_load(yaml.safe_dump(yaml.safe_load((source / "program.yaml").read_text())))
    data = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True).replace("IK2020", PROGRAM))
    codes = {}
    for item in data["sources"]:
        codes[item["code"]] = "xs_" + item["code"]
        item.update(code=codes[item["code"]], title=f"{SCRIPT} {SQL}", publisher=ATTRIBUTE, url=QUOTE_URL)
    data["program"]["names"] = {lang: f"{SCRIPT} {SQL} {lang}" for lang in ("kk", "ru", "en")}
    data["program"]["description"] = {lang: ATTRIBUTE for lang in ("kk", "ru", "en")}
    for indicator in data["indicators"]:
        indicator["names"] = {lang: f"{ATTRIBUTE} {indicator['code']}" for lang in ("kk", "ru", "en")}
        indicator["source"] = codes.get(indicator.get("source"), indicator.get("source"))
    for goal in data["program"]["goals"]:
        goal["names"] = {lang: SCRIPT for lang in ("kk", "ru", "en")}
    out.mkdir(parents=True)
    (out / "program.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    with (source / "observations.csv").open() as f:
        rows = list(csv.DictReader(f))
    with (out / "observations.csv").open("w", newline="") as f:
        sheet = csv.DictWriter(f, fieldnames=list(rows[0]))
        sheet.writeheader()
        for row in rows:
            row.update(
                indicator=row["indicator"].replace("IK2020", PROGRAM),
                source=codes.get(row["source"], row["source"]),
                note=f"{SCRIPT} {SQL}",
            )
            sheet.writerow(row)
    return out


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The demo with the hostile package imported, people, and a pending and a returned value whose note and
    reason are payloads."""
    folder = tmp_path_factory.mktemp("hostile")
    package = hostile_package(ROOT / "src/natije/demo/data/programs/IK2020", folder / "packages" / PROGRAM)

    with demo_world(request.param, folder) as built:
        import_paths(built.store, [str(package)])
        submit_value(built.store, OWN, 12.0, f"{SCRIPT} {ATTRIBUTE} {SQL}")
        returned = submit_value(built.store, OWN, 13.0, SQL, period="2022")
        boss = Principal("approver", agency=OWN, name="boss")
        decide(built.store, boss, [returned], approve=False, reason=f"{ATTRIBUTE} {SCRIPT} {SQL}")
        yield built


PAGES = [
    f"/en/programs/{PROGRAM}",
    f"/ru/programs/{PROGRAM}",
    f"/kk/indicators/{PROGRAM}.RURAL_FIBRE",
    f"/en/indicators/{PROGRAM}.INTERNET_USERS",
    "/en/",
    f"/en/search?q={PROGRAM}",
    "/en/territories/000000000",
    f"/en/programs/{PROGRAM}/report.html",
]
SIGNED_PAGES = [
    "/en/reporting",
    "/ru/approvals",
    "/en/values/IK2020.RURAL_FIBRE/000000000/2022/history",
    "/kk/values/IK2020.RURAL_FIBRE/000000000/2023/history",
    "/en/agencies",
]
"""Pages that show submitted notes and return reasons, read signed in."""


def test_imported_names_descriptions_and_sources_come_back_escaped(world: World) -> None:
    public = world.caller("public", "public")
    for url in PAGES:
        answer = public.get(url)
        assert answer.status_code == 200, url
        assert_inert(answer.text, url)
    program = public.get(f"/en/programs/{PROGRAM}").text
    assert str(escape(SCRIPT)) in program
    report = public.get(f"/en/programs/{PROGRAM}/report.html").text
    assert "onmouseover='alert" not in report and str(escape(QUOTE_URL)) in report  # quotes escaped
    markdown = public.get(f"/en/programs/{PROGRAM}/report.md").text
    assert re.search(r"(?<!\\)<(script|img|svg|javascript)", markdown, re.IGNORECASE) is None
    names = public.get(f"/api/v1/programs/{PROGRAM}").json()["names"]
    assert names["en"] == f"{SCRIPT} {SQL} en"  # stored and served verbatim: data, not markup
    table = public.get(f"/en/programs/{PROGRAM}/results.csv")
    assert table.headers["x-content-type-options"] == "nosniff" and table.headers["content-type"].startswith(
        "text/csv"
    )


def test_a_package_whose_source_url_is_no_web_address_is_refused(tmp_path: Path) -> None:
    from natije.errors import ValidationError
    from natije.store import Store

    package = hostile_package(ROOT / "src/natije/demo/data/programs/IK2020", tmp_path / PROGRAM)
    text = (package / "program.yaml").read_text()
    (package / "program.yaml").write_text(text.replace(QUOTE_URL, JS_URL))
    with pytest.raises(ValidationError) as refused:
        import_paths(Store.open("sqlite://"), [str(package)])
    assert {p.column for p in refused.value.problems} >= {"sources[0].url"}


SHOWN = {
    ("approver", "/ru/approvals"): SCRIPT,  # the pending value's note
    ("reporter", "/en/reporting"): ATTRIBUTE,  # the returned value's reason
    ("auditor", "/en/values/IK2020.RURAL_FIBRE/000000000/2022/history"): ATTRIBUTE,
}
"""A payload each page shows (escaped) to a role."""


def test_signed_in_pages_show_notes_and_reasons_escaped(world: World) -> None:
    for role in ("reporter", "approver", "auditor"):
        caller = world.caller(role, "session")
        for url in [*SIGNED_PAGES, "/en/login", f"/en/programs/{PROGRAM}"]:
            answer = caller.get(url)
            if answer.status_code == 403:  # a page of another role
                continue
            assert answer.status_code == 200, (role, url)
            assert_inert(answer.text, f"{role} {url}")
            if (role, url) in SHOWN:
                assert str(escape(SHOWN[role, url])) in answer.text, (role, url)
    assert {url for _, url in SHOWN} <= set(SIGNED_PAGES)


@pytest.mark.parametrize("payload", PAYLOADS + SQLS[:1])
def test_the_reporting_forms_answer_payloads_escaped(world: World, payload: str) -> None:
    from test_permission_matrix import workbook

    reporter = world.caller("reporter", "session")
    prefilled = reporter.get(
        "/en/reporting", params={"indicator": payload, "note": payload, "period": payload}
    )
    assert prefilled.status_code == 200
    assert_inert(prefilled.text, payload)
    row = {"indicator": payload, "territory": payload, "period": payload, "value": payload, "note": payload}
    refused = reporter.post("/en/reporting/values", data=row)
    assert refused.status_code == 422
    assert_inert(refused.text, payload)
    assert str(escape(payload)) in refused.text  # the refused value named in the problem
    upload = reporter.post("/en/reporting/upload", files={"file": ("a.xlsx", workbook([row]))})
    assert upload.status_code == 422
    assert_inert(upload.text, payload)
    named = reporter.post("/en/reporting/upload", files={"file": (f"{payload}.xlsx", b"not a workbook")})
    assert named.status_code == 422
    assert_inert(named.text, payload)
    good = {"indicator": "IK2020.RURAL_FIBRE", "territory": "000000000", "period": "2021", "value": "5"}
    accepted = reporter.post("/en/reporting/values", data={**good, "note": payload})
    assert accepted.status_code == 200
    assert_inert(accepted.text, payload)
    approver = world.caller("approver", "session")
    queue = approver.get("/en/approvals")
    assert_inert(queue.text, payload)
    returned = approver.post(
        "/en/approvals", data={"value": "999999", "decision": "return", "reason": payload}
    )
    assert returned.status_code in (404, 422)
    assert_inert(returned.text, payload)


@pytest.mark.parametrize("query", PAYLOADS + SQLS)
def test_a_search_query_is_echoed_escaped_and_finds_by_its_text(world: World, query: str) -> None:
    answer = world.caller("public", "public").get("/en/search", params={"q": query})
    assert answer.status_code == 200
    assert_inert(answer.text, query)
    assert str(escape(query)) in answer.text  # the query shown back as text


def test_sql_metacharacters_are_data(world: World) -> None:
    public = world.caller("public", "public")
    counted = public.get("/api/v1/observations?program=IK2020&limit=1000").json()["items"]
    filters = {
        "/api/v1/observations": ("program", "indicator", "territory"),
        "/api/v1/indicators": ("program",),
        "/api/v1/programs/IK2020/results": ("indicator", "territory"),
        "/api/v1/programs/IK2020/flags": ("indicator", "territory", "flag"),
    }
    for text in SQLS:
        for url, names in filters.items():
            for name in names:
                answer = public.get(url, params={name: text})
                assert answer.status_code in (200, 404, 422), (url, name, text, answer.text)
                if answer.status_code == 200:  # a filter matching nothing, not everything
                    assert answer.json()["items"] == [], (url, name, text)
        assert public.get(f"/api/v1/programs/{text}").status_code == 404
    found = public.get("/en/search", params={"q": "DROP TABLE"}).text
    assert f"/en/programs/{PROGRAM}" in found  # the program named so is found by its words
    assert public.get("/api/v1/observations?program=IK2020&limit=1000").json()["items"] == counted
    history = world.caller("auditor", "bearer").get(
        "/api/v1/values/history",
        params={"indicator": "IK2020.RURAL_FIBRE", "territory": "000000000", "period": "2022"},
    )
    assert history.status_code == 200
    assert SQL in [row["note"] for row in history.json()["submitted"]]  # stored and served verbatim


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_login_form_echoes_its_fields_escaped_and_sends_nowhere_else(world: World, payload: str) -> None:
    caller = world.new_caller("public", "public")
    page = caller.get("/en/login", params={"next": payload})
    assert page.status_code == 200
    assert_inert(page.text, payload)
    here = caller.get("/en/login", params={"next": f"/en/{payload}"})
    assert_inert(here.text, payload)
    form = {"csrf": form_secret_of(page.text), "login": payload, "password": payload, "next": payload}
    refused = caller.post("/en/login", data=form)
    assert refused.status_code == 403
    assert_inert(refused.text, payload)
    assert str(escape(payload[:64])) in refused.text
    for target in (payload, "//evil.example/", "https://evil.example/", "/\\evil.example", "/en/\r\nX: 1"):
        fresh = world.new_caller("public", "public")
        secret = form_secret_of(fresh.get("/en/login").text)
        form = {"csrf": secret, "login": "analyst1", "password": PASSWORD, "next": target}
        signed = fresh.post("/en/login", data=form)
        assert signed.status_code == 303
        location = signed.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        assert (
            "\r" not in location and "\n" not in location and not location.lower().startswith("/javascript")
        )


# bodies too large ------------------------------------------------------------------------------------------


LIMIT, UPLOAD_LIMIT = 2_000, 20_000


@pytest.fixture(scope="module")
def small(world: World) -> FastAPI:
    """The app on the same store with small body limits."""
    return create_app(Settings(database_url=world.url, max_body=LIMIT, max_upload=UPLOAD_LIMIT))


def call(
    app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, int, dict[str, str]]:
    """Call ``app`` as a server would, the body in ``chunks``: the status, how many chunks the app read and
    the answer's headers."""
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}
        await asyncio.sleep(0)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    answer_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], read, answer_headers


def posted_routes(app: FastAPI) -> list[str]:
    """A concrete path of every route that takes a body (POST, PUT, PATCH)."""
    fill = {"lang": "en", "agency": OWN}
    paths = []
    for method, path in routes_of(app):
        if method in ("POST", "PUT", "PATCH"):
            paths.append(re.sub(r"\{(\w+)[^}]*\}", lambda m: fill.get(m.group(1), "1"), path))
    return paths


KINDS = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "upload": "multipart/form-data; boundary=b",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_declared_oversize_body_is_refused_before_it_is_read(
    world: World, small: FastAPI, kind: str
) -> None:
    limit = UPLOAD_LIMIT if kind == "upload" else LIMIT
    auth = {"Authorization": f"Bearer {world.tokens['reporter']}"}
    for path in posted_routes(small):
        headers = {**auth, "Content-Type": KINDS[kind], "Content-Length": str(limit + 1)}
        status, read, answered = call(small, "POST", path, headers, [b"x" * (limit + 1)])
        assert (status, read) == (413, 0), (path, kind)
        assert (
            answered["content-type"] == "application/problem+json"
            and "frame-ancestors 'none'" in answered["content-security-policy"]
        )
        huge = {**headers, "Content-Length": str(10**12)}
        assert call(small, "POST", path, huge, [])[:2] == (413, 0), path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_streamed_body_growing_past_the_limit_is_cut_off(world: World, small: FastAPI, kind: str) -> None:
    limit = UPLOAD_LIMIT if kind == "upload" else LIMIT
    chunk = 500
    chunks = [b"x" * chunk] * (limit // chunk * 20)  # twenty times the limit, never declared
    auth = {"Authorization": f"Bearer {world.tokens['reporter']}"}
    for path in posted_routes(small):
        status, read, _ = call(small, "POST", path, {**auth, "Content-Type": KINDS[kind]}, chunks)
        assert read <= limit // chunk + 2, (path, kind, status, read)  # stopped reading just past the limit
        assert 300 <= status < 500, (path, kind, status)  # a route may answer without reading the body
        if read > limit // chunk:  # it read up to the limit: refused for the size
            assert status == 413, (path, kind)


# security headers ------------------------------------------------------------------------------------------


def assert_secure_headers(headers: Any, where: str) -> None:
    policy = headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src", []))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in (
        "strict-origin-when-cross-origin",
        "no-referrer",
        "same-origin",
    ), where


def test_every_kind_of_answer_has_the_security_headers(world: World) -> None:
    public = world.caller("public", "public")
    urls = [r.url for r in RULES.values() if r.url]
    urls += ["/static/style.css", "/static/swagger-init.js", "/en/no/such/page", "/api/v1/no/such", "/xx/"]
    urls += ["/api/v1/programs/NOPE", "/api/v1/observations?as_of=yesterday", "/en/programs/NOPE"]
    for url in urls:
        assert_secure_headers(public.get(url).headers, url)
    bad_token = public.post("/en/logout", headers={"Authorization": "Bearer nj_000000000000_nope"})
    assert bad_token.status_code == 401
    assert_secure_headers(bad_token.headers, "401")
    wrong_method = public.send("DELETE", "/api/v1/programs")
    assert wrong_method.status_code == 405
    assert_secure_headers(wrong_method.headers, "405")
    no_csrf = world.caller("analyst", "session").client.post("/en/logout", follow_redirects=False)
    assert no_csrf.status_code == 403
    assert_secure_headers(no_csrf.headers, "403 page")
