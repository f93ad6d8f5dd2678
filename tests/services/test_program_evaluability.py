"""What the demo's data allow to evaluate (services.evaluability) and how it reads in each language
(services.evaluability_words); the rules agree with the guard that refuses designs too small."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest

from natije.demo import fibre_cohorts_path
from natije.errors import InsufficientData, NotFound, ValidationError
from natije.evaluation import EvaluationDesign, build_panel
from natije.evaluation.evaluability import NEEDS, RULES, VERDICTS, Need, assess, panel_facts
from natije.locale import LANGUAGES, catalog
from natije.services import evaluation as ev
from natije.services.demo import load_demo
from natije.services.evaluability import Evaluability, program_evaluability
from natije.services.evaluability_words import describe_evaluability
from natije.services.evaluation_guard import check_design
from natije.store import Store

USERS = "AI2023.RURAL_INTERNET_USERS"


@pytest.fixture(scope="module")
def demo() -> Iterator[Store]:
    store = Store.open("sqlite://")
    load_demo(store)
    yield store
    store.close()


def _by_code(items: list[Evaluability]) -> dict[str, Evaluability]:
    return {i.indicator: i for i in items}


def test_rural_internet_without_rollout_is_only_a_forecast(demo: Store) -> None:
    items = program_evaluability(demo, "AI2023")
    assert [i.indicator for i in items] == [
        "AI2023.VILLAGES_FIBRE_SHARE",
        "AI2023.VILLAGES_FIBRE",
        "AI2023.VILLAGES_TOTAL",
        "AI2023.POPULATION_COVERAGE",
        USERS,
    ]
    users = _by_code(items)[USERS].facts
    # 17 regions after the 2022 reform (Shymkent has no rural values), 20 valid in 2024; 2015-2023 before
    assert (users.units, users.regions, users.pre_periods, users.post_periods) == (17, 20, 9, 2)
    assert (users.treated, users.untreated, users.cohorts, users.rollout_known) == (17, 0, (2024,), False)
    r = _by_code(items)[USERS]
    assert (r.verdict, r.method) == ("weak", "its")
    assert r.needs == (Need("rollout_dates"), Need("comparison_units"))


def test_fibre_rollout_makes_a_staggered_design_credible(demo: Store) -> None:
    cohorts = ev.read_cohort_file(fibre_cohorts_path())
    r = _by_code(program_evaluability(demo, "AI2023", cohorts=cohorts))[USERS]
    assert (r.verdict, r.method, r.needs) == ("credible", "cs", ())
    assert r.facts.cohorts == (2019, 2024) and r.facts.untreated == 0
    assert r.facts.post_periods == 7  # 2019-2025 for the regions fibre reached first


def test_a_single_national_value_needs_regions_and_years_before(demo: Store) -> None:
    r = _by_code(program_evaluability(demo, "AI2023"))["AI2023.POPULATION_COVERAGE"]
    assert (r.facts.units, r.facts.series_pre_periods, r.facts.series_post_periods) == (0, 0, 1)
    assert r.verdict == "none"
    assert r.needs == (
        Need("regional_values", 20),
        Need("rollout_dates"),
        Need("comparison_units"),
        Need("pre_periods", 2),
    )


def test_national_series_of_the_older_programs(demo: Store) -> None:
    dk = _by_code(program_evaluability(demo, "DK2018"))
    users = dk["DK2018.INTERNET_USERS"]  # 2010-2023 nationally, the program from 2018
    assert (users.facts.series_pre_periods, users.facts.series_post_periods) == (8, 6)
    assert (users.verdict, users.method, users.needs[0]) == ("weak", "its", Need("regional_values", 16))
    jobs = dk["DK2018.JOBS"]  # promised, never reported
    assert jobs.verdict == "none" and Need("post_periods", 1) in jobs.needs
    exports = _by_code(program_evaluability(demo, "TB2021"))["TB2021.ICT_SERVICE_EXPORTS"]
    assert exports.facts.series_pre_periods == 8 and Need("post_periods", 1) in exports.needs  # ends 2017


def test_indicators_with_a_stored_evaluation_are_left_out() -> None:
    store = Store.open("sqlite://")
    load_demo(store)
    ev.evaluate_indicator(
        store,
        "AI2023",
        USERS,
        method="cs",
        cohort=ev.read_cohort_file(fibre_cohorts_path()),
        control="not-yet",
        inference="analytic",
    )
    codes = [i.indicator for i in program_evaluability(store, "AI2023")]
    assert USERS not in codes and len(codes) == 4
    store.close()


def test_unknown_program_bad_day_and_bad_cohort_period_are_refused(demo: Store) -> None:
    with pytest.raises(NotFound):
        program_evaluability(demo, "NOPE")
    with pytest.raises(ValidationError):
        program_evaluability(demo, "AI2023", as_of="yesterday")
    with pytest.raises(ValidationError):
        program_evaluability(demo, "AI2023", cohorts={"230000000": "spring 2019"})


def test_words_in_each_language(demo: Store) -> None:
    r = _by_code(program_evaluability(demo, "AI2023"))[USERS]
    ru = describe_evaluability(r, "ru")
    assert ru.verdict.startswith("В данных базы есть лишь слабая схема оценки: ряд сравнивается")
    assert (
        "17 регионов" in ru.facts[0] and "9 лет до охвата программой и 2 года с момента охвата" in ru.facts[0]
    )
    assert (
        "(2024)" in ru.facts[1]
        and ru.method == "Прерванный временной ряд (прогноз структурной модели временного ряда)"
    )
    jobs = _by_code(program_evaluability(demo, "DK2018"))["DK2018.JOBS"]
    en = describe_evaluability(jobs, "en")
    assert en.facts[0] == "The store holds no values of this indicator, by region or for the country."
    assert "Collect values for a further 2 years before the program." in en.needs
    assert "the store has none for 16 regions" in en.needs[0]
    assert describe_evaluability(jobs, "kk").lines() != en.lines()


def test_periods_are_counted_from_the_waves_of_the_rollout(demo: Store) -> None:
    cohorts = ev.read_cohort_file(fibre_cohorts_path())
    users = _by_code(program_evaluability(demo, "AI2023", cohorts=cohorts))[USERS]
    en = describe_evaluability(users, "en")
    assert "9 years before the last wave and 7 years since the first" in en.facts[0]
    assert en.facts[1] == "Roll-out by region: 2 waves (2019, 2024)."
    cells = pl.DataFrame(
        {"territory": [u for u in "AB" for _ in range(8)], "period": list(range(2010, 2018)) * 2}
    )
    late = assess("X", panel_facts(cells, frequency="A", start=2021, regions=["A", "B"], cohorts={"A": 2021}))
    kk = describe_evaluability(late, "kk")
    assert "бағдарлама басталғанға дейін 8 жыл, басталғаннан бері 0 жыл" in kk.facts[0]
    assert (
        kk.facts[1] == "Қамту деректері бойынша бағдарлама байқалған кезеңдерде бірде-бір өңірді қамтымаған."
    )


def test_every_sentence_is_filled_in_every_language(demo: Store) -> None:
    cohorts = ev.read_cohort_file(fibre_cohorts_path())
    items = [i for code in ("IK2020", "DK2018", "TB2021", "AI2023") for i in program_evaluability(demo, code)]
    items += program_evaluability(demo, "AI2023", cohorts=cohorts)
    assert {i.verdict for i in items} == set(VERDICTS)
    for item in items:
        for lang in LANGUAGES:
            words = describe_evaluability(item, lang)
            assert len(words.needs) == len(item.needs)
            for line in words.lines():
                assert line and not re.search(r"[{}]|evaluability\.", line), (item.indicator, lang, line)


def test_every_evaluability_key_exists_in_all_three_languages() -> None:
    used = {f"evaluability.verdict.{v}" for v in VERDICTS}
    used |= {f"evaluability.method.{m}" for m in RULES}
    used |= {f"evaluability.need.{n}" for n in NEEDS} | {"evaluability.need.regional_values_any"}
    used |= {f"evaluability.periods.{f}" for f in "AQM"}
    used |= {f"evaluability.count.{c}" for c in ("regions", "waves")}
    used |= {f"evaluability.timing.{c}" for c in ("block", "staggered", "start")}
    used |= {
        f"evaluability.facts.{k}"
        for k in ("panel", "series", "empty", "rollout", "rollout_none", "no_rollout")
    }
    for lang in LANGUAGES:
        keys = {k for k in catalog(lang) if k.startswith("evaluability.")}
        assert keys == used, (lang, sorted(keys ^ used))


def _guard_accepts(frame: pl.DataFrame, method: str) -> bool:
    design = EvaluationDesign("territory", "period", "y", method, cohort="cohort", control="not-yet")
    try:
        check_design(build_panel(frame, design), design)
    except InsufficientData:
        return False
    return True


@pytest.mark.parametrize(
    "cohorts",
    [
        {"R0": 2020},
        {"R0": 2020, "R1": 2021},
        {"R0": 2018, "R1": 2020, "R2": 2020},
        {f"R{i}": 2020 for i in range(4)},
        {f"R{i}": 2016 for i in range(4)},
        {"R0": 2017, "R1": 2019, "R2": 2021, "R3": 2023},
    ],
)
@pytest.mark.parametrize("first", [2016, 2017, 2019])
def test_a_feasible_design_is_never_refused_by_the_guard(cohorts: dict[str, int], first: int) -> None:
    units, periods = [f"R{i}" for i in range(4)], list(range(first, 2024))
    frame = pl.DataFrame(
        {
            "territory": [u for u in units for _ in periods],
            "period": periods * len(units),
            "y": np.arange(len(units) * len(periods), dtype=float),
            "cohort": [cohorts.get(u, 0) for u in units for _ in periods],
        }
    )
    facts = panel_facts(frame, frequency="A", start=2020, regions=units, cohorts=cohorts)
    result = assess("X", facts)
    for method in result.feasible:
        assert _guard_accepts(frame, method), (method, facts)
