"""Unit tests of the did / event-study / cs / its estimators on small panels."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

import natije
from natije.errors import EstimationError, InsufficientData
from natije.evaluation.did.twfe import fit, within
from natije.evaluation.staggered.drdid import att_panel


def test_2x2_did_equals_difference_of_changes() -> None:
    data = {"u": ["a", "a", "b", "b", "c", "c"], "t": [1, 2] * 3, "y": [1.0, 4.0, 2.0, 3.0, 0.0, 2.0]}
    r = natije.evaluate(data, unit="u", time="t", outcome="y", method="did", treated="a", start=2)
    assert r.estimate == pytest.approx((4 - 1) - ((3 - 2) + (2 - 0)) / 2)
    assert r.method == "did" and len(r.assumptions) == 3 and "y" in r.interpretation
    json.dumps(r.to_dict())


def test_event_study_recovers_dynamic_effects_without_noise() -> None:
    rng = np.random.default_rng(0)
    N, T = 30, 8
    first = np.where(np.arange(N) < 10, 4, np.where(np.arange(N) < 20, 6, 0))
    e = np.arange(1, T + 1)[None, :] - first[:, None]
    Y = (
        rng.normal(size=(N, 1))
        + rng.normal(size=(1, T))
        + np.where((first[:, None] > 0) & (e >= 0), 1 + e, 0.0)
    )
    data = {
        "u": np.repeat(np.arange(N), T),
        "t": np.tile(np.arange(1, T + 1), N),
        "y": Y.ravel(),
        "g": np.repeat(first, T),
    }
    r = natije.evaluate(data, unit="u", time="t", outcome="y", method="event-study", cohort="g")
    got = {eff.label: eff.estimate for eff in r.effects}
    assert all(got[k] == pytest.approx(1 + k, abs=1e-9) for k in got if k >= 0)
    assert all(got[k] == pytest.approx(0, abs=1e-9) for k in got if k < 0)


def test_twfe_within_is_exact_on_balanced_panels() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(6, 5))
    w = within(a)
    assert np.allclose(w.mean(0), 0) and np.allclose(w.mean(1), 0)
    X = rng.normal(size=(6, 5, 1))
    Y = 2.5 * X[:, :, 0] + rng.normal(size=(6, 1)) + rng.normal(size=(1, 5))
    assert fit(Y, X).beta[0] == pytest.approx(2.5)


def test_drdid_without_covariates_is_difference_in_means() -> None:
    rng = np.random.default_rng(2)
    D = (rng.random(200) < 0.3).astype(float)
    dy = rng.normal(size=(200, 2)) + D[:, None]
    X = np.ones((200, 1))
    for method in ("dr", "ipw", "reg"):
        att, inf = att_panel(dy, D, X, method)
        assert np.allclose(att, dy[D == 1].mean(0) - dy[D == 0].mean(0))
        assert np.allclose(inf.mean(0), 0, atol=1e-12)


def test_cs_errors_and_inference_choice(mpdta: pl.DataFrame) -> None:
    kw = {"unit": "countyreal", "time": "year", "outcome": "lemp", "method": "cs", "cohort": "first.treat"}
    with pytest.raises(EstimationError, match="offers inference"):
        natije.evaluate(mpdta, inference="placebo", **kw)
    treated_only = mpdta.filter(pl.col("first.treat") > 0)
    with pytest.raises(EstimationError, match="never-treated"):
        natije.evaluate(treated_only, inference="analytic", **kw)
    r = natije.evaluate(treated_only, inference="analytic", control="not-yet", **kw)
    assert np.isfinite(r.estimate) and np.isfinite(r.se)


def test_cs_bootstrap_is_seeded(mpdta: pl.DataFrame) -> None:
    kw = {
        "unit": "countyreal",
        "time": "year",
        "outcome": "lemp",
        "method": "cs",
        "cohort": "first.treat",
        "aggregation": "group",
    }
    a, b = natije.evaluate(mpdta, seed=4, **kw), natije.evaluate(mpdta, seed=4, **kw)
    c = natije.evaluate(mpdta, seed=5, **kw)
    assert a.se == b.se and a.se != c.se
    assert a.se == pytest.approx(a.diagnostics["analytic_se"], rel=0.15)
    assert [e.kind for e in a.effects] == ["group"] * 3


def test_its_needs_a_pre_period_and_speaks_kazakh(nile: pl.DataFrame) -> None:
    kw = {"unit": "river", "time": "year", "outcome": "volume", "method": "its", "treated": "nile"}
    with pytest.raises(InsufficientData):
        natije.evaluate(nile, start=1873, **kw)
    r = natije.evaluate(nile.filter(pl.col("year") <= 1910), start=1899, n_boot=300, lang="kk", **kw)
    assert "араласу" in r.interpretation.lower() and r.effects[0].label == 1899
