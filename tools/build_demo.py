#!/usr/bin/env python3
"""Rebuild the Kazakhstan demo dataset shipped in ``src/natije/demo/data`` from ``../shared/data/kz``.

Usage::

    .venv/bin/python tools/build_demo.py [SHARED_KZ_DIR] [--out DIR]

The output is deterministic: running it twice, or on another machine, gives byte-identical files
(``tests/demo/test_build_reproducible.py`` checks this when the shared folder is present).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_build import build


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build, print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "shared",
        nargs="?",
        type=Path,
        default=REPO.parent / "shared" / "data" / "kz",
        help="folder with the Kazakhstan research data (default: ../shared/data/kz)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "src" / "natije" / "demo" / "data",
        help="output folder (default: src/natije/demo/data)",
    )
    args = parser.parse_args(argv)
    if not (args.shared / "SOURCES.txt").is_file():
        parser.error(f"{args.shared} does not look like shared/data/kz (no SOURCES.txt)")
    files = build(args.shared.resolve(), args.out.resolve())
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files, {size / 1e6:.2f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
