"""Coverage and bias of the evaluation methods on simulated panels with known effects.

    .venv/bin/python benchmarks/simulation_study.py [--reps 500] [--methods did,event-study,cs,its]

Prints a markdown table (goal: 95 % interval coverage within 93-97 %, bias below 5 % of the effect).
The data-generating processes are in ``tests/evaluation/simulate.py`` (shared with the ``slow`` tests);
other methods add theirs to ``SETUPS`` there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "evaluation"))

from simulate import SETUPS, coverage_study


def main() -> None:
    """Run the study for each method and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--methods", default=",".join(SETUPS))
    args = parser.parse_args()
    print(
        "| method | panels | true effect | mean estimate | bias % | 95% CI coverage "
        "| mean se | sd of estimates | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for m in args.methods.split(","):
        s = coverage_study(m, args.reps, args.seed)
        print(
            f"| {m} | {s.reps} | {s.truth:.4f} | {s.mean_estimate:.4f} | {s.bias_pct:+.2f} "
            f"| {100 * s.coverage:.1f} % "
            f"| {s.mean_se:.4f} | {s.sd_estimate:.4f} | {s.seconds:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
