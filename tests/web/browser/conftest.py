"""Real Chromium on the real app: one server and one browser for these tests, a fresh browser context
(cookies, viewport, JavaScript on or off) per test, screenshots kept in ``tests/artifacts/browser/``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_app import ARTIFACTS, Shoot, launch, served
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright


@pytest.fixture(scope="package")
def base_url(demo_db: Path) -> Iterator[str]:
    """The app on the demo store (with its stored evaluation), served over HTTP."""
    with served(str(demo_db)) as url:
        yield url


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for these tests (Debian's; an error, not a skip, when it is missing)."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_page(**options)``: a page in a fresh browser context (no cookies), by default a laptop's
    viewport, a Kazakh browser and JavaScript on; the options are Playwright's ``new_context`` arguments."""
    contexts: list[BrowserContext] = []

    def new(**options: Any) -> Page:
        context = browser.new_context(
            **{"viewport": {"width": 1280, "height": 900}, "locale": "kk-KZ", **options}
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A page in a fresh context with the default settings of :func:`open_page`."""
    return open_page()


@pytest.fixture
def shoot() -> Shoot:
    """Save a full-page screenshot as ``tests/artifacts/browser/NAME.png`` (kept for people and for CI)."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS}")
