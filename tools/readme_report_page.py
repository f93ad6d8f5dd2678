"""Draw the README's picture of the report (docs/report-kk-page1.png): the first page of the Kazakh PDF of the
Affordable Internet project, from the demo, with ``pdftoppm`` (poppler-utils), reduced to a palette.

Usage: ``.venv/bin/python tools/readme_report_page.py [--as-of 2026-12-07] [--dpi 72] [--colors 64]`` (needs
the ``docs`` extra for Pillow, ``pip install -e '.[docs]'``).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image

from natije.services.demo import load_demo
from natije.services.reporting import ReportRequest, report
from natije.services.stores import open_store

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    """Load the demo into a scratch store, render the report, draw its first page and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2026-12-07", help="fixed date, so the picture is reproducible")
    parser.add_argument("--dpi", type=int, default=72)
    parser.add_argument("--colors", type=int, default=64)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report-kk-page1.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(str(Path(scratch) / "demo.db"))
        load_demo(store)
        pdf = report(store, ReportRequest("AI2023", "kk", "pdf", date.fromisoformat(args.as_of)))
    drawn = subprocess.run(
        ["pdftoppm", "-r", str(args.dpi), "-f", "1", "-l", "1", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(drawn)).convert("RGB").quantize(args.colors)
    image.save(args.out, optimize=True)
    print(f"{args.out}: {image.width}×{image.height}, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
