"""Basque against the R ``Synth`` example (Abadie & Gardeazabal 2003); data:
tests/data/evaluation/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from natije.evaluation.synthetic.synth import Predictor, SynthProblem, fit_synth, prepare_synth
from natije.evaluation.synthetic.synth_solver import mspe

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation" / "basque.csv"
pytestmark = pytest.mark.reference
SECTORS = ("agriculture", "energy", "industry", "construction", "services.venta", "services.nonventa")


def basque_problem() -> SynthProblem:
    """The R ``Synth`` help-page example: Basque (17) treated, Spain (1) excluded from donors."""
    df = pl.read_csv(DATA).with_columns(pl.col("year").cast(pl.Int64), pl.col("regionno").cast(pl.Int64))
    school = ("school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest")
    preds = [Predictor(p, tuple(range(1964, 1970))) for p in school]
    preds.append(Predictor("gdpcap", tuple(range(1960, 1970))))
    preds += [Predictor(f"sec.{s}", tuple(range(1961, 1970, 2))) for s in SECTORS]
    preds.append(Predictor("popdens", (1969,)))
    return prepare_synth(
        df,
        unit="regionno",
        time="year",
        outcome="gdpcap",
        treated=17,
        start=1970,
        donors=[*range(2, 17), 18],
        predictors=preds,
        optimize_times=range(1960, 1970),
    )


def test_basque_weights_match_r() -> None:
    fit = fit_synth(basque_problem())
    w = fit.weights_by_donor()
    assert w[10] == pytest.approx(0.8508, abs=0.005)  # Cataluna
    assert w[14] == pytest.approx(0.1492, abs=0.005)  # Madrid
    assert max(v for k, v in w.items() if k not in (10, 14)) < 0.005


def test_basque_avoids_the_pysyncon_local_optimum() -> None:
    problem = basque_problem()
    fit = fit_synth(problem)
    donors = list(problem.donors)
    local = np.zeros(len(donors))
    local[[donors.index(10), donors.index(7), donors.index(14)]] = [
        0.917,
        0.053,
        0.029,
    ]  # Cataluna, Cantabria, Madrid
    assert fit.loss_v < mspe(local, problem.Z1, problem.Z0)
    assert fit.pre_rmspe < 0.1


def test_basque_through_evaluate_matches_r() -> None:
    from natije.evaluation.api import evaluate

    df = pl.read_csv(DATA).with_columns(pl.col("year").cast(pl.Int64), pl.col("regionno").cast(pl.Int64))
    school = ["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"]
    sectors = [f"sec.{s}" for s in SECTORS]
    preds = [(p, range(1964, 1970)) for p in school] + [("gdpcap", range(1960, 1970))]
    preds += [(s, range(1961, 1970, 2)) for s in sectors] + [("popdens", [1969])]
    r = evaluate(
        df.filter(pl.col("regionno") != 1),
        unit="regionno",
        time="year",
        outcome="gdpcap",
        method="sc",
        treated=(17,),
        start=1970,
        covariates=(*school, *sectors, "popdens"),
        predictors=preds,
        optimize_times=range(1960, 1970),
        leave_one_out=False,
    )
    assert r.unit_weights[10] == pytest.approx(0.8508, abs=0.005)
    assert r.unit_weights[14] == pytest.approx(0.1492, abs=0.005)
    assert r.diagnostics["placebo"]["n_placebos"] == 16
