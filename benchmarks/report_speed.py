"""How long a program's inquiry report takes, in each format and language, as a person asks for it.

Each report runs as its own process (``natije report PROGRAM --format F --lang L -o FILE``), so the time
includes starting Python and importing what the format needs, as on the command line; the child's own CPU time
is printed beside the wall time (``os.wait4``), as a check on a loaded machine. Beside it, the same report's
HTML is laid out by WeasyPrint alone in one warm process — the floor a PDF from this HTML can reach — so the
share of the PDF's time that natije itself adds is visible.

Goal: every demo program's report, PDF included, in under 10 s (the slowest median of all runs).

Run: .venv/bin/python benchmarks/report_speed.py [--db demo.db] [--repeats 3]
(the demo store is built with ``natije --db FILE demo --no-serve`` unless ``--db`` names one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

NATIJE = Path(sys.executable).with_name("natije")
PROGRAMS = ("IK2020", "DK2018", "TB2021", "AI2023")
DAY = "2026-12-07"


def timed(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process running ``args`` (which must succeed)."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return wall, usage.ru_utime + usage.ru_stime


def weasyprint_alone(db: str, repeats: int) -> float:
    """Median seconds WeasyPrint takes to lay out AI2023's Kazakh HTML (warm process, fonts loaded)."""
    from natije.reports.pdf import pdf_bytes
    from natije.reports.render import html_text
    from natije.services.reporting import ReportRequest, assemble
    from natije.services.stores import open_store

    html = html_text(
        assemble(open_store(db), ReportRequest("AI2023", "kk", "pdf", date.fromisoformat(DAY))), printed=True
    )
    pdf_bytes(html)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        pdf_bytes(html)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a demo store (built when not given)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or str(Path(scratch) / "demo.db")
        if not args.db:
            subprocess.run([str(NATIJE), "--db", db, "demo", "--no-serve"], check=True, capture_output=True)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(Path(__file__).parents[1] / "src")], check=True
        )
        print(
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f};",
            f"median of {args.repeats} runs (wall / CPU s)",
        )
        slowest = 0.0
        for program in PROGRAMS:
            for fmt in ("html", "md", "pdf"):
                cells = []
                for lang in ("kk", "ru", "en"):
                    out = str(Path(scratch) / f"{program}.{lang}.{fmt}")
                    runs = [
                        timed(
                            [
                                str(NATIJE),
                                "--db",
                                db,
                                "report",
                                program,
                                "--lang",
                                lang,
                                "--format",
                                fmt,
                                "--as-of",
                                DAY,
                                "-o",
                                out,
                            ]
                        )
                        for _ in range(args.repeats)
                    ]
                    wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
                    slowest = max(slowest, wall)
                    cells.append(f"{lang} {wall:5.2f} / {cpu:5.2f}")
                print(f"{program:7} {fmt:4}  " + "   ".join(cells))
        floor = weasyprint_alone(db, args.repeats)
        print(f"WeasyPrint alone on AI2023's Kazakh HTML (warm): {floor:.2f} s")
        print(f"slowest report: {slowest:.2f} s (goal < 10 s): {'met' if slowest < 10 else 'MISSED'}")
        print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
