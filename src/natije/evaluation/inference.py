"""Shared inference: normal intervals, Wald tests and the seeded multiplier bootstrap.

The bootstrap perturbs influence functions with Rademacher or Mammen weights, chunk by chunk through
an executor; each chunk is seeded from ``SeedSequence(seed)`` so the draws never depend on where they run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from natije.evaluation.executors import Executor, run_draws

_SQ5 = np.sqrt(5.0)
_MAMMEN_LOW, _MAMMEN_HIGH = (1 - _SQ5) / 2, (1 + _SQ5) / 2
_MAMMEN_P = (_SQ5 + 1) / (2 * _SQ5)


def normal_ci(
    est: np.ndarray | float, se: np.ndarray | float, alpha: float, crit: float | None = None
) -> tuple[Any, Any]:
    """``est -/+ z * se`` with ``z`` the normal quantile (or a given critical value)."""
    z = stats.norm.ppf(1 - alpha / 2) if crit is None else crit
    return np.asarray(est) - z * np.asarray(se), np.asarray(est) + z * np.asarray(se)


def p_value(est: float, se: float) -> float:
    """Two-sided normal p-value of a zero effect (NaN when the se is not positive)."""
    if not np.isfinite(se) or se <= 0:
        return float("nan")
    return float(2 * stats.norm.sf(abs(est / se)))


def wald(est: np.ndarray, vcov: np.ndarray) -> dict[str, float]:
    """Joint Wald test that every element of ``est`` is zero (pseudo-inverse for singular ``vcov``)."""
    k = est.size
    if k == 0:
        return {"statistic": float("nan"), "df": 0, "p_value": float("nan")}
    w = float(est @ np.linalg.pinv(vcov) @ est)
    return {"statistic": w, "df": int(k), "p_value": float(stats.chi2.sf(w, k))}


def _multiplier_chunk(task: tuple[Any, np.random.SeedSequence, int]) -> np.ndarray:
    """One chunk of multiplier draws: ``(size, K)`` means of weighted influence functions."""
    (inf32, kind), ss, size = task
    rng = np.random.default_rng(ss)
    n = inf32.shape[0]
    if kind == "mammen":
        v = np.where(rng.random((size, n), dtype=np.float32) < _MAMMEN_P, _MAMMEN_LOW, _MAMMEN_HIGH)
        return (v.astype(np.float32) @ inf32).astype(np.float64) / n
    bits = np.unpackbits(rng.integers(0, 256, (size, (n + 7) // 8), dtype=np.uint8), axis=1, count=n)
    # Rademacher v = 2b - 1, so v @ inf = 2 (b @ inf) - colsum(inf)
    s = (bits.astype(np.float32) @ inf32).astype(np.float64)
    return (2 * s - inf32.sum(0, dtype=np.float64)) / n


def multiplier_bootstrap(
    inf: np.ndarray, executor: Executor, seed: int, n_boot: int, alpha: float, weights: str = "rademacher"
) -> dict[str, np.ndarray | float]:
    """Bootstrap standard errors and a uniform (sup-t) critical value from influence functions.

    Parameters
    ----------
    inf : ndarray (n, K)
        Influence functions of K estimates (unit-level, scaled so ``sqrt(mean(inf**2)/n)`` is the se).
    weights : {'rademacher', 'mammen'}

    Returns
    -------
    dict with ``se`` (K,), ``crit`` (uniform critical value at ``1 - alpha``) and ``draws`` (n_boot, K).
    """
    draws = run_draws(executor, _multiplier_chunk, (inf.astype(np.float32), weights), seed, n_boot)
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    sigma = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    sigma = np.where(sigma > 0, sigma, np.nan)
    tmax = np.nanmax(np.abs(draws) / sigma, axis=1)
    crit = float(np.quantile(tmax, 1 - alpha)) if np.isfinite(tmax).any() else float("nan")
    return {"se": sigma, "crit": crit, "draws": draws}


def check_inference(design: Any, allowed: tuple[str, ...]) -> str:
    """Return the inference to use (``design.inference`` or the method's default, ``allowed[0]``).

    Raises
    ------
    EstimationError
        The method does not offer the inference asked for.
    """
    from natije.errors import EstimationError, Text

    if design.inference is None:
        return allowed[0]
    if design.inference not in allowed:
        raise EstimationError(
            Text(
                "error.inference_unsupported",
                method=design.method,
                allowed=", ".join(allowed),
                inference=design.inference,
            ),
            method=design.method,
        )
    return str(design.inference)
