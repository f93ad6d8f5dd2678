"""The two nested problems of Abadie–Diamond–Hainmueller synthetic control, as R ``Synth`` poses them.

*Inner*: for predictor weights ``v`` (a diagonal V on the simplex), donor weights ``w`` on the simplex
minimise ``(X1 - X0 w)' V (X1 - X0 w)``. Because ``1'w = 1`` the residual is ``C w`` with
``C = sqrt(V)(X0 - X1 1')``, so ``w`` is the point of the convex hull of C's columns nearest the
origin. That is solved exactly by one non-negative least squares problem: ``u = argmin_{u>=0}
|C u|² + (1'u - 1)²`` gives ``w = u / 1'u`` (for fixed ``s = 1'u`` the first term is ``s²|Cw|²``,
minimised by the same ``w`` for every ``s``).

*Outer*: ``v`` minimises the pre-period outcome MSPE ``|Z1 - Z0 w(v)|² / T``. As R does, the
search starts from equal weights and from the regression-based start, runs a quasi-Newton search
on ``|v| / sum|v|`` from each (with the exact gradient of the loss on the current support of ``w``)
and keeps the best. Each local result is then *polished*: the best
``w`` on the face of the simplex it reached is computed, and a linear program over ``v`` (the KKT
conditions of the inner problem are linear in ``v`` once ``w`` is fixed) checks that some V yields
it. Polishing moves a search that stalled on a plateau to the exact face optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog, minimize, nnls

from natije.evaluation.synthetic.frank_wolfe import Array


def _nnls(E: Array, f: Array) -> Array:
    return nnls(E, f, maxiter=50 * E.shape[1])[0]


def simplex_nearest(C: Array) -> Array:
    """Weights on the simplex minimising ``|C w|`` (exact, via one NNLS solve)."""
    K, J = C.shape
    E = np.empty((K + 1, J))
    E[:K] = C
    E[K] = 1.0
    f = np.zeros(K + 1)
    f[K] = 1.0
    u = _nnls(E, f)
    return u / u.sum()


def inner_weights(v: Array, X1: Array, X0: Array) -> Array:
    """Donor weights for predictor weights ``v`` (inner problem)."""
    return simplex_nearest(np.sqrt(v)[:, None] * (X0 - X1[:, None]))


def normalise_v(v: Array) -> Array:
    """R's parametrisation of V: ``|v| / sum |v|``."""
    a = np.abs(v)
    s = a.sum()
    return a / s if s > 0 else np.full(a.size, 1.0 / a.size)


def mspe(w: Array, Z1: Array, Z0: Array) -> float:
    """Mean squared prediction error of the synthetic unit over the fitting periods."""
    r = Z1 - Z0 @ w
    return float(r @ r / r.size)


def regression_start(X1: Array, X0: Array, Z1: Array, Z0: Array) -> Array | None:
    """R ``Synth``'s second start: squared coefficients of regressing outcomes on predictors."""
    Xall = np.column_stack([np.ones(X0.shape[1] + 1), np.column_stack([X1, X0]).T])
    Zall = np.column_stack([Z1, Z0])
    try:
        beta = np.linalg.solve(Xall.T @ Xall, Xall.T @ Zall.T)[1:]
    except np.linalg.LinAlgError:
        return None
    d = np.einsum("kt,kt->k", beta, beta)
    return d / d.sum() if np.isfinite(d).all() and d.sum() > 0 else None


def achieving_v(w: Array, X1: Array, X0: Array, tol: float = 1e-9) -> Array | None:
    """A predictor weighting under which ``w`` solves the inner problem, or None if none exists.

    The inner KKT conditions, ``g_j = mu`` on the support and ``g_j >= mu`` off it with
    ``g = -2 X0' V (X1 - X0 w)``, are linear in ``v``; the LP maximises the margin off the support.
    """
    K = X0.shape[0]
    r = X1 - X0 @ w
    G = -2.0 * (X0 * r[:, None]).T  # (J, K): g = G v
    on = w > tol
    off = ~on
    # variables: v (K), mu, t ; maximise t
    n_on, n_off = int(on.sum()), int(off.sum())
    A_eq = np.zeros((n_on + 1, K + 2))
    A_eq[:n_on, :K] = G[on]
    A_eq[:n_on, K] = -1.0
    A_eq[n_on, :K] = 1.0
    b_eq = np.zeros(n_on + 1)
    b_eq[n_on] = 1.0
    A_ub = np.zeros((n_off, K + 2))
    A_ub[:, :K] = -G[off]
    A_ub[:, K] = 1.0
    A_ub[:, K + 1] = 1.0
    cost = np.zeros(K + 2)
    cost[K + 1] = -1.0
    bounds = [(0, None)] * K + [(None, None), (None, 1.0)]
    res = linprog(
        cost,
        A_ub=A_ub if n_off else None,
        b_ub=np.zeros(n_off) if n_off else None,
        A_eq=A_eq,
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    if res.status != 0 or (n_off and res.x[K + 1] < -tol):
        return None
    v = np.clip(res.x[:K], 0.0, None)
    return v / v.sum()


@dataclass(frozen=True)
class OuterSolution:
    """Result of the outer search."""

    v: Array
    w: Array
    loss: float
    start: str
    evaluations: int


def _polish(
    v: Array, w: Array, X1: Array, X0: Array, Z1: Array, Z0: Array, tol: float
) -> tuple[Array, Array]:
    support = np.flatnonzero(w > tol)
    if support.size < 2:
        return v, w
    wf = np.zeros_like(w)
    wf[support] = simplex_nearest(Z0[:, support] - Z1[:, None])
    if mspe(wf, Z1, Z0) >= mspe(w, Z1, Z0):
        return v, w
    vf = achieving_v(wf, X1, X0)
    if vf is None:
        return v, w
    w_check = inner_weights(vf, X1, X0)
    if mspe(w_check, Z1, Z0) < mspe(w, Z1, Z0):
        return vf, w_check
    return v, w


def solve_outer(
    X1: Array, X0: Array, Z1: Array, Z0: Array, *, extra_starts: int = 0, seed: int = 0, tol: float = 1e-6
) -> OuterSolution:
    """Predictor weights minimising the pre-period MSPE, from R's two starts (plus optional random ones).

    ``X1``/``X0`` must already be scaled (R divides each predictor by its standard deviation).
    ``extra_starts`` adds Dirichlet-random starts: they can find lower losses than R reports.
    """
    K = X0.shape[0]
    count = [0]

    D = X0 - X1[:, None]
    T = Z1.size

    def loss_and_grad(theta: Array) -> tuple[float, Array]:
        # Loss at v = |theta| / sum|theta| and its gradient: on the support S of w the inner KKT
        # system [[D_S' V D_S, 1], [1', 0]] [w_S; -mu] = [0; 1] is differentiated in each v_k.
        count[0] += 1
        a = np.abs(theta)
        s = a.sum()
        v = a / s if s > 0 else np.full(K, 1.0 / K)
        w = simplex_nearest(np.sqrt(v)[:, None] * D)
        res = Z1 - Z0 @ w
        support = np.flatnonzero(w > 1e-12)
        DS, n = D[:, support], support.size
        kkt = np.zeros((n + 1, n + 1))
        kkt[:n, :n] = DS.T @ (v[:, None] * DS)
        kkt[:n, n] = kkt[n, :n] = 1.0
        rhs = np.zeros((n + 1, K))
        rhs[:n] = -DS.T * (DS @ w[support])[None, :]
        try:
            dw = np.linalg.solve(kkt, rhs)[:n]
        except np.linalg.LinAlgError:
            dw = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:n]
        dv = (-2.0 / T) * (Z0[:, support].T @ res) @ dw
        grad = np.sign(theta) / (s if s > 0 else 1.0) * (dv - dv @ v)
        return float(res @ res) / T, grad

    starts: list[tuple[str, Array]] = [("equal", np.full(K, 1.0 / K))]
    sv2 = regression_start(X1, X0, Z1, Z0)
    if sv2 is not None:
        starts.append(("regression", sv2))
    rng = np.random.default_rng(seed)
    starts += [(f"random{i}", rng.dirichlet(np.ones(K))) for i in range(extra_starts)]
    best: OuterSolution | None = None
    for name, v0 in starts:
        res = minimize(loss_and_grad, v0, jac=True, method="BFGS")
        v = normalise_v(res.x)
        w = inner_weights(v, X1, X0)
        v, w = _polish(v, w, X1, X0, Z1, Z0, tol)
        cand = OuterSolution(v, w, mspe(w, Z1, Z0), name, count[0])
        if best is None or cand.loss < best.loss:
            best = cand
    assert best is not None
    return OuterSolution(best.v, best.w, best.loss, best.start, count[0])
