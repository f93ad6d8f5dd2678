"""Batched Frank–Wolfe solver for the simplex-constrained ridge problems of synthetic DiD.

Each problem is ``min_x  zeta² |x|² + |A x - b|² / m`` over the unit simplex, solved by the
same Frank–Wolfe iteration, exact line search and stopping rule as R ``synthdid``'s
``sc.weight.fw`` (stop once the objective falls by less than ``min_decrease²`` between two
steps, or after ``max_iter`` steps). Many problems of one shape are solved together: every
step is a handful of batched array operations, and problems drop out of the batch as soon as
they meet the stopping rule, so a batch of 200 placebo problems costs little more than one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def sparsify(weights: Array) -> Array:
    """Zero every weight at most a quarter of its row's largest, then renormalise each row.

    Examples
    --------
    >>> sparsify(np.array([[0.5, 0.1, 0.4]]))
    array([[0.55555556, 0.        , 0.44444444]])
    """
    w = np.where(weights <= weights.max(axis=-1, keepdims=True) / 4, 0.0, weights)
    return w / w.sum(axis=-1, keepdims=True)


def frank_wolfe(
    A: Array, b: Array, x0: Array, zeta: Array | float, min_decrease: float, max_iter: int
) -> Array:
    """Solve a batch of simplex-constrained ridge regressions by Frank–Wolfe.

    Parameters
    ----------
    A : array (B, m, n)
        Design matrices, one per problem.
    b : array (B, m)
        Targets.
    x0 : array (B, n)
        Starting points on the simplex.
    zeta : float or array (B,)
        Ridge parameter; the penalty on ``|x|²`` is ``m * zeta²`` in the line search.
    min_decrease : float
        A problem stops once its objective falls by no more than ``min_decrease²``.
    max_iter : int
        Most steps per problem.

    Returns
    -------
    array (B, n)
        The weights, one row per problem.
    """
    nb, m, _ = A.shape
    zeta2 = np.broadcast_to(np.asarray(zeta, dtype=float) ** 2, (nb,)).copy()
    out = np.array(x0, dtype=float, copy=True)
    idx = np.arange(nb)
    a, bb, x = A, b, out.copy()
    at = np.ascontiguousarray(a.transpose(0, 2, 1))
    ax = np.einsum("kmn,kn->km", a, x)
    eta = m * zeta2
    prev = np.full(nb, np.inf)
    threshold = min_decrease**2
    t = 0
    while t < max_iter and idx.size:
        t += 1
        k = idx.size
        rows = np.arange(k)
        r = ax - bb
        grad = np.matmul(at, r[:, :, None])[:, :, 0] + eta[:, None] * x
        i = grad.argmin(axis=1)
        xi = x[rows, i]
        dx = -x
        dx[rows, i] = 1.0 - xi
        derr = at[rows, i, :] - ax
        num = -np.einsum("km,km->k", r, derr)
        den = np.einsum("km,km->k", derr, derr) + eta * np.einsum("kn,kn->k", dx, dx)
        at_vertex = den == 0.0
        step = np.clip(num / np.where(at_vertex, 1.0, den), 0.0, 1.0)
        step[at_vertex] = 0.0
        x = x + step[:, None] * dx
        ax = ax + step[:, None] * derr
        err = ax - bb
        val = zeta2 * np.einsum("kn,kn->k", x, x) + np.einsum("km,km->k", err, err) / m
        stop = ~(prev - val > threshold) if t >= 2 else np.zeros(k, dtype=bool)
        prev = val
        if stop.any():
            out[idx[stop]] = x[stop]
            keep = ~stop
            idx, a, at, bb, x, ax = idx[keep], a[keep], at[keep], bb[keep], x[keep], ax[keep]
            eta, zeta2, prev = eta[keep], zeta2[keep], prev[keep]
    out[idx] = x
    return out


def simplex_weights(
    Y: Array,
    zeta: Array | float,
    intercept: bool,
    x0: Array | None,
    min_decrease: float,
    max_iter: int,
) -> Array:
    """Weights over the first ``n`` columns of ``Y`` (B, m, n+1) that fit its last column.

    The batched counterpart of R ``sc.weight.fw``: with ``intercept`` every column is centred
    over the rows first, so the fit allows a constant shift.
    """
    if intercept:
        Y = Y - Y.mean(axis=1, keepdims=True)
    nb, _, n1 = Y.shape
    n = n1 - 1
    if x0 is None:
        x0 = np.full((nb, n), 1.0 / n)
    return frank_wolfe(Y[:, :, :n], Y[:, :, n], x0, zeta, min_decrease, max_iter)
