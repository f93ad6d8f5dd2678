"""The guarded evaluation run: designs too small are refused, warnings become notes, progress, single series,
and how numbers, p-values and periods are written for people."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from natije.cli.evaluation_output import csv_records, num, period_text, territory_lines
from natije.cli.output import records_csv
from natije.domain.periods import Frequency
from natije.errors import InsufficientData, ValidationError
from natije.evaluation import Effect, evaluate
from natije.evaluation.texts import p_text
from natije.locale import LANGUAGES, t
from natije.services.evaluation_panel import IndicatorPanel
from natije.services.evaluation_run import effect_unit, period_labels, run_evaluation

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation"
DECIMAL = {"en": ".", "ru": ",", "kk": ","}


def _long(
    rows: dict[str, list[float]], start: int = 2000, cohort: dict[str, int] | None = None
) -> pl.DataFrame:
    out = [
        {"u": u, "t": start + k, "y": y, "g": (cohort or {}).get(u, 0)}
        for u, ys in rows.items()
        for k, y in enumerate(ys)
    ]
    return pl.DataFrame(out)


# --- p-values, numbers, periods -----------------------------------------------------------------------------


@given(st.floats(0, 1, allow_nan=False), st.sampled_from(LANGUAGES))
def test_p_value_is_below_a_thousandth_or_three_decimals(p: float, lang: str) -> None:
    text = p_text(p, lang)
    sep = DECIMAL[lang]
    if p < 0.001:
        assert text == f"< 0{sep}001"
    else:
        assert re.fullmatch(rf"[01]{re.escape(sep)}\d{{3}}", text), text
        assert abs(float(text.replace(sep, ".")) - p) <= 0.0005 + 1e-12


def test_p_value_missing_is_empty() -> None:
    assert p_text(None, "en") == p_text(math.nan, "ru") == ""


@given(st.integers(-3000, 3000), st.sampled_from(["A", "Q", "M"]))
def test_periods_print_as_periods(i: int, freq: str) -> None:
    assert period_text(float(i)) == str(i)  # a year read as a float is still the year
    panel = IndicatorPanel(pl.DataFrame(), Frequency(freq))
    (e,) = period_labels((Effect(i, "period", 1.0),), panel)
    assert e.label == panel.label(i) and not e.label.endswith(".0")
    if freq != "A":
        assert re.fullmatch(r"-?\d+-(Q[1-4]|\d\d)", e.label)


def test_event_times_stay_numbers_and_quarters_are_sdmx() -> None:
    panel = IndicatorPanel(pl.DataFrame(), Frequency("Q"))
    q = panel.index_of("2019-Q3")
    got = period_labels(
        (Effect(-1, "event_time", 0.0), Effect(q, "period", 1.0), Effect(q, "group", 1.0)), panel
    )
    assert [e.label for e in got] == [-1, "2019-Q3", "2019-Q3"]


@given(st.floats(-1e9, 1e9, allow_nan=False), st.sampled_from(LANGUAGES))
def test_numbers_follow_the_language(x: float, lang: str) -> None:
    text = num(x, lang)
    if lang != "en":
        assert "." not in text  # kk and ru write a decimal comma and group with spaces
    value = float(
        text.replace("\xa0", "").replace(" ", "").replace(",", "" if lang == "en" else ".").replace("−", "-")
    )
    assert value == pytest.approx(x, rel=1e-3, abs=1e-6)


def test_effect_units() -> None:
    assert [effect_unit("%", lang) for lang in LANGUAGES] == [
        t("evaluation.effect_unit.pp", x) for x in LANGUAGES
    ]
    assert effect_unit("count", "en") == "" and effect_unit("bn KZT", "ru") == "млрд тенге"
    assert effect_unit("no such unit", "en") == ""


# --- designs too small --------------------------------------------------------------------------------------

TOO_SMALL = {
    "no_comparison": (_long({"a": [1, 3], "b": [1, 2]}), {"treated": ["a", "b"], "start": 2001}, "did"),
    "no_covered": (_long({"a": [1, 3, 4], "b": [1, 2, 2]}), {"cohort": "g"}, "cs"),
    "few_periods": (_long({"a": [1], "b": [2]}, cohort={"a": 2000}), {"cohort": "g"}, "did"),
    "no_pre_period": (_long({"a": [1, 3], "b": [1, 2]}, cohort={"a": 2000}), {"cohort": "g"}, "cs"),
    "few_pre_periods": (
        _long({"a": [1, 3], "b": [1, 2], "c": [2, 2]}),
        {"treated": ["a"], "start": 2001},
        "sdid",
    ),
}


@pytest.mark.parametrize("reason", sorted(TOO_SMALL))
def test_a_design_too_small_is_refused_naming_what_is_missing(reason: str) -> None:
    data, design, method = TOO_SMALL[reason]
    with pytest.raises(InsufficientData) as info:
        run_evaluation(data, unit="u", time="t", outcome="y", method=method, **design)
    exc = info.value
    assert exc.fields["reason"] == reason and exc.exit_code == 7
    texts = {lang: exc.message_in(lang) for lang in LANGUAGES}
    assert len(set(texts.values())) == 3 and all("{" not in s for s in texts.values())
    assert "design is too small" in texts["en"] and "дизайн" in texts["ru"]


def test_all_covered_at_different_times_compare_with_each_other() -> None:
    # no never-covered unit, but b is covered later than a: the not-yet-covered comparison exists
    data = _long(
        {"a": [1, 2, 5, 6], "b": [1, 2, 3, 7], "c": [2, 3, 4, 8]}, cohort={"a": 2002, "b": 2003, "c": 2003}
    )
    r = run_evaluation(
        data,
        unit="u",
        time="t",
        outcome="y",
        method="cs",
        cohort="g",
        control="not-yet",
        inference="analytic",
    )
    assert math.isfinite(r.estimate)


def test_a_unit_column_is_needed_except_for_its() -> None:
    with pytest.raises(ValidationError):
        run_evaluation(_long({"a": [1, 3]}), unit=None, time="t", outcome="y", method="did", cohort="g")


# --- warnings, degenerate inference, single series, progress ------------------------------------------------


def test_numerical_warnings_become_notes_not_output() -> None:
    data = _long(
        {"a": [1, 3], "b": [1, 2]}, cohort={"a": 2001}
    )  # cs on 2x2: the bootstrap has nothing to vary
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the service boundary would fail the test
        r = run_evaluation(data, unit="u", time="t", outcome="y", method="cs", cohort="g", n_boot=50)
    keys = [n["key"] for n in r.diagnostics["notes"]]
    assert "evaluation.note.numeric_gaps" in keys
    assert r.estimate == pytest.approx(1.0)


def test_a_zero_standard_error_is_not_estimable() -> None:
    # the textbook 2x2: the model fits the four cells exactly, the 'standard error' is rounding noise
    data = _long({"a": [1, 3], "b": [1, 2]})
    r = run_evaluation(
        data, unit="u", time="t", outcome="y", method="did", treated=["a"], start=2001, lang="ru"
    )
    plain = evaluate(data, unit="u", time="t", outcome="y", method="did", treated=["a"], start=2001)
    assert r.estimate == plain.estimate == pytest.approx(1.0) and plain.se < 1e-9
    assert math.isnan(r.se) and math.isnan(r.p_value) and all(math.isnan(x) for x in r.ci)
    assert {"key": "evaluation.note.se_not_estimable", "params": {}} in r.diagnostics["notes"]
    assert "статистически" not in r.interpretation and "+1" in r.interpretation
    assert (
        records_csv(*csv_records(r.to_dict())).splitlines()[1] == "overall,,1.0,,,,"
    )  # missing numbers are empty cells


def test_its_on_a_single_series_needs_no_unit_column() -> None:
    nile = pl.read_csv(DATA / "nile.csv")
    r = run_evaluation(nile, unit=None, time="year", outcome="volume", method="its", start=1899, n_boot=200)
    ref = evaluate(
        nile.with_columns(river=pl.lit("volume")),
        unit="river",
        time="year",
        outcome="volume",
        method="its",
        treated="volume",
        start=1899,
        n_boot=200,
    )
    assert r.estimate == ref.estimate and r.ci == ref.ci and r.effects[0].label == 1899
    assert r.estimate < 0  # the Aswan dam (1899): less flow


def test_progress_reports_every_task_and_keeps_the_numbers() -> None:
    mpdta = pl.read_csv(DATA / "mpdta.csv")
    calls: list[tuple[int, int]] = []
    kwargs = {
        "unit": "countyreal",
        "time": "year",
        "outcome": "lemp",
        "method": "cs",
        "cohort": "first.treat",
        "n_boot": 600,
    }
    r = run_evaluation(mpdta, progress=lambda d, n: calls.append((d, n)), **kwargs)
    plain = run_evaluation(mpdta, **kwargs)
    assert r.estimate == plain.estimate and r.se == plain.se
    assert calls[-1][0] == calls[-1][1] == 3  # 600 draws in chunks of 250
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_territory_lines_name_each_territory_with_the_reason() -> None:
    panel = {
        "carried": {
            "100000000": {"from": ["630000000"], "first": "2015", "last": "2021"},
            "630000000": {"from": ["630000000"], "first": "2015", "last": "2021"},
        },
        "dropped_units": {"790000000": 3},
        "n_periods": 11,
        "cohort_unmatched": ["999"],
        "territory_names": {
            "100000000": {"ru": "область Абай", "en": "Abai Region"},
            "630000000": {"ru": "Восточно-Казахстанская область"},
            "790000000": {"ru": "город Шымкент", "en": "Shymkent"},
        },
    }
    ru = territory_lines(panel, "ru")
    assert (
        ru[0].startswith("область Абай (100000000)") and "Восточно-Казахстанская область (630000000)" in ru[0]
    )
    assert "прежним границам" in ru[1]
    assert ru[2].startswith("город Шымкент (790000000)") and "3" in ru[2] and "11" in ru[2]
    assert ru[3].startswith("999")
    en = territory_lines(panel, "en")
    assert en[1].startswith("630000000:")  # no English name stored: the code alone


def test_quiet_even_when_numpy_would_raise() -> None:
    with np.errstate(all="raise"):  # the guard sets its own numpy error handling
        r = run_evaluation(
            _long({"a": [1, 3], "b": [1, 2]}, cohort={"a": 2001}),
            unit="u",
            time="t",
            outcome="y",
            method="cs",
            cohort="g",
            n_boot=20,
        )
    assert r.estimate == pytest.approx(1.0)


def test_years_read_as_floats_are_years_everywhere() -> None:
    data = _long({"a": [1, 2, 5, 6], "b": [1, 2, 3, 4], "c": [2, 3, 4, 5]}).with_columns(
        pl.col("t").cast(pl.Float64)
    )
    r = run_evaluation(
        data,
        unit="u",
        time="t",
        outcome="y",
        method="sdid",
        treated=["a"],
        start="2002",
        inference="placebo",
        n_boot=10,
    )
    assert [e.label for e in r.effects] == [2002, 2003]
    assert all(isinstance(e["label"], int) for e in r.to_dict()["effects"])  # JSON too: 2002, not 2002.0


def test_cs_without_breakdown_says_how_to_get_effects_by_event_time() -> None:
    mpdta = pl.read_csv(DATA / "mpdta.csv")
    kwargs = {
        "unit": "countyreal",
        "time": "year",
        "outcome": "lemp",
        "method": "cs",
        "cohort": "first.treat",
        "inference": "analytic",
    }
    hint = {"key": "evaluation.note.event_time_hint", "params": {}}
    assert hint in run_evaluation(mpdta, **kwargs).diagnostics["notes"]
    dynamic = run_evaluation(mpdta, aggregation="dynamic", **kwargs)
    assert hint not in dynamic.diagnostics["notes"] and dynamic.effects
