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
GRAM_BUDGET = 8_000_000
"""Numbers (64 MB) the Gram matrices of one batch may hold; larger batches are solved in slices."""


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
    nb, m, n = A.shape
    zeta2 = np.broadcast_to(np.asarray(zeta, dtype=float) ** 2, (nb,)).copy()
    eta = m * zeta2
    out = np.array(x0, dtype=float, copy=True)
    # Gram form. With H = A'A + eta I and c = A'b, the half-gradient is h = H x - c, the objective
    # times m is x'h - x'c + b'b, and the curvature along e_i - x is H_ii - 2 (Hx)_i + x'Hx. A step
    # therefore needs only O(n) work per problem: h moves to (1 - s) h + s (H_i - c).
    H = np.matmul(A.transpose(0, 2, 1), A)
    H[:, np.arange(n), np.arange(n)] += eta[:, None]
    c = np.einsum("kmn,km->kn", A, b)
    bb = np.einsum("km,km->k", b, b)
    K = H - c[:, None, :]
    D = np.einsum("knn->kn", H) - 2.0 * c
    x = out.copy()
    h = np.einsum("kij,kj->ki", H, x) - c
    idx = np.arange(nb)
    prev = np.full(nb, np.inf)
    threshold = min_decrease**2
    p = np.vecdot(x, h)
    q = np.vecdot(x, c)
    t = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while t < max_iter and idx.size:
            t += 1
            k = idx.size
            i = h.argmin(axis=1)
            flat = np.arange(0, k * n, n) + i
            hi = h.ravel()[flat]
            # at a vertex slope and curvature are both 0: fmax turns the NaN step into 0, as R does
            step = np.fmin(np.fmax((p - hi) / (D.ravel()[flat] - 2.0 * hi + p + q), 0.0), 1.0)
            keep_frac = (1.0 - step)[:, None]
            x *= keep_frac
            x.ravel()[flat] += step
            h *= keep_frac
            h += step[:, None] * K.reshape(k * n, n)[flat]
            p = np.vecdot(x, h)
            q = np.vecdot(x, c)
            val = (p - q + bb) / m
            if t >= 2:
                stop = ~(prev - val > threshold)
                if stop.any():
                    out[idx[stop]] = x[stop]
                    keep = ~stop
                    idx, K, D, c, bb, x, h = idx[keep], K[keep], D[keep], c[keep], bb[keep], x[keep], h[keep]
                    p, q, val = p[keep], q[keep], val[keep]
            prev = val
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
    # the Gram form holds n × n per problem: solve in slices of at most ~GRAM_BUDGET numbers
    step = max(1, GRAM_BUDGET // (n * n))
    if step >= nb:
        return frank_wolfe(Y[:, :, :n], Y[:, :, n], x0, zeta, min_decrease, max_iter)
    z = np.broadcast_to(np.asarray(zeta, dtype=float), (nb,))
    parts = [
        frank_wolfe(
            Y[i : i + step, :, :n],
            Y[i : i + step, :, n],
            x0[i : i + step],
            z[i : i + step],
            min_decrease,
            max_iter,
        )
        for i in range(0, nb, step)
    ]
    return np.concatenate(parts)
