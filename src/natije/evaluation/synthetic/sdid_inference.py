"""Standard errors for synthetic DiD, SC and DiD fits, as R ``synthdid``'s ``vcov`` computes them.

* ``placebo`` — controls are permuted; the last ``N1`` play the treated units; weights are
  re-estimated from the original weights (R ``placebo_se``).
* ``bootstrap`` — units are resampled with replacement, draws without a control or without a
  treated unit are redrawn; weights re-estimated (R ``bootstrap_se``).
* ``jackknife`` — leave one unit out with the weights held fixed (R ``jackknife_se``).

Replicates run in the fixed chunks of :func:`natije.evaluation.executors.seeded_chunks` through
``mapper`` (anything called like builtin ``map``, e.g. ``executor.map``). Each chunk draws from its
own ``SeedSequence`` child and solves all its problems as one batch, so the same seed gives
identical numbers on every executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from natije.errors import EstimationError, Text
from natije.evaluation.executors import seeded_chunks
from natije.evaluation.synthetic.frank_wolfe import Array
from natije.evaluation.synthetic.sdid import SdidFit, effect_curves, fit_weights

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]
METHODS = ("placebo", "bootstrap", "jackknife")


@dataclass(frozen=True)
class SdidInference:
    """A standard error with the replicate estimates it came from."""

    method: str
    se: float
    replicates: Array
    effect_se: Array = field(default_factory=lambda: np.full(0, np.nan))
    """Standard error of each post-period effect, from the same replicates."""

    def to_dict(self) -> dict[str, Any]:
        """Return the standard error and a summary of the replicates."""
        r = self.replicates[np.isfinite(self.replicates)]
        return {
            "method": self.method,
            "se": self.se,
            "replications": int(r.size),
            "replicate_quantiles": dict(
                zip(("p05", "p50", "p95"), np.quantile(r, [0.05, 0.5, 0.95]).tolist())
            )
            if r.size
            else {},
        }


def sum_normalize(w: Array) -> Array:
    """Rows of ``w`` scaled to sum to one; rows summing to zero become uniform (R ``sum_normalize``)."""
    s = w.sum(axis=-1, keepdims=True)
    return np.where(s != 0, w / np.where(s != 0, s, 1.0), 1.0 / w.shape[-1])


def _refit(fit: SdidFit, Yb: Array, n0: int, omega0: Array) -> Array:
    lam0 = np.broadcast_to(fit.lambda_, (Yb.shape[0], fit.T0))
    omega, lam = fit_weights(Yb, n0, fit.T0, fit.options, sum_normalize(omega0), lam0)
    return effect_curves(Yb, n0, fit.T0, omega, lam)


def placebo_chunk(job: tuple[SdidFit, np.random.SeedSequence, int]) -> Array:
    """Placebo effect curves (n, T1) for one chunk: ``job`` is (fit, seed sequence, number of replicates)."""
    fit, seed, n = job
    rng = np.random.default_rng(seed)
    n1 = fit.Y.shape[0] - fit.N0
    n0 = fit.N0 - n1
    perms = np.stack([rng.permutation(fit.N0) for _ in range(n)])
    return _refit(fit, fit.Y[perms], n0, fit.omega[perms[:, :n0]])


def bootstrap_chunk(job: tuple[SdidFit, np.random.SeedSequence, int]) -> Array:
    """Bootstrap effect curves (n, T1) for one chunk, redrawing samples that lack either group."""
    fit, seed, n = job
    rng = np.random.default_rng(seed)
    N = fit.Y.shape[0]
    draws: list[np.ndarray] = []
    while len(draws) < n:
        ind = np.sort(rng.integers(0, N, N))
        k = int((ind < fit.N0).sum())
        if 0 < k < N:
            draws.append(ind)
    inds = np.stack(draws)
    n0s = (inds < fit.N0).sum(axis=1)
    out = np.empty((n, fit.Y.shape[1] - fit.T0))
    for k in np.unique(n0s):
        sel = np.flatnonzero(n0s == k)
        out[sel] = _refit(fit, fit.Y[inds[sel]], int(k), fit.omega[inds[sel, :k]])
    return out


def jackknife_se(fit: SdidFit) -> SdidInference:
    """Leave-one-unit-out standard error with fixed weights (NaN when it is undefined, as in R)."""
    N = fit.Y.shape[0]
    if fit.N0 == N - 1 or np.count_nonzero(fit.omega) == 1:
        return SdidInference("jackknife", float("nan"), np.full(0, np.nan))
    u = np.empty((N, fit.Y.shape[1] - fit.T0))
    for i in range(N):
        keep = np.delete(np.arange(N), i)
        n0 = fit.N0 - (i < fit.N0)
        omega = sum_normalize(np.delete(fit.omega, i) if i < fit.N0 else fit.omega)
        u[i] = effect_curves(fit.Y[keep][None], n0, fit.T0, omega[None], fit.lambda_[None])[0]
    scale = (N - 1) ** 2 / N
    est = u.mean(axis=1)
    return SdidInference(
        "jackknife", float(np.sqrt(scale * est.var(ddof=1))), est, np.sqrt(scale * u.var(axis=0, ddof=1))
    )


def standard_error(
    fit: SdidFit,
    method: str = "placebo",
    *,
    replications: int = 200,
    seed: int = 0,
    mapper: Mapper = map,
) -> SdidInference:
    """Standard error of a fit by placebo, bootstrap or jackknife (R ``vcov.synthdid_estimate``).

    Examples
    --------
    >>> import numpy as np
    >>> from natije.evaluation.synthetic.sdid import synthdid_estimate
    >>> rng = np.random.default_rng(1)
    >>> Y = np.add.outer(rng.normal(size=8), np.arange(6.0)) + rng.normal(0, 0.2, (8, 6))
    >>> Y[7, 4:] += 5.0                      # the last unit is treated from the fifth period
    >>> fit = synthdid_estimate(Y, N0=7, T0=4)
    >>> inf = standard_error(fit, "placebo", replications=50, seed=1)
    >>> round(fit.estimate, 3), inf.method, round(inf.se, 3)
    (5.021, 'placebo', 0.302)
    """
    if method == "jackknife":
        return jackknife_se(fit)
    if method not in METHODS:
        raise EstimationError(Text("error.unknown_se_method", method=method), expected=list(METHODS))
    if replications < 2:
        raise EstimationError(Text("error.few_replications"), replications=replications)
    n1 = fit.Y.shape[0] - fit.N0
    if method == "placebo" and fit.N0 <= n1:
        raise EstimationError(Text("error.placebo_needs_controls"))
    if method == "bootstrap" and n1 == 1:
        # R returns NA here: every valid draw holds the single treated unit at most a few times.
        return SdidInference("bootstrap", float("nan"), np.full(0, np.nan))
    worker = placebo_chunk if method == "placebo" else bootstrap_chunk
    tasks = [(fit, ss, size) for ss, size in seeded_chunks(seed, replications)]
    parts = list(mapper(worker, tasks))
    curves = np.concatenate(parts)
    reps = curves.mean(axis=1)
    scale = np.sqrt((replications - 1) / replications)
    return SdidInference(method, float(scale * reps.std(ddof=1)), reps, scale * curves.std(axis=0, ddof=1))
