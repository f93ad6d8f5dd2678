"""Shoot the README's picture of the program page (docs/program-page.png) in Chromium, reduced to a palette.

Usage: ``.venv/bin/python tools/readme_screenshot.py [--as-of 2026-11-29] [--colors 256]`` (needs the
``docs`` extra, ``pip install -e '.[docs]'``, and Debian's ``chromium``). The page is served from the demo
loaded into a scratch store, exactly as the browser tests serve it (``tests/web/browser/browser_app.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from natije.services.demo import load_demo
from natije.services.stores import open_store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "web" / "browser"))

from browser_app import launch, picture_program_page, served  # the browser tests' helper, beside them


def main() -> None:
    """Load the demo into a scratch store, serve it, shoot the page and write it as a palette PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2026-11-29", help="fixed date, so the picture is reproducible")
    parser.add_argument(
        "--colors", type=int, default=256, help="palette size (fewer loses the charts' colours)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "program-page.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "demo.db")
        store = open_store(database)
        load_demo(store)
        store.close()
        shot = Path(tmp) / "page.png"
        with served(database) as base_url, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_context(locale="en-GB").new_page()
            picture_program_page(page, base_url, shot, as_of=args.as_of)
            browser.close()
        with Image.open(shot) as picture:
            # octree keeps the small areas of the charts' colours that median cut merges into the text's
            reduced = picture.convert("RGB").quantize(
                args.colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )
            reduced.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
