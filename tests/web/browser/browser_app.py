"""The web app served to a real browser: uvicorn on a free 127.0.0.1 port in a thread, and Debian's Chromium.

Shared by the browser tests and ``tools/readme_screenshot.py`` (which imports it through ``sys.path``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, Playwright

from natije.web import Settings, create_app

# Debian's package (`apt-get install chromium`); Playwright drives it, it downloads no browser of its own.
CHROMIUM = Path(os.environ.get("NATIJE_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = (
    Path(__file__).resolve().parents[2] / "artifacts" / "browser"
)  # tests/artifacts/browser (git ignores it)
README_WIDTH = 1024  # CSS pixels: the program page as on a laptop, cards two abreast

Shoot = Callable[[Page, str], Path]  # the `shoot` fixture: a full-page screenshot saved under a name


@contextmanager
def served(database_url: str, start_timeout: float = 30.0) -> Iterator[str]:
    """The web app on ``database_url``, served at the yielded base URL until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(
        ("127.0.0.1", 0)
    )  # uvicorn takes the bound socket: no window for another process to take it
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(Settings(database_url=database_url)), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="natije-http", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web app did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from :data:`CHROMIUM`; a missing browser is an error that says how to install it."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"Chromium is not at {CHROMIUM}: `apt-get install -y chromium` (make test does it), "
            "or point NATIJE_TEST_CHROMIUM at a Chromium binary"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def picture_program_page(page: Page, base_url: str, path: Path, as_of: str | None = None) -> Path:
    """A PNG of the English AI2023 page (judged on ``as_of``, else today) from the top to the end of its first
    indicator card: the README's picture."""
    page.set_viewport_size({"width": README_WIDTH, "height": 900})
    page.goto(f"{base_url}/en/programs/AI2023" + (f"?as_of={as_of}" if as_of else ""))
    bottom = page.locator(".indicator-card").first.bounding_box()
    assert bottom is not None, "the program page has no indicator card"
    height = bottom["y"] + bottom["height"] + 16
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, clip={"x": 0, "y": 0, "width": README_WIDTH, "height": height}, full_page=True)
    return path
