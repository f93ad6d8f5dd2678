"""The reporting pages on the demo store (SQLite and PostgreSQL): a reporter's desk, the value form, the XLSX
template and its upload, the approver's queue, the agencies' scorecards and a value's history, in kk/ru/en.

One store per backend serves the module; each test works on its own indicator and period, so they do not
depend on one another's values."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any

import openpyxl
import pytest
from auth_app import PASSWORD
from fastapi.testclient import TestClient
from sqlalchemy import text

from natije.domain.access import Principal
from natije.locale import catalog
from natije.services import monitoring
from natije.services.accounts import NewUser, add_user
from natije.services.demo import load_demo
from natije.store import Store
from natije.web import Settings, create_app

DAY = date(2026, 12, 7)
OPERATOR = Principal("admin", name="cli:tester")
NATION = "000000000"
BROADBAND = "IK2020.FIXED_BROADBAND"
MOBILE = "IK2020.MOBILE_SUBS"
FIBRE = "IK2020.RURAL_FIBRE"
RANK = "IK2020.EGDI_RANK"
USERS = {  # login: (role, agency)
    "aigerim": ("reporter", "MTC"),
    "bolat": ("approver", "MTC"),
    "erlan": ("approver", "MIC"),
    "dana": ("auditor", None),
}
XSS = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def url(module_db_url: str) -> Iterator[str]:
    """The demo with the users of :data:`USERS`, judged on :data:`DAY` for the whole module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(monitoring, "today", lambda: DAY)
        store = Store.open(module_db_url)
        load_demo(store)
        for login, (role, agency) in USERS.items():
            add_user(store, NewUser(login, login.title(), role, agency), PASSWORD, by=OPERATOR)
        store.close()
        yield module_db_url


def client_of(url: str, login: str | None = None) -> TestClient:
    """A browser on the app, signed in as ``login`` (the public when ``None``)."""
    client = TestClient(create_app(Settings(database_url=url, version_interval=0)))
    client.__enter__()
    if login is not None:
        page = client.get("/en/login")
        secret = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert secret is not None
        data = {"csrf": secret.group(1), "login": login, "password": PASSWORD}
        assert client.post("/en/login", data=data, follow_redirects=False).status_code == 303
    return client


@pytest.fixture(scope="module")
def browsers(url: str) -> Iterator[dict[str | None, TestClient]]:
    clients: dict[str | None, TestClient] = {login: client_of(url, login) for login in (None, *USERS)}
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def csrf(client: TestClient, path: str = "/en/reporting") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def post_value(client: TestClient, lang: str = "en", **fields: str) -> Any:
    return client.post(f"/{lang}/reporting/values", data={"csrf": csrf(client), **fields})


def count_values(url: str, state: str | None = None) -> int:
    store = Store.open(url)
    try:
        with store.connect() as conn:
            where = f" WHERE state = '{state}'" if state else ""
            return int(conn.execute(text(f"SELECT count(*) FROM submitted_values{where}")).scalar_one())
    finally:
        store.close()


def value_ids(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="value" value="(\d+)"', page)]


def pending_id(client: TestClient, indicator: str, period: str) -> int:
    """The id of the pending value of ``indicator`` and ``period`` on the approvals page."""
    page = client.get("/en/approvals").text
    rows = re.findall(
        r'name="value" value="(\d+)">.*?<code>([^<]+)</code>.*?/history">([^<]+)</a>', page, re.DOTALL
    )
    found = [int(i) for i, ind, per in rows if ind == indicator and per == period]
    assert found, page
    return found[-1]


def decide(
    client: TestClient, ids: list[int] | list[str], decision: str, reason: str = "", lang: str = "en"
) -> Any:
    data = {"csrf": csrf(client, "/en/approvals"), "value": [str(i) for i in ids], "decision": decision}
    return client.post(f"/{lang}/approvals", data={**data, "reason": reason})


def missing_keys(page: str) -> list[str]:
    """Catalog keys that came back untranslated: text shaped like a key of the catalogs (``web.…``,
    ``column.…``) that is none of them, as ``t`` writes a key it does not know; in the text and in the
    attributes people read (labels, titles, placeholders)."""
    prefixes = {key.split(".")[0] for key in catalog("en")}
    read = re.findall(r'(?:aria-label|title|placeholder)="([^"]*)"', page)
    shown = " ".join([re.sub(r"<[^>]*>", " ", page), *read])  # not the links' paths (…/template.xlsx)
    words = re.findall(r"\b([a-z_]+)\.([a-z_0-9]+(?:\.[a-z_0-9]+)*)\b", shown)
    return [f"{a}.{b}" for a, b in words if a in prefixes and f"{a}.{b}" not in catalog("en")]


# --- who may open what


def test_the_public_is_sent_to_sign_in(browsers: dict[str | None, TestClient]) -> None:
    public = browsers[None]
    for path in ("/en/reporting", "/ru/approvals", "/kk/reporting/template.xlsx"):
        answer = public.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith(f"{path[:3]}/login?next=")
    home = public.get("/en/").text
    assert 'href="/en/agencies"' in home and 'href="/en/reporting"' not in home
    # a form posted without a session is refused before anything is read
    answer = public.post("/en/reporting/values", data={"indicator": BROADBAND}, follow_redirects=False)
    assert answer.status_code == 303


def test_the_header_links_reporting_and_approvals_to_who_may_use_them(
    browsers: dict[str | None, TestClient],
) -> None:
    reporter = browsers["aigerim"].get("/en/").text
    assert 'href="/en/reporting"' in reporter and 'href="/en/approvals"' not in reporter
    approver = browsers["bolat"].get("/en/").text
    assert 'href="/en/approvals"' in approver and 'href="/en/reporting"' not in approver
    auditor = browsers["dana"].get("/en/").text
    assert 'href="/en/approvals"' not in auditor and 'href="/en/reporting"' not in auditor
    assert browsers["dana"].get("/en/approvals").status_code == 403
    assert browsers["aigerim"].get("/en/approvals").status_code == 403


@pytest.mark.parametrize("lang, due", [("en", "2017-01-01"), ("ru", "01.01.2017"), ("kk", "01.01.2017")])
def test_the_reporter_sees_its_due_periods_in_every_language(
    browsers: dict[str | None, TestClient], lang: str, due: str
) -> None:
    answer = browsers["aigerim"].get(f"/{lang}/reporting")
    assert answer.status_code == 200
    assert "no-store" in answer.headers["cache-control"]
    page = answer.text
    assert f'<html lang="{lang}"' in page
    assert BROADBAND in page and "IK2020.RURAL_FIBRE" in page
    assert "AI2023." not in page  # another agency's indicators
    assert due in page  # EGDI_RANK 2015 was due on 2017-01-01, in the language's date form
    assert missing_keys(page) == []
    words = {"en": "periods", "ru": "период", "kk": "кезең"}[lang]
    assert words in page
    assert 'name="csrf"' in page and "<script>" not in page and "style=" not in page


def test_an_approver_sees_the_desk_without_the_form(browsers: dict[str | None, TestClient]) -> None:
    page = browsers["bolat"].get("/en/reporting").text
    assert BROADBAND in page and 'action="/en/reporting/values"' not in page


# --- the form


def test_a_submitted_value_waits_unpublished_and_its_note_is_escaped(
    browsers: dict[str | None, TestClient], url: str
) -> None:
    reporter, public = browsers["aigerim"], browsers[None]
    answer = post_value(reporter, indicator=FIBRE, territory=NATION, period="2014", value="33.3", note=XSS)
    assert answer.status_code == 200, answer.text
    assert "1 value accepted" in answer.text and "awaiting approval" in answer.text
    history = public.get(f"/en/values/{FIBRE}/{NATION}/2014/history").text
    assert "No value has been published." in history and "Every submission" not in history
    assert "33.3" not in public.get(f"/en/indicators/{FIBRE}/series.csv").text
    queue = browsers["bolat"].get("/en/approvals").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in queue and XSS not in queue
    assert "aigerim" in queue and "new value" in queue
    desk = reporter.get("/en/reporting").text
    assert "awaiting approval" in desk


@pytest.mark.parametrize("lang, words", [("en", "a number"), ("ru", "число"), ("kk", "сан")])
def test_a_bad_value_lists_every_problem_and_stores_nothing(
    browsers: dict[str | None, TestClient], url: str, lang: str, words: str
) -> None:
    before = count_values(url)
    answer = post_value(
        browsers["aigerim"], lang, indicator=BROADBAND, territory="999999999", period="2025-Q9", value="abc"
    )
    assert answer.status_code == 422
    page = answer.text
    assert count_values(url) == before
    assert 'href="/kk/reporting"' in page and "/reporting/values" not in page.split("<main")[0]
    columns = re.findall(r"<tr><td class=\"num\">1</td><td>([a-z]+)</td>", page)
    assert {"territory", "period", "value"} <= set(columns), page
    assert words in page
    assert missing_keys(page) == []


def test_a_returned_value_is_shown_with_its_reason_and_fixed_from_a_prefilled_form(
    browsers: dict[str | None, TestClient],
) -> None:
    reporter, approver = browsers["aigerim"], browsers["bolat"]
    assert (
        post_value(reporter, indicator=RANK, territory=NATION, period="2017", value="390").status_code == 200
    )
    vid = pending_id(approver, RANK, "2017")
    refused = decide(approver, [vid], "return", "   ")
    assert refused.status_code == 422
    assert "reason for returning the value" in refused.text
    assert vid in value_ids(approver.get("/en/approvals").text)  # nothing decided
    answer = decide(approver, [vid], "return", f"a rank is at most 193 {XSS}")
    assert answer.status_code == 200 and "1 value returned with the reason." in answer.text
    desk = reporter.get("/ru/reporting").text
    assert "a rank is at most 193 &lt;script&gt;" in desk and XSS not in desk
    assert '<span class="status state-returned">возвращено</span>' in desk
    fix = re.search(r'href="(/ru/reporting\?indicator=IK2020\.EGDI_RANK&amp;territory[^"]*)"', desk)
    assert fix is not None
    form = reporter.get(fix.group(1).replace("&amp;", "&")).text
    assert f'<option value="{RANK}" selected>' in form
    assert 'name="period" list="periods" value="2017"' in form and 'value="390.0"' in form
    again = post_value(reporter, indicator=RANK, territory=NATION, period="2017", value="39")
    assert again.status_code == 200
    assert "a rank is at most 193" not in reporter.get("/en/reporting").text


# --- the template and the upload


def template_of(client: TestClient, lang: str = "en") -> openpyxl.Workbook:
    answer = client.get(f"/{lang}/reporting/template.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="natije-template-MTC-{lang}.xlsx"'
    assert "no-store" in answer.headers["cache-control"]
    return openpyxl.load_workbook(io.BytesIO(answer.content))


def test_the_template_lists_exactly_the_agencys_owed_indicators(
    browsers: dict[str | None, TestClient],
) -> None:
    book = template_of(browsers["aigerim"], "ru")
    listed = {str(c.value).split(" — ")[0] for c in book["lists"]["A"] if c.value}
    assert listed and all(code.startswith("IK2020.") for code in listed)
    assert FIBRE in listed and BROADBAND not in listed  # every period of the latter is published
    rows = list(book["values"].iter_rows(min_row=2, values_only=True))
    assert rows and {str(r[0]).split(" — ")[0] for r in rows if r[0]} == listed
    assert {str(r[1]).split(" — ")[0] for r in rows if r[1]} == {NATION}


def upload(client: TestClient, data: bytes, name: str = "filled.xlsx", lang: str = "en") -> Any:
    files = {"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return client.post(f"/{lang}/reporting/upload", data={"csrf": csrf(client)}, files=files)


def test_a_filled_template_uploads_as_pending_values(
    browsers: dict[str | None, TestClient], url: str
) -> None:
    reporter = browsers["aigerim"]
    book = template_of(reporter)
    sheet = book["values"]
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if str(sheet.cell(r, 1).value).startswith(FIBRE) and sheet.cell(r, 3).value == "2019"
    )
    sheet.cell(row, 4).value = 64.5
    sheet.cell(row, 5).value = "from the operators' reports"
    out = io.BytesIO()
    book.save(out)
    before = count_values(url, "pending")
    answer = upload(reporter, out.getvalue())
    assert answer.status_code == 200, answer.text
    assert "1 value accepted" in answer.text and "IK2020.RURAL_FIBRE" in answer.text
    assert count_values(url, "pending") == before + 1


def test_a_formula_or_a_zip_bomb_is_refused_with_its_reason(
    browsers: dict[str | None, TestClient], url: str
) -> None:
    reporter = browsers["aigerim"]
    book = template_of(reporter)
    book["values"]["D2"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    before = count_values(url)
    answer = upload(reporter, out.getvalue(), lang="ru")
    assert answer.status_code == 422
    assert "формул" in answer.text and "values!D2" in answer.text
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(b"0" * (1 << 20))
    answer = upload(reporter, bomb.getvalue(), "bomb.xlsx")
    assert answer.status_code == 422
    assert "at most 128 MiB" in answer.text  # its part would inflate past the limit: never inflated
    answer = upload(reporter, b"not a workbook", "notes.xlsx")
    assert answer.status_code == 422 and "Excel" in answer.text
    assert count_values(url) == before


# --- approvals


def test_approved_values_are_published_on_the_public_pages(browsers: dict[str | None, TestClient]) -> None:
    reporter, approver, public = browsers["aigerim"], browsers["bolat"], browsers[None]
    egdi, almaty = "IK2020.EGDI_VALUE", "750000000"
    assert (
        post_value(reporter, indicator=egdi, territory=NATION, period="2013", value="0.65").status_code == 200
    )
    assert (
        post_value(reporter, indicator=FIBRE, territory=almaty, period="2018", value="57.4").status_code
        == 200
    )
    regions = f"/en/indicators/{FIBRE}?period=2018"
    assert "57.4 (Almaty)" not in public.get(regions).text
    chosen = [pending_id(approver, egdi, "2013"), pending_id(approver, FIBRE, "2018")]
    answer = decide(approver, chosen, "approve", lang="kk")
    assert answer.status_code == 200, answer.text
    assert missing_keys(answer.text) == []
    assert not set(chosen) & set(value_ids(answer.text))  # no longer waiting
    assert "57.4 (Almaty)" in public.get(regions).text  # the regions' map of the public indicator page
    series = public.get(f"/en/indicators/{egdi}/series.csv").text
    assert "2013" in series and "0.65" in series
    history = public.get(f"/en/values/{egdi}/{NATION}/2013/history").text
    assert "0.65" in history and "Every submission" not in history
    full = browsers["dana"].get(f"/en/values/{egdi}/{NATION}/2013/history")
    assert "Every submission" in full.text and "aigerim" in full.text and "bolat" in full.text
    assert "no-store" in full.headers["cache-control"]


def test_a_correction_shows_the_published_value_and_needs_a_reason(
    browsers: dict[str | None, TestClient],
) -> None:
    reporter, approver = browsers["aigerim"], browsers["bolat"]
    assert (
        post_value(reporter, indicator=BROADBAND, territory=NATION, period="2020", value="14.75").status_code
        == 200
    )
    vid = pending_id(approver, BROADBAND, "2020")
    queue = approver.get("/en/approvals").text
    row = re.search(rf'value="{vid}">.*?</tr>', queue, re.DOTALL)
    assert row is not None and "new value" not in row.group(0)  # the published value it would change
    refused = decide(approver, [vid], "approve")
    assert refused.status_code == 422 and "changes a published value" in refused.text
    answer = decide(approver, [vid], "approve", "the operators' final figures")
    assert answer.status_code == 200
    history = browsers[None].get(f"/en/values/{BROADBAND}/{NATION}/2020/history").text
    assert "the operators&#39; final figures" in history and "14.75" in history


def test_an_upload_without_the_csrf_secret_is_refused(browsers: dict[str | None, TestClient]) -> None:
    files = {"file": ("a.xlsx", b"PK", "application/octet-stream")}
    assert browsers["aigerim"].post("/en/reporting/upload", files=files).status_code == 403


def test_no_signed_in_page_enters_the_shared_memo(browsers: dict[str | None, TestClient]) -> None:
    reporter = browsers["aigerim"]
    for path in ("/en/", "/en/reporting", f"/en/indicators/{BROADBAND}"):
        assert reporter.get(path).headers["cache-control"] == "private, no-store"
    app: Any = reporter.app
    kept = [v for v in app.state.natije.memo.values() if isinstance(v, bytes)]
    assert not any(b"Aigerim" in v or b"/reporting/values" in v for v in kept)
    assert "Aigerim" not in browsers[None].get(f"/en/indicators/{BROADBAND}").text


def test_another_agencys_approver_cannot_decide(browsers: dict[str | None, TestClient], url: str) -> None:
    reporter = browsers["aigerim"]
    assert (
        post_value(reporter, indicator=MOBILE, territory=NATION, period="2024", value="131").status_code
        == 200
    )
    vid = pending_id(browsers["bolat"], MOBILE, "2024")
    other = browsers["erlan"]
    answer = other.post(
        "/en/approvals",
        data={"csrf": csrf(other, "/en/"), "value": str(vid), "decision": "approve"},
    )
    assert answer.status_code == 403
    assert "<h1>" in answer.text and "approve" in answer.text
    assert vid in value_ids(browsers["bolat"].get("/en/approvals").text)  # still pending
    assert MOBILE not in other.get("/en/approvals").text  # MIC's queue holds none of MTC's values


def test_a_decision_without_the_csrf_secret_or_by_a_reporter_is_refused(
    browsers: dict[str | None, TestClient],
) -> None:
    answer = browsers["bolat"].post("/en/approvals", data={"value": "1", "decision": "approve"})
    assert answer.status_code == 403
    reporter = browsers["aigerim"]
    data = {"csrf": csrf(reporter), "value": "1", "decision": "approve"}
    assert reporter.post("/en/approvals", data=data).status_code == 403


def test_ids_that_are_no_numbers_are_listed_and_nothing_is_decided(
    browsers: dict[str | None, TestClient],
) -> None:
    approver = browsers["bolat"]
    answer = decide(approver, ["1x", "9" * 40], "approve")
    assert answer.status_code == 422
    assert "<code>1x</code>" in answer.text and "a positive integer" in answer.text


# --- public pages


@pytest.mark.parametrize("lang, share", [("en", "%"), ("ru", "\xa0%"), ("kk", "\xa0%")])
def test_the_agencies_scorecards_are_public_in_every_language(
    browsers: dict[str | None, TestClient], lang: str, share: str
) -> None:
    answer = browsers[None].get(f"/{lang}/agencies")
    assert answer.status_code == 200
    page = answer.text
    for agency in ("MTC", "MIC", "MDDIAI"):
        assert f'<th scope="row">{agency}</th>' in page
    assert share in page
    assert missing_keys(page) == []


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_signed_in_page_has_every_word(browsers: dict[str | None, TestClient], lang: str) -> None:
    for login, path in (
        ("aigerim", "reporting"),
        ("bolat", "approvals"),
        ("dana", f"values/{BROADBAND}/{NATION}/2024/history"),
        (None, f"values/{BROADBAND}/{NATION}/2024/history"),
    ):
        answer = browsers[login].get(f"/{lang}/{path}")
        assert answer.status_code == 200, (login, path)
        assert missing_keys(answer.text) == [], (login, path)
