"""Prop 99 against R ``synthdid`` 0.0.9 (Arkhangelsky et al. 2021, Table 1); data:
tests/data/evaluation/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from natije.evaluation.synthetic.sdid import did_estimate, sc_estimate, synthdid_estimate
from natije.evaluation.synthetic.sdid_inference import standard_error

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation" / "california_prop99.csv"
pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def prop99() -> tuple[np.ndarray, int, int, list[str]]:
    wide = pl.read_csv(DATA)
    controls = [c for c in wide.columns if c not in ("Year", "California")]
    Y = np.column_stack([wide[c].to_numpy() for c in [*controls, "California"]]).T
    T0 = int((wide["Year"].to_numpy() < 1989).sum())
    return Y, len(controls), T0, controls


@pytest.mark.parametrize(
    ("estimator", "expected"),
    [(synthdid_estimate, -15.60383), (sc_estimate, -19.61966), (did_estimate, -27.34911)],
)
def test_prop99_estimates_match_r(prop99, estimator, expected) -> None:
    Y, N0, T0, _ = prop99
    assert estimator(Y, N0, T0).estimate == pytest.approx(expected, abs=1e-4)


def test_prop99_sdid_weights_match_r(prop99) -> None:
    Y, N0, T0, controls = prop99
    fit = synthdid_estimate(Y, N0, T0)
    # R: lambda puts 0.366, 0.206, 0.427 on 1986-1988; Nevada and New Hampshire get the largest omega
    assert fit.lambda_[-3:] == pytest.approx([0.366, 0.206, 0.427], abs=1e-3)
    top = [controls[i] for i in np.argsort(fit.omega)[::-1][:2]]
    assert top == ["Nevada", "New Hampshire"]
    assert fit.effects.mean() == pytest.approx(fit.estimate, abs=1e-9)


def test_prop99_placebo_se_is_in_r_range(prop99) -> None:
    Y, N0, T0, _ = prop99
    inf = standard_error(synthdid_estimate(Y, N0, T0), "placebo", replications=200, seed=12345)
    # R reports a placebo SE near 10 for SDID; 200 replicates leave a few units of Monte Carlo noise
    assert 6.0 < inf.se < 14.0
    assert inf.replicates.shape == (200,)
