"""Accessibility in Chromium: axe-core finds no serious or critical violation on the main pages; the keyboard
reaches everything with a visible focus; a phone's width never scrolls the page sideways; pages work without
JavaScript and stay light."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_app import Shoot
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
FIBRE = "AI2023.VILLAGES_FIBRE_SHARE"
PAGES = {
    "overview-kk": "/kk/",
    "overview-ru": "/ru/",
    "overview-en": "/en/",
    "program-en": "/en/programs/AI2023",
    "indicator-en": f"/en/indicators/{FIBRE}",
    "territory-en": "/en/territories/430000000",
    "evaluation-en": "/en/evaluations/1",
    "search-en": "/en/search?q=fibre",
    "login-ru": "/ru/login",
}

# axe's violations of every rule it runs (WCAG 2.x A/AA and its best practices), kept short for the message
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""

# The focused element, and whether its focus shows: an outline (at least 2 px, 3:1 against the white page) or
# a box shadow, inside the viewport.
FOCUS_JS = """() => {
  const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
  const luminance = rgb => rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, href: el.getAttribute("href"),
    inMain: document.querySelector("main").contains(el),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && 1.05 / (luminance(style.outlineColor) + 0.05) >= 3,
    shadow: style.boxShadow !== "none",
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 && box.left < innerWidth,
  };
}"""


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds serious or critical on the page as it is shown."""
    page.evaluate(AXE + "\n;0")  # through DevTools: the page's CSP forbids an inline <script>, as it should
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_no_serious_or_critical_violation(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    violations = serious_violations(page)
    assert not violations, violations


def test_the_keyboard_skips_to_the_content_and_reaches_a_program(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/en/")
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUS_JS)
    assert skip["cls"] == "skip" and skip["visible"] and skip["outline"], skip  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_JS)["inMain"]  # the next stop is in the content, past the header
    for _ in range(40):
        focus = page.evaluate(FOCUS_JS)
        if focus["href"] == "/en/programs/AI2023":
            break
        page.keyboard.press("Tab")
    assert focus["href"] == "/en/programs/AI2023", "the program's link is not reachable with Tab"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/en/programs/AI2023")


def test_every_stop_of_the_keyboard_shows_its_focus(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/en/programs/AI2023")
    seen = []
    for _ in range(30):  # header, form, goal tree, the first cards: every kind of control the pages have
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        seen.append(focus["tag"])
        assert focus["visible"] and (focus["outline"] or focus["shadow"]), focus
    assert {"a", "input", "select", "button"} <= set(seen), seen


@pytest.mark.parametrize(
    "path", [PAGES[name] for name in ("overview-kk", "program-en", "indicator-en", "evaluation-en")]
)
def test_on_a_phone_the_page_never_scrolls_sideways(
    open_page: Callable[..., Page], base_url: str, shoot: Shoot, path: str
) -> None:
    page = open_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(base_url + path)
    sideways = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"{path} is {sideways} px wider than a 360 px screen"
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("main > *, header > *, figure svg")]
             .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
             .map(el => el.tagName + "." + el.className)"""
    )
    assert not too_wide, too_wide
    violations = serious_violations(page)  # tables scroll in their own box, which the keyboard can reach
    assert not violations, violations
    shoot(page, "phone-" + re.sub(r"\W+", "-", path.strip("/")))


def test_without_javascript_the_forms_and_links_still_work(
    open_page: Callable[..., Page], base_url: str
) -> None:
    page = open_page(java_script_enabled=False)
    page.goto(f"{base_url}/en/programs/AI2023")
    page.locator("#as_of").fill("2025-07-01")
    page.locator("#basis").select_option("first")
    page.locator("form.asof button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/programs/AI2023\?as_of=2025-07-01&basis=first$"))
    assert "88%" in page.locator(f"[id='ind-{FIBRE}']").inner_text()
    page.locator("#q").fill("fibre share")
    page.locator("form.search button").click()
    page.wait_for_url(re.compile(r"/en/search\?q=fibre"))
    page.locator("nav.languages a[hreflang=kk]").click()  # the same search in Kazakh
    page.wait_for_url(re.compile(r"/kk/search\?q=fibre"))
    assert page.locator("html").get_attribute("lang") == "kk"
    page.locator("nav.languages a[hreflang=en]").click()
    page.wait_for_url(re.compile(r"/en/search\?q=fibre"))
    page.locator(f"ul.hits a[href='/en/indicators/{FIBRE}']").click()
    page.wait_for_url(f"{base_url}/en/indicators/{FIBRE}")
    page.locator("#period").select_option("2024")
    page.locator("form.period button").click()
    page.wait_for_url(re.compile(r"period=2024"))
    assert "2024" in page.locator("#regions caption").inner_text()


@pytest.mark.parametrize("path", [PAGES[name] for name in ("overview-kk", "program-en", "indicator-en")])
def test_a_page_with_all_it_loads_stays_under_300_kb(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)  # after the load event: the document, its style sheet and its deferred script
    loaded: dict[str, int] = page.evaluate(
        """() => Object.fromEntries(performance.getEntriesByType("navigation")
             .concat(performance.getEntriesByType("resource"))
             .map(entry => [entry.name, entry.decodedBodySize]))"""
    )
    assert any(url.endswith(".css") for url in loaded) and any(url.endswith(".js") for url in loaded), loaded
    assert sum(loaded.values()) < 300_000, loaded
