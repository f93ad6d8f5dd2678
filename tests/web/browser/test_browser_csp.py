"""In real Chromium, under the Content-Security-Policy the app sends: no page is refused anything (no
violation reported), the overview's bars and the API documentation still show, and one can sign in and out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from auth_app import PASSWORD, add_users
from browser_app import served
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FIBRE = "AI2023.VILLAGES_FIBRE_SHARE"
PATHS = [
    "/kk/",
    "/en/programs/AI2023",
    f"/en/indicators/{FIBRE}",
    "/en/territories/430000000",
    "/en/evaluations/1",
    "/en/search?q=fibre",
    "/en/login",
    "/api/v1/docs",
]


def violations(page: Page) -> list[str]:
    """Collect every CSP violation the page reports (console errors and ``securitypolicyviolation``)."""
    found: list[str] = []
    page.on(
        "console",
        lambda m: found.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


@pytest.mark.parametrize("path", PATHS)
def test_no_page_breaks_its_content_security_policy(page: Page, base_url: str, path: str) -> None:
    found = violations(page)
    answer = page.goto(base_url + path)
    assert answer is not None and answer.status == 200
    assert "content-security-policy" in answer.headers
    page.wait_for_load_state("networkidle")
    if path == "/api/v1/docs":
        page.wait_for_selector(".swagger-ui .info", timeout=20_000)
    assert found == []


def test_the_overview_bars_show_their_share(page: Page, base_url: str) -> None:
    found = violations(page)
    page.goto(base_url + "/en/")
    bars = page.locator("meter.bar")
    assert bars.count() > 0
    values = [float(v) for v in bars.evaluate_all("ms => ms.map(m => m.value)")]
    assert all(0 <= v <= 1 for v in values) and any(v > 0 for v in values)
    assert bars.first.bounding_box() is not None
    assert found == []


@pytest.fixture(scope="module")
def users_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = str(tmp_path_factory.mktemp("browser-auth") / "auth.db")
    add_users(path)
    with served(path) as url:
        yield url


def test_sign_in_and_out_in_a_browser(page: Page, users_url: str, shoot: object) -> None:
    found = violations(page)
    page.goto(users_url + "/en/login?next=/en/login")
    page.fill("#login", "dana")
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector(".account .who")
    assert "Dana <b>A.</b>" in page.inner_text(".account .who")
    assert any(c["name"] == "natije" and c["httpOnly"] for c in page.context.cookies())
    page.click(".account button[type=submit]")
    page.wait_for_selector(".account a[href^='/en/login']")
    assert not any(c["name"] == "natije" for c in page.context.cookies())
    assert found == []
