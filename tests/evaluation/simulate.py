"""Simulated panels with known effects, and the coverage/bias study of each owned method.

Used by the ``slow`` tests and by ``benchmarks/simulation_study.py`` (the full 500-panel table in
BENCHMARKS.md), which puts this folder on ``sys.path``. Each data-generating process returns a long table and
the true value of the estimand the method reports as its headline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from simulate_synthetic import dgp_factor

from natije.evaluation.api import evaluate

Draw = tuple[dict[str, np.ndarray], float, dict[str, Any]]
Dgp = Callable[..., Draw]


def _long(Y: np.ndarray, first: np.ndarray) -> dict[str, np.ndarray]:
    N, T = Y.shape
    return {
        "u": np.repeat(np.arange(N), T),
        "t": np.tile(np.arange(1, T + 1), N),
        "y": Y.ravel(),
        "g": np.repeat(first, T),
    }


def _errors(rng: np.random.Generator, N: int, T: int, rho: float = 0.5) -> np.ndarray:
    """AR(1) errors within unit (serial correlation that unclustered SEs would miss)."""
    e = rng.normal(size=(N, T))
    for t in range(1, T):
        e[:, t] = rho * e[:, t - 1] + np.sqrt(1 - rho**2) * e[:, t]
    return e


def dgp_block(rng: np.random.Generator, N: int = 60, T: int = 8, T0: int = 5, tau: float = 1.0) -> Draw:
    """Half the units treated from period T0+1 with a constant effect ``tau``; unit and time effects."""
    tr = np.arange(N) < N // 2
    Y = rng.normal(size=(N, 1)) + np.linspace(0, 1, T)[None, :] + 0.5 * tr[:, None] + _errors(rng, N, T)
    Y[np.ix_(tr, np.arange(T0, T))] += tau
    first = np.where(tr, T0 + 1, 0)
    return _long(Y, first), tau, {"treated": tuple(np.flatnonzero(tr).tolist()), "start": T0 + 1}


def dgp_event(rng: np.random.Generator, N: int = 90, T: int = 10) -> Draw:
    """Two adoption cohorts (periods 5 and 7) and never-treated units;
    effect ``1 + 0.25 e`` at event time e."""
    first = np.repeat([5, 7, 0], N // 3)
    Y = rng.normal(size=(N, 1)) + np.linspace(0, 2, T)[None, :] + _errors(rng, N, T)
    e = np.arange(1, T + 1)[None, :] - first[:, None]
    eff = np.where((first[:, None] > 0) & (e >= 0), 1 + 0.25 * e, 0.0)
    Y += eff
    es = np.unique(e[(first[:, None] > 0) & (e >= 0)])
    return _long(Y, first), float(np.mean(1 + 0.25 * es)), {"cohort": "g"}


def dgp_staggered(rng: np.random.Generator, N: int = 400, T: int = 6) -> Draw:
    """Cohorts 3, 4, 5 and never treated; effects differ by cohort and grow with exposure."""
    first = rng.choice([3, 4, 5, 0], size=N, p=[0.2, 0.2, 0.2, 0.4])
    x = rng.normal(size=N)
    Y = rng.normal(size=(N, 1)) + x[:, None] * np.linspace(0, 0.5, T)[None, :] + np.linspace(0, 1, T)[None, :]
    Y = Y + _errors(rng, N, T)
    e = np.arange(1, T + 1)[None, :] - first[:, None]
    post = (first[:, None] > 0) & (e >= 0)
    eff = np.where(post, 0.5 + 0.1 * first[:, None] + 0.3 * e, 0.0)
    Y += eff
    return _long(Y, first), float(eff[post].mean()), {"cohort": "g"}


def dgp_its(rng: np.random.Generator, T: int = 60, T0: int = 40, delta: float = 3.0) -> Draw:
    """One treated series = local level + 0.8 x control series + noise; level shift ``delta`` from T0+1."""
    x = np.cumsum(rng.normal(size=T)) + 10
    level = np.cumsum(rng.normal(scale=0.1, size=T))
    y = 5 + 0.8 * x + level + rng.normal(size=T)
    y[T0:] += delta
    Y = np.vstack([y, x])
    return _long(Y, np.array([T0 + 1, 0])), delta, {"treated": (0,), "start": T0 + 1}


@dataclass(frozen=True)
class Study:
    """Coverage and bias of one method over ``reps`` simulated panels."""

    method: str
    reps: int
    truth: float
    mean_estimate: float
    bias_pct: float
    coverage: float
    mean_se: float
    sd_estimate: float
    seconds: float


SETUPS: dict[str, tuple[Dgp, dict[str, Any]]] = {
    "did": (dgp_block, {}),
    "event-study": (dgp_event, {}),
    "cs": (dgp_staggered, {"inference": "analytic"}),
    "its": (dgp_its, {"n_boot": 500}),
    "sc": (dgp_factor, {"leave_one_out": False}),
    "sdid": (dgp_factor, {"n_boot": 200}),
}


def coverage_study(method: str, reps: int = 500, seed: int = 2024) -> Study:
    """Simulate ``reps`` panels, estimate, and report 95 % CI coverage and relative bias of the headline."""
    import time

    dgp, extra = SETUPS[method]
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(reps)]
    est, cover, ses, truths = [], [], [], []
    t0 = time.perf_counter()
    for i, rng in enumerate(rngs):
        data, truth, design = dgp(rng)
        r = evaluate(data, unit="u", time="t", outcome="y", method=method, seed=i, **design, **extra)
        est.append(r.estimate)
        ses.append(r.se)
        truths.append(truth)
        cover.append(r.ci[0] <= truth <= r.ci[1])
    truth = float(np.mean(truths))
    return Study(
        method,
        reps,
        truth,
        float(np.mean(est)),
        float(100 * (np.mean(est) - truth) / truth),
        float(np.mean(cover)),
        float(np.mean(ses)),
        float(np.std(est)),
        time.perf_counter() - t0,
    )
