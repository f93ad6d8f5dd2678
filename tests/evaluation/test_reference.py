"""Reference tests: published numbers (R ``did``, Mastering 'Metrics) and known effects (df_het, Nile)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import natije

pytestmark = pytest.mark.reference

MPDTA = {"unit": "countyreal", "time": "year", "outcome": "lemp", "cohort": "first.treat"}


def test_mpdta_simple_att_matches_r_did(mpdta: pl.DataFrame) -> None:
    # R: did::att_gt(yname="lemp", tname="year", idname="countyreal", gname="first.treat",
    #    data=mpdta, est_method="dr", control_group="nevertreated") |> aggte(type="simple", bstrap=FALSE)
    r = natije.evaluate(mpdta, method="cs", inference="analytic", **MPDTA)
    assert r.estimate == pytest.approx(-0.0399513, abs=1e-6)
    assert r.se == pytest.approx(0.0120340, abs=1e-5)
    assert r.ci[0] < r.estimate < r.ci[1] < 0


def test_mpdta_group_time_cells_and_pretest_match_r_did(mpdta: pl.DataFrame) -> None:
    r = natije.evaluate(mpdta, method="cs", inference="analytic", **MPDTA)
    cells = {(c["group"], c["period"]): (c["att"], c["se"]) for c in r.diagnostics["group_time"]}
    # R did's ATT(g,t) table for mpdta (att, analytic se)
    assert cells[(2004, 2004)][0] == pytest.approx(-0.0105032, abs=1e-6)
    assert cells[(2004, 2006)][0] == pytest.approx(-0.1372587, abs=1e-6)
    assert cells[(2007, 2004)][0] == pytest.approx(0.0305067, abs=1e-6)
    assert cells[(2006, 2007)][0] == pytest.approx(-0.0412245, abs=1e-6)
    # "P-value for pre-test of parallel trends assumption: 0.16812"
    assert r.diagnostics["pretrend_wald"]["p_value"] == pytest.approx(0.16812, abs=1e-5)
    placebo = r.diagnostics["placebo_in_time"]
    assert placebo["ci_low"] < 0 < placebo["ci_high"]


def test_mpdta_dynamic_aggregation(mpdta: pl.DataFrame) -> None:
    r = natije.evaluate(mpdta, method="cs", aggregation="dynamic", inference="bootstrap", seed=1, **MPDTA)
    effects = {e.label: e for e in r.effects}
    assert sorted(effects) == [-3, -2, -1, 0, 1, 2, 3]
    # R did: overall dynamic ATT -0.0772; e=0 -0.0199, e=3 -0.1008
    assert r.estimate == pytest.approx(-0.0772398, abs=1e-6)
    assert effects[0].estimate == pytest.approx(-0.0199318, abs=1e-6)
    assert effects[3].estimate == pytest.approx(-0.1008114, abs=1e-6)
    assert all(e.ci_low <= 0 <= e.ci_high for lab, e in effects.items() if lab < 0)
    assert effects[2].ci_high < 0 and 0.015 < r.se < 0.03


@pytest.mark.parametrize(("aggregation", "att"), [("group", -0.0310183), ("calendar", -0.0417004)])
def test_mpdta_group_and_calendar_aggregations(mpdta: pl.DataFrame, aggregation: str, att: float) -> None:
    # R did: aggte(type="group") overall -0.031; aggte(type="calendar") overall -0.0417
    r = natije.evaluate(mpdta, method="cs", aggregation=aggregation, inference="analytic", **MPDTA)
    assert r.estimate == pytest.approx(att, abs=1e-6)
    assert r.ci[1] < 0 and len(r.effects) == (3 if aggregation == "group" else 4)


@pytest.mark.parametrize(
    ("estimation", "control", "att", "se"),
    [
        ("dr", "never", -0.0417518, 0.0115028),
        ("dr", "not-yet", -0.0413516, 0.0114278),
        ("ipw", "never", -0.0417771, 0.0114997),
        ("ipw", "not-yet", -0.0413894, 0.0114193),
        ("reg", "never", -0.0419686, 0.0114448),
        ("reg", "not-yet", -0.0413748, 0.0113772),
    ],
)
def test_mpdta_with_covariates_matches_csdid(
    mpdta: pl.DataFrame, estimation: str, control: str, att: float, se: float
) -> None:
    # Cross-check against csdid 0.4.3 (a port of R did) run in its own venv:
    # ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year", data=mpdta,
    #       xformla="lemp~lpop", control_group=...).fit(est_method=..., bstrap=False).aggte(typec="simple")
    r = natije.evaluate(
        mpdta,
        method="cs",
        covariates=("lpop",),
        estimation=estimation,
        control=control,
        inference="analytic",
        **MPDTA,
    )
    assert r.estimate == pytest.approx(att, abs=1e-6)
    assert r.se == pytest.approx(se, abs=1e-6)


def test_banks_did_is_plus_19(banks_july: pl.DataFrame) -> None:
    data = banks_july.filter(pl.col("year").is_in([1930, 1931]))
    r = natije.evaluate(
        data, unit="district", time="year", outcome="banks", method="did", treated=6, start=1931
    )
    assert r.estimate == pytest.approx(19.0, abs=1e-9)
    means = r.diagnostics["group_means"]
    assert (means["treated_pre"], means["treated_post"], means["control_pre"], means["control_post"]) == (
        135,
        121,
        165,
        132,
    )


def _true_effects(df_het: pl.DataFrame) -> tuple[float, dict[int, float]]:
    treated = df_het.filter(pl.col("g") > 0, pl.col("year") >= pl.col("g")).with_columns(
        truth=pl.col("te") + pl.col("te_dynamic"), e=pl.col("year") - pl.col("g")
    )
    by_e = treated.group_by("e").agg(pl.col("truth").mean())
    return float(treated["truth"].mean()), dict(zip(by_e["e"].to_list(), by_e["truth"].to_list()))


def test_df_het_cs_covers_true_effects(df_het: pl.DataFrame) -> None:
    overall, by_e = _true_effects(df_het)
    kw = {"unit": "unit", "time": "year", "outcome": "dep_var", "cohort": "g", "method": "cs"}
    simple = natije.evaluate(df_het, inference="analytic", **kw)
    assert simple.ci[0] <= overall <= simple.ci[1]
    dyn = natije.evaluate(df_het, aggregation="dynamic", inference="bootstrap", seed=3, **kw)
    post = [e for e in dyn.effects if e.label >= 0]
    assert len(post) == len(by_e)
    # uniform (sup-t) bands: every true event-time effect inside simultaneously
    assert all(e.ci_low <= by_e[e.label] <= e.ci_high for e in post)
    assert all(e.ci_low <= 0 <= e.ci_high for e in dyn.effects if e.label < -1)


def test_df_het_twfe_event_study_single_cohort(df_het: pl.DataFrame) -> None:
    # TWFE is appropriate with one adoption cohort (no forbidden comparisons): first cohort + never treated
    one = df_het.filter(pl.col("g").is_in([0, 2000]))
    _, by_e = _true_effects(one)
    r = natije.evaluate(one, unit="unit", time="year", outcome="dep_var", cohort="g", method="event-study")
    post = [e for e in r.effects if e.label >= 0]
    inside = np.mean([e.ci_low <= by_e[e.label] <= e.ci_high for e in post])
    assert inside >= 0.85  # pointwise 95 % intervals: a few misses among ~20 are expected
    assert r.diagnostics["pretrend_wald"]["p_value"] > 0.01


def test_nile_level_shift_in_1899(nile: pl.DataFrame) -> None:
    kw = {
        "unit": "river",
        "time": "year",
        "outcome": "volume",
        "method": "its",
        "treated": "nile",
        "start": 1899,
    }
    # the flow dropped by roughly 250 (1871-1898 mean ~1100, after ~850)
    r = natije.evaluate(nile.filter(pl.col("year") <= 1920), seed=5, **kw)
    assert -320 < r.estimate < -180 and r.ci[1] < 0 and r.p_value < 0.01
    assert abs(r.diagnostics["placebo_in_time"]["average_effect"]) < 100
    assert r.diagnostics["cumulative"]["ci_high"] < 0
    # over the whole century the no-change forecast is much less certain, but the drop still shows
    full = natije.evaluate(nile, seed=5, **kw)
    assert -320 < full.estimate < -180 and full.ci[1] < 0
