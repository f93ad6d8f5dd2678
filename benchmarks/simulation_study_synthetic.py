"""Simulation study for ``sc`` and ``sdid``: panels with a known effect; 95 % coverage and bias.

    .venv/bin/python benchmarks/simulation_study_synthetic.py [--panels 500] [--seed 7] [--executor processes]

Each panel: 30 units × 30 periods (20 before the intervention), an interactive fixed-effects outcome
``y = a_i + g_t + l_i'f_t + e`` with two AR(1) factors, and one treated unit drawn at random, whose
post-period outcomes rise by exactly 5. Both methods run through ``natije.evaluate`` with their default
inference (sdid: 200 placebo replications, interval = estimate ± 1.96 se; sc: in-space placebos, permutation
interval from the placebo estimates). Panels run as tasks through an executor; seeds come from ``SeedSequence(seed).spawn``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import polars as pl

import natije
from natije.evaluation.executors import make_executor

EFFECT = 5.0
N, T, T0 = 30, 30, 20
METHODS = ("sdid", "sc")


def simulate(seed: np.random.SeedSequence) -> pl.DataFrame:
    """One long panel; the treated unit is ``u00`` after a random relabelling of units."""
    rng = np.random.default_rng(seed)
    f = np.zeros((T, 2))
    for t in range(1, T):
        f[t] = 0.8 * f[t - 1] + rng.normal(size=2)
    Y = (rng.normal(size=(N, 1)) + np.cumsum(rng.normal(0, 0.3, T))[None, :]
         + rng.normal(size=(N, 2)) @ f.T + rng.normal(0, 0.5, size=(N, T)))
    treated = int(rng.integers(N))
    Y[treated, T0:] += EFFECT
    order = [treated] + [i for i in range(N) if i != treated]
    units = np.array([f"u{k:02d}" for k in range(N)])
    return pl.DataFrame({"unit": np.repeat(units, T), "t": np.tile(np.arange(T), N), "y": Y[order].ravel()})


def one_panel(task: tuple[np.random.SeedSequence, tuple[str, ...]]) -> dict[str, tuple[float, float, float, float]]:
    """Estimate, se and interval of each method on one simulated panel."""
    seed, methods = task
    df = simulate(seed)
    out = {}
    for m in methods:
        opts: dict[str, Any] = {"leave_one_out": False} if m == "sc" else {"n_boot": 200}
        r = natije.evaluate(df, unit="unit", time="t", outcome="y", method=m, treated=("u00",), start=T0,
                            seed=int(seed.generate_state(1)[0] % 2**31), **opts)
        out[m] = (r.estimate, r.se, r.ci[0], r.ci[1])
    return out


def main() -> None:
    """Run the study and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--executor", default="serial")
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    methods = tuple(args.methods.split(","))
    tasks = [(s, methods) for s in np.random.SeedSequence(args.seed).spawn(args.panels)]
    t0 = time.perf_counter()
    results = make_executor(args.executor).map(one_panel, tasks)
    seconds = time.perf_counter() - t0
    print(f"{args.panels} panels, {N} units x {T} periods ({T0} pre), true effect {EFFECT}, {seconds:.0f} s")
    print("| method | panels | mean estimate | bias | bias / effect | 95% coverage | mean se | sd of estimates |")
    print("|---|---|---|---|---|---|---|---|")
    for m in methods:
        a = np.array([r[m] for r in results])
        est, se, lo, hi = a.T
        cover = np.mean((lo <= EFFECT) & (EFFECT <= hi))
        bias = est.mean() - EFFECT
        print(f"| {m} | {len(a)} | {est.mean():.3f} | {bias:+.3f} | {100 * bias / EFFECT:+.1f}% | "
              f"{100 * cover:.1f}% | {se.mean():.3f} | {est.std(ddof=1):.3f} |")


if __name__ == "__main__":
    main()
