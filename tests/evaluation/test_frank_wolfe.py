"""Batched Frank-Wolfe: simplex weights, agreement with a direct QP, batch = one-by-one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from natije.evaluation.synthetic.frank_wolfe import frank_wolfe, simplex_weights, sparsify


def _problem(seed: int, m: int = 12, n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=m)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-3, 10.0))
def test_weights_lie_on_the_simplex(seed: int, zeta: float) -> None:
    A, b = _problem(seed)
    x = frank_wolfe(A[None], b[None], np.full((1, 6), 1 / 6), zeta, 0.0, 500)[0]
    assert np.all(x >= 0)
    assert x.sum() == np.float64(1.0) or abs(x.sum() - 1) < 1e-12


def test_converges_to_the_ridge_simplex_optimum() -> None:
    A, b = _problem(3)
    zeta, m = 0.5, A.shape[0]

    def obj(x: np.ndarray) -> float:
        return zeta**2 * x @ x + np.sum((A @ x - b) ** 2) / m

    # Frank-Wolfe converges sublinearly when the optimum lies on a face: check the gap shrinks
    coarse = frank_wolfe(A[None], b[None], np.full((1, 6), 1 / 6), zeta, 0.0, 1_000)[0]
    x = frank_wolfe(A[None], b[None], np.full((1, 6), 1 / 6), zeta, 0.0, 100_000)[0]
    ref = minimize(
        obj,
        np.full(6, 1 / 6),
        method="SLSQP",
        bounds=[(0, 1)] * 6,
        constraints={"type": "eq", "fun": lambda x: x.sum() - 1},
        options={"ftol": 1e-14},
    )
    assert obj(x) - ref.fun < 0.1 * (obj(coarse) - ref.fun)
    assert obj(x) <= ref.fun + 2e-5


def test_batch_equals_one_problem_at_a_time() -> None:
    probs = [_problem(s) for s in range(5)]
    A = np.stack([p[0] for p in probs])
    b = np.stack([p[1] for p in probs])
    x0 = np.full((5, 6), 1 / 6)
    batch = frank_wolfe(A, b, x0, 0.1, 1e-4, 10_000)
    single = np.vstack(
        [frank_wolfe(A[i : i + 1], b[i : i + 1], x0[i : i + 1], 0.1, 1e-4, 10_000) for i in range(5)]
    )
    assert np.allclose(batch, single, atol=1e-12)


def test_intercept_ignores_a_constant_shift() -> None:
    A, b = _problem(7)
    Y = np.column_stack([A, b])[None]
    base = simplex_weights(Y, 0.1, True, None, 0.0, 2000)
    shifted = simplex_weights(Y + np.array([5.0] * 6 + [5.0]), 0.1, True, None, 0.0, 2000)
    assert np.allclose(base, shifted, atol=1e-10)


def test_sparsify_drops_small_weights_and_renormalises() -> None:
    out = sparsify(np.array([[0.6, 0.1, 0.3]]))
    assert np.allclose(out, [[2 / 3, 0.0, 1 / 3]], rtol=0, atol=1e-15)


def test_slicing_a_large_batch_gives_the_same_weights(monkeypatch) -> None:
    import natije.evaluation.synthetic.frank_wolfe as fw

    rng = np.random.default_rng(11)
    Y = rng.normal(size=(7, 10, 9))
    whole = fw.simplex_weights(Y, 0.2, True, None, 1e-4, 3000)
    monkeypatch.setattr(fw, "GRAM_BUDGET", 2 * 8 * 8)  # two problems per slice
    sliced = fw.simplex_weights(Y, 0.2, True, None, 1e-4, 3000)
    assert np.allclose(whole, sliced, atol=1e-12)
