"""Render the demo scorecards to docs/scorecard.svg (the README's picture).

Usage: ``.venv/bin/python tools/scorecard_svg.py [--lang en] [--programs DK2018,AI2023]``
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from rich.console import Console

from natije.cli.commands_results import print_scorecards
from natije.services import monitoring
from natije.services.demo import load_demo
from natije.store import Store

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    """Load the demo into a scratch store and export the chosen scorecards as SVG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--programs", default="DK2018,AI2023")
    parser.add_argument("--as-of", default="2026-11-29", help="fixed date, so the picture is reproducible")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "scorecard.svg")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "demo.db"))
        load_demo(store)
        wanted = args.programs.split(",")
        cards = [c for c in monitoring.scorecards(store, args.as_of) if c.program in wanted]
        console = Console(record=True, width=110, force_terminal=True)
        print_scorecards(cards, args.lang, console)
        store.close()
    console.save_svg(str(args.out), title="natije demo")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
