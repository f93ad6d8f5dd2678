"""An evaluation in words of the reader's language, written again from its numbers and keys
(services.evaluation_words and services.evaluation_checks), for every method family."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import polars as pl
import pytest

from natije.evaluation.texts import signed
from natije.locale import t
from natije.services.evaluation_checks import CHECKS
from natije.services.evaluation_run import run_evaluation
from natije.services.evaluation_words import describe, interpretation, method_name

UNITS = [f"U{i}" for i in range(8)]
YEARS = list(range(2012, 2022))
COVERED, START, EFFECT = ("U0", "U1"), 2018, 2.0
RUNS: dict[str, dict[str, Any]] = {
    "did": {"treated": COVERED, "start": START},
    "event-study": {"treated": COVERED, "start": START},
    "cs": {"cohort": "first", "aggregation": "dynamic", "n_boot": 99},
    "sc": {"treated": ("U0",), "start": START},
    "sdid": {"treated": COVERED, "start": START, "n_boot": 30},
    "its": {"treated": ("U0",), "start": START, "n_boot": 99},
}
OPENINGS = {
    "att": {"ru": "В среднем вмешательство изменило показатель «y»", "kk": "Орта есеппен араласу"},
    "its": {"ru": "Накопленный эффект вмешательства — ", "kk": "Араласудың жинақталған әсері — "},
}


def _panel() -> pl.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for i, unit in enumerate(UNITS):
        level, slope = 10 + i, 0.5 + 0.05 * i
        for year in YEARS:
            covered = unit in COVERED and year >= START
            y = level + slope * (year - YEARS[0]) + rng.normal(0, 0.2) + (EFFECT if covered else 0.0)
            rows.append((unit, year, y, START if unit in COVERED else 0))
    return pl.DataFrame(rows, schema=["unit", "year", "y", "first"], orient="row")


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    """One result of each method, run in English, in the form the store keeps."""
    data = _panel()
    return {
        method: run_evaluation(
            data, unit="unit", time="year", outcome="y", method=method, lang="en", **kw
        ).to_dict()
        for method, kw in RUNS.items()
    }


def _shown(words: dict[str, Any]) -> list[str]:
    """Every text a reader sees (not the machine fields ``key``, ``verdict`` and ``lang``)."""
    texts = [words["method"], words["estimate"], words["p_value"], words["interpretation"], *words["notes"]]
    texts += [x for pair in (*words["design"], *words["weights"]) for x in pair]
    texts += [c[f] for c in words["checks"] for f in ("label", "value", "meaning", "verdict_text")]
    return texts + [a["text"] for a in words["assumptions"]]


@pytest.mark.parametrize("method", list(RUNS))
def test_english_words_are_the_words_the_estimator_wrote(results: dict[str, Any], method: str) -> None:
    r = results[method]
    words = describe(r, "en")
    assert words.interpretation == r["interpretation"]
    assert [a.text for a in words.assumptions] == r["assumptions"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("method", list(RUNS))
def test_every_piece_is_in_the_readers_language(results: dict[str, Any], method: str, lang: str) -> None:
    r = results[method]
    words = describe(r, lang)
    family = "its" if method == "its" else "att"
    assert words.interpretation.startswith(OPENINGS[family][lang])
    assert signed(r["estimate"], lang) in words.interpretation and words.estimate.startswith(
        signed(r["estimate"], lang)
    )
    assert words.method == t(f"evaluation.method.{method}", lang) != t(f"evaluation.method.{method}", "en")
    assert {a.lang for a in words.assumptions} == {lang}
    assert [a.text for a in words.assumptions] == [
        t(f"evaluation.assumption.{k}", lang) for k in r["assumption_keys"]
    ]
    shown = _shown(words.to_dict())
    # no machine key reaches the reader: neither a diagnostic's key nor a catalog key left untranslated
    machine = {*r["diagnostics"], *CHECKS, method}
    assert not [s for s in shown if s in machine or re.search(r"\b(evaluation|web)\.\w", s)]
    assert words.checks and all(c.verdict in ("supports", "weakens", "context") for c in words.checks)


def test_checks_word_each_method_familys_diagnostics(results: dict[str, Any]) -> None:
    keys = {m: [c.key for c in describe(r, "en").checks] for m, r in results.items()}
    assert {"pretrend_wald", "placebo_in_time", "clusters"} <= set(keys["did"])
    assert {"pretrend_wald", "uniform_critical_value"} <= set(keys["cs"])
    assert {"pre_rmspe", "placebo", "leave_one_out", "ci_level_attained"} <= set(keys["sc"])
    assert {"pre_rmspe", "effective_controls", "inference"} <= set(keys["sdid"])
    assert {"cumulative", "pre_fit", "controls"} <= set(keys["its"])
    donors = describe(results["sc"], "ru").weights
    weights = {w["label"]: w["weight"] for w in results["sc"]["unit_weights"]}
    assert donors and all(float(text.replace(",", ".")) == round(weights[unit], 3) for unit, text in donors)


def _did(pretrend_p: float, **extra: Any) -> dict[str, Any]:
    return {
        "method": "did",
        "estimate": 2.5,
        "ci": [1.0, 4.0],
        "p_value": 0.004,
        "design": {"outcome": "y", "alpha": 0.05, "options": {"lang": "en"}, **extra},
        "diagnostics": {
            "pretrend_wald": {"statistic": 9.2, "df": 3, "p_value": pretrend_p},
            "placebo_in_time": {"estimate": 0.1, "p_value": 0.7},
        },
        "assumption_keys": ["parallel_trends"],
    }


def test_a_rejected_pretrend_weakens_the_estimate_and_the_interpretation_warns() -> None:
    failing = describe(_did(0.01), "ru")
    check = next(c for c in failing.checks if c.key == "pretrend_wald")
    assert (check.verdict, check.verdict_text) == ("weakens", "ослабляет оценку")
    assert check.value == "χ² = 9,2, степеней свободы: 3, p = 0,010"
    assert "различия до вмешательства значимы (p = 0,010)" in failing.interpretation
    passing = describe(_did(0.4), "kk")
    assert next(c for c in passing.checks if c.key == "pretrend_wald").verdict_text == "бағалауды нығайтады"
    assert "трендтердің параллельдігі күмәнді" not in passing.interpretation


def test_indicator_and_territories_are_named_in_the_readers_language() -> None:
    r = _did(0.4, treated=["190000000"])
    r["diagnostics"]["panel"] = {
        "indicator": {"code": "P.X", "names": {"kk": "Пайдаланушылар", "ru": "Пользователи"}, "unit": "%"},
        "territory_names": {"190000000": {"kk": "Алматы облысы", "ru": "Алматинская область"}},
    }
    r["design"]["options"] |= {"outcome_label": "Users", "effect_unit": "pp"}
    ru = describe(r, "ru")
    assert "«Пользователи»" in ru.interpretation and "+2,5\xa0п.п." in ru.interpretation
    assert ("Охвачены программой", "Алматинская область (190000000)") in ru.design
    # no English name stored: the outcome's code (here ``y``), never another language's name or label
    english = interpretation(r, "en")
    assert "changed y of the units" in english and "+2.5\xa0pp" in english and "Users" not in english


def test_a_result_stored_before_assumption_keys_finds_them_by_its_words() -> None:
    r = _did(0.4)
    del r["assumption_keys"]
    r["design"]["options"]["lang"] = "ru"
    r["assumptions"] = [t("evaluation.assumption.no_spillovers", "ru"), "Своё допущение автора."]
    words = describe(r, "kk")
    assert words.assumptions[0].text == t("evaluation.assumption.no_spillovers", "kk")
    assert (words.assumptions[1].text, words.assumptions[1].lang) == ("Своё допущение автора.", "ru")


def test_a_result_without_assumptions_has_none() -> None:
    r = _did(0.4)
    del r["assumption_keys"]
    assert describe(r, "kk").assumptions == ()


def test_method_names() -> None:
    assert method_name({"method": "sdid", "diagnostics": {"variant": "sc"}}, "en").startswith(
        "Synthetic control"
    )
    assert method_name({"method": "my-plugin"}, "ru") == "my-plugin"
