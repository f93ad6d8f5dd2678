"""The registered ``sc`` and ``sdid`` estimators through ``evaluate``."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from natije.errors import EstimationError
from natije.evaluation.api import evaluate


def _long(seed: int = 0, J: int = 10, T0: int = 10, T1: int = 4, effect: float = 4.0, treated: int = 1):
    rng = np.random.default_rng(seed)
    f = np.cumsum(rng.normal(0, 1, size=(2, T0 + T1)), axis=1)
    Y = rng.normal(0, 1, size=(J + treated, 2)) @ f + rng.normal(0, 0.3, size=(J + treated, T0 + T1))
    Y[J:, T0:] += effect
    units = [f"u{i:02d}" for i in range(J + treated)]
    return (
        pl.DataFrame(
            {
                "unit": np.repeat(units, T0 + T1),
                "year": np.tile(np.arange(2000, 2000 + T0 + T1), J + treated),
                "y": Y.ravel(),
                "x": rng.normal(size=(J + treated) * (T0 + T1)),
            }
        ),
        tuple(units[J:]),
        2000 + T0,
    )


def test_sdid_result_has_weights_effects_and_json() -> None:
    df, treated, start = _long()
    r = evaluate(
        df, unit="unit", time="year", outcome="y", method="sdid", treated=treated, start=start, n_boot=100
    )
    assert r.ci[0] < r.estimate < r.ci[1] and r.se > 0
    assert sum(r.unit_weights.values()) == pytest.approx(1.0)
    assert sum(r.time_weights.values()) == pytest.approx(1.0)
    assert len(r.effects) == 4 and np.mean([e.estimate for e in r.effects]) == pytest.approx(r.estimate)
    assert r.diagnostics["inference"]["replications"] == 100
    json.dumps(r.to_dict())


@pytest.mark.parametrize("variant", ["sc", "did"])
def test_sdid_variants(variant: str) -> None:
    df, treated, start = _long(1)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method="sdid",
        treated=treated,
        start=start,
        n_boot=50,
        variant=variant,
    )
    assert r.diagnostics["variant"] == variant
    assert (r.time_weights is None) == (variant == "sc")


def test_sdid_jackknife_with_several_treated_units() -> None:
    df, treated, start = _long(2, treated=3)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method="sdid",
        treated=treated,
        start=start,
        inference="jackknife",
    )
    assert np.isfinite(r.se) and r.diagnostics["inference"]["method"] == "jackknife"


def test_sc_result_with_placebos_leave_one_out_and_custom_predictors() -> None:
    df, treated, start = _long(3, effect=8.0)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method="sc",
        treated=treated,
        start=start,
        covariates=("x",),
        predictors=[("x", None), ("y", (2005, 2006, 2007, 2008, 2009))],
        lang="kk",
    )
    d = r.diagnostics
    assert [b["predictor"] for b in d["balance"]] == ["x (pre-period)", "y 2005-2009"]
    assert d["placebo"]["n_placebos"] == 10 and 0 < r.p_value <= 1
    assert d["leave_one_out"]["min"] <= d["leave_one_out"]["max"]
    assert r.estimate == pytest.approx(8.0, abs=2.0)
    assert "Салыстыру" in r.interpretation
    json.dumps(r.to_dict())


def test_sc_averages_several_treated_units() -> None:
    df, treated, start = _long(4, treated=2)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method="sc",
        treated=treated,
        start=start,
        leave_one_out=False,
    )
    assert set(r.unit_weights) == {f"u{i:02d}" for i in range(10)}


def test_unsupported_inference_is_rejected() -> None:
    df, treated, start = _long()
    with pytest.raises(EstimationError):
        evaluate(
            df,
            unit="unit",
            time="year",
            outcome="y",
            method="sc",
            treated=treated,
            start=start,
            inference="bootstrap",
        )
    with pytest.raises(EstimationError):
        evaluate(
            df,
            unit="unit",
            time="year",
            outcome="y",
            method="sdid",
            treated=treated,
            start=start,
            inference="analytic",
        )


@pytest.mark.dask
def test_dask_local_cluster_gives_identical_numbers(dask_address: str) -> None:
    df, treated, start = _long(5, J=6, T0=6, treated=2)  # small: the draws are what is compared
    kw = {"unit": "unit", "time": "year", "outcome": "y", "treated": treated, "start": start, "seed": 3}
    # 260 draws are two seeded chunks (250 + 10), so both workers take part
    for method, extra in (
        ("sdid", {"n_boot": 260}),
        ("sdid", {"n_boot": 260, "inference": "bootstrap"}),
        ("sc", {}),
    ):
        a = evaluate(df, method=method, executor=dask_address, **kw, **extra)
        b = evaluate(df, method=method, executor="serial", **kw, **extra)
        assert (a.estimate, a.se, a.ci) == (b.estimate, b.se, b.ci)


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_placebo_in_time_backdates_the_start(method: str) -> None:
    df, treated, start = _long(6, effect=6.0)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method=method,
        treated=treated,
        start=start,
        n_boot=50,
        leave_one_out=False,
    )
    p = r.diagnostics["placebo_in_time"]
    assert p["periods"] == 3 and p["fake_start"] == start - 3  # T0 = 10, T1 = 4
    assert abs(p["estimate"]) < abs(r.estimate) / 2


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_period_effects_have_standard_errors_and_intervals(method: str) -> None:
    df, treated, start = _long(7, treated=2)
    r = evaluate(
        df,
        unit="unit",
        time="year",
        outcome="y",
        method=method,
        treated=treated,
        start=start,
        n_boot=60,
        leave_one_out=False,
    )
    for e in r.effects:
        assert e.se is not None and e.se > 0 and e.ci_low < e.estimate < e.ci_high
