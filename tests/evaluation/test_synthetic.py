"""Synthetic control core: exact inner weights, V search, placebos, leave-one-out, input errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from natije.errors import EstimationError, InsufficientData
from natije.evaluation.executors import ProcessExecutor
from natije.evaluation.synthetic.synth import Predictor, build_problem, fit_synth
from natije.evaluation.synthetic.synth_inference import in_space_placebos, leave_one_out
from natije.evaluation.synthetic.synth_solver import achieving_v, inner_weights


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100_000), st.integers(2, 12), st.integers(1, 8))
def test_inner_weights_are_on_the_simplex_and_optimal(seed: int, J: int, K: int) -> None:
    rng = np.random.default_rng(seed)
    X0, X1 = rng.normal(size=(K, J)), rng.normal(size=K)
    v = rng.dirichlet(np.ones(K))
    w = inner_weights(v, X1, X0)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)

    def loss(x: np.ndarray) -> float:
        r = X1 - X0 @ x
        return float(r @ (v * r))

    ref = minimize(
        loss,
        np.full(J, 1 / J),
        method="SLSQP",
        bounds=[(0, 1)] * J,
        constraints={"type": "eq", "fun": lambda x: x.sum() - 1},
        options={"ftol": 1e-15, "maxiter": 500},
    )
    assert loss(w) <= ref.fun + 1e-9


def test_achieving_v_reproduces_the_weights() -> None:
    rng = np.random.default_rng(1)
    X0, X1 = rng.normal(size=(5, 8)), rng.normal(size=5)
    w = inner_weights(rng.dirichlet(np.ones(5)), X1, X0)
    v = achieving_v(w, X1, X0)
    assert v is not None
    assert np.allclose(inner_weights(v, X1, X0), w, atol=1e-6)


def _panel(seed: int = 0, J: int = 8, T0: int = 12, T1: int = 5, effect: float = 3.0):
    rng = np.random.default_rng(seed)
    f = np.cumsum(rng.normal(0, 1, size=(2, T0 + T1)), axis=1)
    donors = rng.normal(0, 1, size=(J, 2)) @ f + rng.normal(0, 0.2, size=(J, T0 + T1))
    treated = 0.6 * donors[0] + 0.4 * donors[1] + rng.normal(0, 0.05, size=T0 + T1)
    treated[T0:] += effect
    Y = np.vstack([donors, treated])
    units = [f"d{j}" for j in range(J)] + ["T"]
    return Y, units, list(range(T0 + T1)), T0


def _problem(seed: int = 0, **kw):
    Y, units, times, T0 = _panel(seed, **kw)
    return build_problem(Y, {}, units, times, outcome="y", treated="T", donors=units[:-1], T0=T0)


def test_recovers_a_convex_combination_and_the_effect() -> None:
    fit = fit_synth(_problem())
    assert fit.w.sum() == pytest.approx(1.0)
    assert fit.weights_by_donor()["d0"] + fit.weights_by_donor()["d1"] > 0.8
    assert fit.estimate == pytest.approx(3.0, abs=0.3)
    assert fit.pre_rmspe < 0.2


def test_custom_v_is_used_as_given() -> None:
    p = _problem()
    v = np.zeros(len(p.predictors))
    v[0] = 1.0
    fit = fit_synth(p, v=v)
    assert fit.start == "custom" and fit.v.tolist() == v.tolist()


def test_placebos_give_a_permutation_p_value_and_run_on_processes() -> None:
    fit = fit_synth(_problem(2, effect=6.0))
    serial = in_space_placebos(fit)
    procs = in_space_placebos(fit, mapper=ProcessExecutor(2).map)
    assert np.array_equal(serial.gaps, procs.gaps)
    assert serial.p_value == pytest.approx(1 / 9)  # the treated ratio is the largest of nine
    assert 0 < serial.p_value <= 1


def test_leave_one_out_refits_without_each_weighted_donor() -> None:
    fit = fit_synth(_problem(3))
    loo = leave_one_out(fit)
    assert set(loo.dropped) == {d for d, w in fit.weights_by_donor().items() if w > 1e-3}
    assert loo.estimates.shape == (len(loo.dropped),)


def test_predictor_windows_and_missing_values() -> None:
    Y, units, times, T0 = _panel(4)
    x = np.tile(np.arange(len(times), dtype=float), (len(units), 1))
    x[:, 0] = np.nan  # skipped, as mean(na.rm = TRUE)
    p = build_problem(
        Y,
        {"x": x},
        units,
        times,
        outcome="y",
        treated="T",
        donors=units[:-1],
        T0=T0,
        predictors=[Predictor("x", (0, 1, 2)), Predictor("y", (5,))],
    )
    assert p.X1.tolist() == [1.5, Y[-1, 5]]
    with pytest.raises(EstimationError):
        build_problem(
            Y,
            {},
            units,
            times,
            outcome="y",
            treated="T",
            donors=units[:-1],
            T0=T0,
            predictors=[Predictor("nope")],
        )
    with pytest.raises(InsufficientData):
        build_problem(Y, {}, units, times, outcome="y", treated="T", donors=units[:1], T0=T0)


def test_outcome_only_design_reaches_the_lower_bound() -> None:
    from natije.evaluation.synthetic.synth import scaled_predictors
    from natije.evaluation.synthetic.synth_solver import solve_outer

    p = _problem(5)
    fit = fit_synth(p)
    assert fit.start.startswith("outcome-only")
    X1, X0 = scaled_predictors(p)
    searched = solve_outer(X1, X0, p.Z1, p.Z0, extra_starts=3)
    assert fit.loss_v <= searched.loss + 1e-12


def test_permutation_interval_width_and_level() -> None:
    from natije.evaluation.synthetic.synth_inference import PlaceboResult

    def result(effects: np.ndarray) -> PlaceboResult:
        gaps = np.column_stack([np.zeros(effects.size), effects])
        return PlaceboResult(tuple(range(effects.size)), gaps, np.ones(effects.size), 1.0, 0.5, T0=1)

    # 29 placebos with |effect| 1..29: position 0.95 * 30 = 28.5 lies halfway between 28 and 29
    lo, hi, level = result(-np.arange(1.0, 30.0)).interval(10.0, 0.05)
    assert (lo, hi) == pytest.approx((10.0 - 28.5, 10.0 + 28.5)) and level == 0.95
    # 16 placebos: too few for 95 %, the largest |effect| attains 16/17
    lo, hi, level = result(np.arange(1.0, 17.0)).interval(0.0, 0.05)
    assert (lo, hi) == (-16.0, 16.0) and level == pytest.approx(16 / 17)
