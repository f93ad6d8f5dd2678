"""Two-way fixed-effects least squares on a balanced panel, with unit-clustered standard errors.

On a balanced panel the two-way within transform ``x - unit mean - period mean + grand mean`` is the
exact projection off unit and period effects (Frisch-Waugh-Lovell), so the fit is one small solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natije.errors import EstimationError, Text


def within(a: np.ndarray) -> np.ndarray:
    """Two-way demean an (N, T) or (N, T, K) array along its first two axes."""
    return a - a.mean(0, keepdims=True) - a.mean(1, keepdims=True) + a.mean((0, 1), keepdims=True)


@dataclass(frozen=True)
class TwfeFit:
    """Coefficients, cluster-robust covariance and degrees of freedom of a TWFE regression."""

    beta: np.ndarray
    vcov: np.ndarray
    df: int  # clusters - 1, for t intervals
    resid: np.ndarray  # (N, T)


def fit(Y: np.ndarray, X: np.ndarray) -> TwfeFit:
    """Regress ``Y`` (N, T) on regressors ``X`` (N, T, K) with unit and period fixed effects.

    Standard errors are clustered by unit with the usual small-sample factor
    ``G/(G-1) * (NT-1)/(NT-K-T+1)`` (unit effects are nested in the clusters and not counted).

    Raises
    ------
    EstimationError
        Collinear regressors (e.g. an event time that every unit reaches at the same period).
    """
    N, T, K = X.shape
    Xd = within(X).reshape(N * T, K)
    yd = within(Y).reshape(N * T)
    xtx = Xd.T @ Xd
    if np.linalg.matrix_rank(xtx) < K:
        raise EstimationError(Text("error.collinear"))
    bread = np.linalg.inv(xtx)
    beta = bread @ (Xd.T @ yd)
    e = yd - Xd @ beta
    scores = (Xd * e[:, None]).reshape(N, T, K).sum(1)
    dof = N * T - K - (T - 1)
    c = (N / (N - 1)) * ((N * T - 1) / dof) if N > 1 and dof > 0 else np.nan
    vcov = c * bread @ (scores.T @ scores) @ bread
    return TwfeFit(beta=beta, vcov=vcov, df=max(N - 1, 1), resid=e.reshape(N, T))
