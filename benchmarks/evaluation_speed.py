"""Speed of the evaluation engine against peer packages, side by side in one run, with ratios.

    .venv/bin/python benchmarks/evaluation_speed.py [--only cs] [--repeats 5] [--skip-large]

Plugin-like: every benchmark is a function ``fn(args) -> list[Row]`` in :data:`BENCHMARKS`; the synthetic
methods' benchmarks live in ``evaluation_speed_synthetic.py`` (its own ``BENCHMARKS`` list is appended).
Peers run in their own virtual environments under ``benchmarks/.peers/<name>`` as subprocesses and time
themselves inside their process (imports and file reading are outside every clock, ours included).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / ".peers"
OUT = HERE / "out"
DATA = ROOT / "tests" / "data" / "evaluation"
sys.path.insert(0, str(HERE))


@dataclass(frozen=True)
class Row:
    """One timed run: ``seconds`` is the best of the repeats."""

    section: str
    case: str
    tool: str
    seconds: float
    note: str = ""


BENCHMARKS: list[Callable[[argparse.Namespace], list[Row]]] = []


def benchmark(fn: Callable[[argparse.Namespace], list[Row]]) -> Callable[[argparse.Namespace], list[Row]]:
    """Register a benchmark function."""
    BENCHMARKS.append(fn)
    return fn


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Best wall time of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run_peer(venv: str, script: str, *args: str, timeout: float = 3600) -> dict[str, object]:
    """Run ``peers/<script>`` with the peer's own interpreter; return the JSON it prints last."""
    python = PEERS / venv / "bin" / "python"
    if not python.exists():
        return {"error": f"peer venv {venv} missing (see BENCHMARKS.md for the set-up)"}
    proc = subprocess.run(
        [str(python), str(HERE / "peers" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def mpdta_x100() -> Path:
    """mpdta's 500 counties replicated 100 times with new ids and N(0, 0.05) outcome noise (50,000 units)."""
    path = OUT / "mpdta_x100.csv"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    base = pl.read_csv(DATA / "mpdta.csv")
    rng = np.random.default_rng(2021)
    reps = [base.with_columns(countyreal=pl.col("countyreal") + 100_000 * k) for k in range(100)]
    big = pl.concat(reps)
    big = big.with_columns(lemp=pl.col("lemp") + rng.normal(0, 0.05, big.height))
    big.write_csv(path)
    return path


@benchmark
def callaway_santanna(args: argparse.Namespace) -> list[Row]:
    """CS doubly robust, never-treated controls, simple aggregation, 1,000 multiplier-bootstrap draws."""
    import natije

    rows = []
    cases = [("mpdta (500 units)", DATA / "mpdta.csv", args.repeats)]
    if not args.skip_large:
        cases.append(("mpdta x100 (50,000 units)", mpdta_x100(), max(1, args.repeats // 3)))
    for case, path, reps in cases:
        df = pl.read_csv(path)

        def ours(df: pl.DataFrame = df) -> object:
            return natije.evaluate(
                df,
                unit="countyreal",
                time="year",
                outcome="lemp",
                method="cs",
                cohort="first.treat",
                estimation="dr",
                inference="bootstrap",
                n_boot=1000,
            )

        est = ours().estimate  # type: ignore[attr-defined]
        rows.append(Row("cs", case, "natije", best_of(ours, reps), f"att={est:.7f}"))
        for venv, script in (("csdid", "cs_csdid.py"), ("differences", "cs_differences.py")):
            res = run_peer(venv, script, str(path), str(reps))
            if "error" in res:
                rows.append(Row("cs", case, f"{venv}", float("nan"), f"failed: {res['error']}"))
            else:
                rows.append(Row("cs", case, venv, float(res["seconds"]), f"att={res.get('att')}"))  # type: ignore[arg-type]
    return rows


def _load_plugins() -> None:
    try:
        mod = importlib.import_module("evaluation_speed_synthetic")
    except ModuleNotFoundError as exc:
        if exc.name != "evaluation_speed_synthetic":
            raise
        return
    BENCHMARKS.extend(getattr(mod, "BENCHMARKS", []))


def report(rows: list[Row]) -> str:
    """Markdown table: each peer's time and its ratio to natije on the same case."""
    ours = {(r.section, r.case): r.seconds for r in rows if r.tool == "natije"}
    lines = ["| section | case | tool | seconds | peer / natije | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        base = ours.get((r.section, r.case))
        ratio = "" if r.tool == "natije" or not base else f"{r.seconds / base:.1f}x"
        lines.append(f"| {r.section} | {r.case} | {r.tool} | {r.seconds:.4f} | {ratio} | {r.note} |")
    return "\n".join(lines)


def main() -> None:
    """Run the selected benchmarks and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run benchmarks whose function name contains this text")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-large", action="store_true", help="skip the 100x panels")
    args = parser.parse_args()
    _load_plugins()
    rows: list[Row] = []
    for fn in BENCHMARKS:
        if args.only and args.only not in fn.__name__:
            continue
        rows.extend(fn(args))
    print(report(rows))


if __name__ == "__main__":
    main()
