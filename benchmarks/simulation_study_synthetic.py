"""Simulation study for ``sc`` and ``sdid``: 500 panels with a known effect; 95 % coverage and bias.

    .venv/bin/python benchmarks/simulation_study_synthetic.py [--reps 500] [--seed 2024] [--methods sc,sdid]

Runs ``coverage_study`` of ``tests/evaluation/simulate.py`` (the same study as
``benchmarks/simulation_study.py`` and the ``slow`` tests) on ``dgp_factor`` of
``tests/evaluation/simulate_synthetic.py``: 30 units × 30 periods, 20 before the intervention, two AR(1)
factors, one random treated unit with effect exactly 5. Inference is each method's default (sdid: 200 placebo
replications, interval ± 1.96 se; sc: in-space placebos, permutation interval). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "evaluation"))

from simulate import coverage_study


def main() -> None:
    """Run the study for each method and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--methods", default="sc,sdid")
    args = parser.parse_args()
    print(
        "| method | panels | true effect | mean estimate | bias | 95% coverage "
        "| mean se | sd of estimates | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for m in args.methods.split(","):
        s = coverage_study(m, reps=args.reps, seed=args.seed)
        print(
            f"| {m} | {s.reps} | {s.truth:g} | {s.mean_estimate:.3f} | {s.bias_pct:+.2f}% | "
            f"{100 * s.coverage:.1f}% | {s.mean_se:.3f} | {s.sd_estimate:.3f} | {s.seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
