"""``natije evaluation show`` and ``natije evaluate`` word an evaluation in the interface language, whatever
language it was run in: interpretation with its numbers, diagnostics with their verdicts, no machine keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from stored_evaluations import RUNS, store_each_method

from natije.evaluation.texts import signed
from natije.locale import t
from natije.services.demo import load_demo
from natije.services.evaluation import get
from natije.services.evaluation_checks import CHECKS
from natije.services.stores import open_store

Cli = Callable[..., tuple[int, str]]
OPENINGS = {
    "att": {"kk": "Орта есеппен араласу", "ru": "В среднем вмешательство изменило", "en": "On average, the"},
    "its": {
        "kk": "Араласудың жинақталған әсері",
        "ru": "Накопленный эффект вмешательства",
        "en": "After the intervention",
    },
}
UNIT = {"kk": "п.т.", "ru": "п.п.", "en": "pp"}


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], dict[str, Any]]:
    """The demo with one evaluation of each method, run in Russian."""
    path = tmp_path_factory.mktemp("cli-words") / "demo.db"
    store = open_store(str(path))
    load_demo(store)
    ids = store_each_method(store, "ru")
    return path, ids, {method: get(store, i).result for method, i in ids.items()}


def _one_line(text: str) -> str:
    """The output with rich's line breaks undone (a long sentence wraps even at 300 columns)."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
@pytest.mark.parametrize("method", list(RUNS))
def test_show_words_a_stored_evaluation_in_the_interface_language(
    cli: Cli, stored: tuple[Path, dict[str, int], dict[str, Any]], method: str, lang: str
) -> None:
    path, ids, results = stored
    code, out = cli("--db", str(path), "--lang", lang, "evaluation", "show", str(ids[method]))
    assert code == 0, out
    out, r = _one_line(out), results[method]
    assert OPENINGS["its" if method == "its" else "att"][lang] in out
    assert signed(r["estimate"], lang, UNIT[lang]).replace("\xa0", " ") in out
    assert ".." not in out  # a unit with its own full stop (п.п., п.т.) never ends a sentence
    assert t(f"evaluation.method.{method}", lang) in out
    assert t("evaluation.output.checks", lang) in out
    worded = [k for k in CHECKS if r["diagnostics"].get(k)]
    assert worded and all(_one_line(t(f"evaluation.check.{k}.label", lang)) in out for k in worded)
    assert not [k for k in r["diagnostics"] if "_" in k and k in out]


def test_evaluate_prints_diagnostics_and_assumptions_in_words(cli: Cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = [
        (f"U{i}", year, 10 + i + 0.5 * year + rng.normal(0, 0.1) + (2.0 if i < 2 and year >= 6 else 0.0))
        for i in range(6)
        for year in range(10)
    ]
    data = tmp_path / "panel.csv"
    pl.DataFrame(rows, schema=["unit", "year", "y"], orient="row").write_csv(data)
    args = ["evaluate", "--data", str(data), "--unit", "unit", "--time", "year", "--outcome", "y"]
    code, out = cli("--lang", "kk", *args, "--method", "did", "--treated", "U0,U1", "--start", "6")
    assert code == 0, out
    out = _one_line(out)
    assert t("evaluation.method.did", "kk") in out and "Орта есеппен араласу" in out
    for key in ("pretrend_wald", "placebo_in_time", "clusters"):
        assert _one_line(t(f"evaluation.check.{key}.label", "kk")) in out and key not in out
    assert _one_line(t("evaluation.assumption.parallel_trends", "kk")) in out
