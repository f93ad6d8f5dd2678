"""Two-period panel DiD estimators with influence functions, vectorised over many outcome columns.

Sant'Anna & Zhao (2020): doubly robust (``dr``), standardised inverse probability weighting (``ipw``)
and outcome regression (``reg``) estimators of the ATT from first differences ``dy``. Each column of
``dy`` is one (group, period) comparison sharing the same treated/control split and covariates, so
one logit and one least-squares solve serve every column. Influence functions are returned per unit
(on the subsample, i.e. with means over its ``n`` rows), as in the R package ``DRDID``.
"""

from __future__ import annotations

import numpy as np

from natije.errors import EstimationError, Text

TRIM = 0.995
"""Control units with a propensity score above this are dropped (as ``DRDID``'s ``trim.level``)."""


def logit(X: np.ndarray, D: np.ndarray, iters: int = 25, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Fit a logit of ``D`` on ``X`` by Newton steps; return ``(fitted p, n * inverse information)``.

    Raises
    ------
    EstimationError
        When the propensity score cannot be estimated (perfect separation or singular covariates).
    """
    n, k = X.shape
    beta = np.zeros(k)
    share = D.mean()
    if k == 1 and np.allclose(X[:, 0], 1.0):
        p = np.full(n, share)
        return p, np.array([[1.0 / (share * (1 - share))]])
    beta[0] = np.log(share / (1 - share)) if np.allclose(X[:, 0], 1.0) else 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
        W = p * (1 - p)
        H = (X * W[:, None]).T @ X
        try:
            step = np.linalg.solve(H, X.T @ (D - p))
        except np.linalg.LinAlgError as exc:
            raise EstimationError(Text("error.propensity_singular")) from exc
        beta += step
        if np.max(np.abs(step)) < tol:
            break
    p = 1.0 / (1.0 + np.exp(-(X @ beta)))
    H = (X * (p * (1 - p))[:, None]).T @ X
    return p, n * np.linalg.inv(H)


def att_panel(
    dy: np.ndarray, D: np.ndarray, X: np.ndarray, method: str = "dr"
) -> tuple[np.ndarray, np.ndarray]:
    """ATT and its influence function for each column of ``dy``.

    Parameters
    ----------
    dy : ndarray (n, K)
        Outcome change between the base and the current period, one column per comparison.
    D : ndarray (n,)
        1 for units of the treated group, 0 for comparison units.
    X : ndarray (n, p)
        Covariates with an intercept column first.
    method : {'dr', 'ipw', 'reg'}

    Returns
    -------
    att : ndarray (K,)
    inf : ndarray (n, K)
        Influence function per unit and column; ``sqrt(mean(inf**2) / n)`` is the standard error.
    """
    n = D.size
    use_ps = method in ("dr", "ipw")
    use_or = method in ("dr", "reg")
    w_treat = D.astype(float)
    if use_ps:
        ps, hess = logit(X, D)
        ps = np.minimum(ps, 1 - 1e-6)
        keep = np.where(D == 1, 1.0, (ps < TRIM).astype(float))
        w_cont = keep * ps * (1 - D) / (1 - ps)
    else:
        w_cont = w_treat
    resid = dy
    if use_or:
        w_ols = 1.0 - D
        xtx = (X * w_ols[:, None]).T @ X / n
        try:
            xtx_inv = np.linalg.inv(xtx)
        except np.linalg.LinAlgError as exc:
            raise EstimationError(Text("error.outcome_regression_singular")) from exc
        beta = xtx_inv @ ((X * w_ols[:, None]).T @ dy / n)
        fitted = X @ beta
        resid = dy - fitted
    mt, mc = w_treat.mean(), w_cont.mean()
    if mt == 0 or mc == 0:
        raise EstimationError(Text("error.comparison_empty"))
    if method == "reg":
        treat_part = w_treat[:, None] * dy
        cont_part = w_cont[:, None] * fitted
    else:
        treat_part = w_treat[:, None] * resid
        cont_part = w_cont[:, None] * resid
    eta_t = treat_part.mean(0) / mt
    eta_c = cont_part.mean(0) / mc
    att = eta_t - eta_c
    inf_t = treat_part - w_treat[:, None] * eta_t
    inf_c = cont_part - w_cont[:, None] * eta_c
    if use_or:
        ols_part = w_ols[:, None] * (dy - fitted)  # times X @ xtx_inv @ M, per column below
        lever = X @ xtx_inv
        if method == "dr":
            inf_t = inf_t - ols_part * (lever @ (w_treat @ X / n))[:, None]
            inf_c = inf_c - ols_part * (lever @ (w_cont @ X / n))[:, None]
        else:
            inf_c = inf_c + ols_part * (lever @ (w_cont @ X / n))[:, None]
    if use_ps:
        M2 = X.T @ (w_cont[:, None] * (resid - eta_c)) / n
        inf_c = inf_c + (X * (D - ps)[:, None]) @ hess @ M2
    return att, inf_t / mt - inf_c / mc
