"""Synthetic DiD core: special cases, weights, standard errors and executor independence."""

from __future__ import annotations

import numpy as np
import pytest

from natije.errors import EstimationError
from natije.evaluation.executors import ProcessExecutor, SerialExecutor
from natije.evaluation.synthetic.sdid import did_estimate, sc_estimate, synthdid_estimate
from natije.evaluation.synthetic.sdid_inference import standard_error


def _panel(seed: int = 0, N0: int = 20, N1: int = 3, T0: int = 10, T1: int = 4, effect: float = 2.0):
    rng = np.random.default_rng(seed)
    unit = rng.normal(0, 2, size=(N0 + N1, 1))
    time = np.cumsum(rng.normal(0, 1, size=(1, T0 + T1)), axis=1)
    load = rng.normal(1, 0.3, size=(N0 + N1, 1))
    Y = unit + load * time + rng.normal(0, 0.5, size=(N0 + N1, T0 + T1))
    Y[N0:, T0:] += effect
    return Y, N0, T0


def test_weights_are_on_the_simplex() -> None:
    Y, N0, T0 = _panel()
    fit = synthdid_estimate(Y, N0, T0)
    for w in (fit.omega, fit.lambda_):
        assert np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)


def test_huge_regularisation_gives_did() -> None:
    Y, N0, T0 = _panel(1)
    wide = synthdid_estimate(Y, N0, T0, eta_omega=1e6, eta_lambda=1e6)
    assert wide.estimate == pytest.approx(did_estimate(Y, N0, T0).estimate, abs=1e-3)


def test_did_is_the_plain_double_difference() -> None:
    Y, N0, T0 = _panel(2)
    tr, co = Y[N0:], Y[:N0]
    expected = (tr[:, T0:].mean() - tr[:, :T0].mean()) - (co[:, T0:].mean() - co[:, :T0].mean())
    assert did_estimate(Y, N0, T0).estimate == pytest.approx(expected, abs=1e-12)


def test_sc_has_no_time_weights_and_recovers_the_effect() -> None:
    Y, N0, T0 = _panel(3, effect=5.0)
    fit = sc_estimate(Y, N0, T0)
    assert not fit.lambda_.any()
    assert fit.estimate == pytest.approx(5.0, abs=1.5)


@pytest.mark.parametrize("method", ["placebo", "bootstrap"])
def test_same_seed_same_numbers_on_every_executor(method: str) -> None:
    Y, N0, T0 = _panel(4, N0=8, T0=6)  # small: the draws, not the panel, are what is compared
    fit = synthdid_estimate(Y, N0, T0)
    # 260 draws are two seeded chunks (250 + 10), so the two processes each take one
    serial = standard_error(fit, method, replications=260, seed=9, mapper=SerialExecutor().map)
    procs = standard_error(fit, method, replications=260, seed=9, mapper=ProcessExecutor(2).map)
    assert np.array_equal(serial.replicates, procs.replicates)
    assert serial.se > 0


def test_jackknife_matches_the_leave_one_out_formula() -> None:
    Y, N0, T0 = _panel(5)
    fit = synthdid_estimate(Y, N0, T0)
    inf = standard_error(fit, "jackknife")
    n = Y.shape[0]
    assert inf.se == pytest.approx(
        np.sqrt((n - 1) / n * np.sum((inf.replicates - inf.replicates.mean()) ** 2))
    )


def test_single_treated_unit_bootstrap_and_jackknife_are_undefined_as_in_r() -> None:
    Y, N0, T0 = _panel(6, N1=1)
    fit = synthdid_estimate(Y, N0, T0)
    assert np.isnan(standard_error(fit, "jackknife").se)
    assert np.isnan(standard_error(fit, "bootstrap", replications=10).se)


def test_bad_layout_is_rejected() -> None:
    Y, N0, T0 = _panel()
    with pytest.raises(EstimationError):
        synthdid_estimate(Y, 0, T0)
    with pytest.raises(EstimationError):
        standard_error(synthdid_estimate(Y, N0, T0), "wild")


@pytest.mark.parametrize("method", ["placebo", "bootstrap", "jackknife"])
def test_per_period_standard_errors_come_with_every_method(method: str) -> None:
    Y, N0, T0 = _panel(7)
    inf = standard_error(synthdid_estimate(Y, N0, T0), method, replications=60, seed=2)
    assert inf.effect_se.shape == (Y.shape[1] - T0,)
    assert np.all(inf.effect_se > 0)
