"""Which designs an indicator's data allow (evaluation.evaluability): each rule and its edges on hand-built
panels, the verdict, the best method and the needs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import polars as pl
import pytest

from natije.evaluation.evaluability import (
    CREDIBLE_PRE_PERIODS,
    MIN_PRE_PERIODS,
    NEEDS,
    RULES,
    Evaluability,
    Need,
    assess,
    panel_facts,
    preference,
)
from natije.evaluation.registry import known_methods

REGIONS = [f"R{i}" for i in range(6)]


def _cells(units: Iterable[str], periods: Iterable[int]) -> pl.DataFrame:
    rows = [(u, p) for u in units for p in periods]
    return pl.DataFrame(rows, schema={"territory": pl.String, "period": pl.Int64}, orient="row")


def _assess(
    cells: pl.DataFrame,
    start: int = 2020,
    cohorts: Mapping[str, int | None] | None = None,
    series: Iterable[int] = (),
) -> Evaluability:
    facts = panel_facts(cells, frequency="A", start=start, regions=REGIONS, cohorts=cohorts, series=series)
    return assess("X", facts)


def test_no_regional_data_and_no_series_needs_everything() -> None:
    r = _assess(_cells([], []))
    assert (r.verdict, r.method, r.feasible) == ("none", None, ())
    assert r.facts.units == 0 and r.facts.regions == 6
    assert r.needs == (
        Need("regional_values", 6),
        Need("rollout_dates"),
        Need("comparison_units"),
        Need("pre_periods", CREDIBLE_PRE_PERIODS),
        Need("post_periods", 1),
    )


def test_one_region_is_no_panel_but_a_national_series_allows_a_forecast() -> None:
    r = _assess(_cells(["R0"], range(2010, 2024)), start=2018, series=range(2010, 2024))
    assert r.facts.units == 1 and r.facts.series_pre_periods == 8 and r.facts.series_post_periods == 6
    assert (r.verdict, r.method, r.feasible) == ("weak", "its", ("its",))
    assert [n.code for n in r.needs] == ["regional_values", "rollout_dates", "comparison_units"]
    assert r.needs[0].count == 5  # five of the six regions have no values


def test_a_national_series_one_period_short_of_a_forecast() -> None:
    needed = MIN_PRE_PERIODS["its"]
    r = _assess(_cells([], []), start=2018, series=range(2018 - needed + 1, 2022))
    assert r.facts.series_pre_periods == needed - 1
    assert r.verdict == "none"
    r = _assess(_cells([], []), start=2018, series=range(2018 - needed, 2022))
    assert (r.verdict, r.method) == ("weak", "its")


def test_only_post_period_data_needs_periods_before() -> None:
    cells = _cells(REGIONS, range(2020, 2024))
    unknown = _assess(cells)
    assert (unknown.verdict, unknown.facts.pre_periods, unknown.facts.post_periods) == ("none", 0, 4)
    assert Need("pre_periods", 2) in unknown.needs and Need("rollout_dates") in unknown.needs
    # with untreated regions the comparison exists: only the periods before are missing
    known = _assess(cells, cohorts={"R0": 2020, "R1": 2020})
    assert (known.facts.treated, known.facts.untreated) == (2, 4)
    assert (known.verdict, known.needs) == ("none", (Need("pre_periods", 2),))


def test_all_regions_reached_at_once_leaves_only_a_forecast() -> None:
    cohorts = dict.fromkeys(REGIONS, 2020)
    r = _assess(_cells(REGIONS, range(2015, 2023)), cohorts=cohorts)
    assert (r.facts.treated, r.facts.untreated, r.facts.cohorts) == (6, 0, (2020,))
    assert (r.verdict, r.method, r.feasible) == ("weak", "its", ("its",))
    assert r.needs == (Need("comparison_units"),)
    short = _assess(_cells(REGIONS, range(2018, 2023)), cohorts=cohorts)  # two years before: no forecast
    assert (short.verdict, short.needs) == ("none", (Need("comparison_units"),))


def test_unknown_rollout_is_taken_as_all_regions_at_the_start() -> None:
    r = _assess(_cells(REGIONS, range(2015, 2023)))
    assert not r.facts.rollout_known and r.facts.cohorts == (2020,) and r.facts.untreated == 0
    assert r.verdict == "weak" and r.needs == (Need("rollout_dates"), Need("comparison_units"))


def test_one_treated_region_with_donors_prefers_synthetic_methods() -> None:
    r = _assess(_cells(REGIONS, range(2016, 2023)), cohorts={"R0": 2020})
    assert (r.facts.treated, r.facts.untreated, r.facts.pre_periods, r.facts.post_periods) == (1, 5, 4, 3)
    assert (r.verdict, r.method) == ("credible", "sdid")
    assert r.feasible == ("sdid", "sc", "did", "cs", "its") and r.needs == ()


def test_one_period_before_allows_did_but_not_synthetic_control() -> None:
    r = _assess(_cells(REGIONS, range(2019, 2023)), cohorts={"R0": 2020})
    assert r.facts.pre_periods == 1 < MIN_PRE_PERIODS["sc"]
    assert (r.verdict, r.method, r.feasible) == ("weak", "did", ("did", "cs"))
    assert r.needs == (Need("pre_periods", 1),)


def test_many_treated_few_donors_prefer_did() -> None:
    cohorts = {u: 2020 for u in REGIONS[:5]}
    r = _assess(_cells(REGIONS, range(2016, 2023)), cohorts=cohorts)
    assert (r.verdict, r.method) == ("credible", "did")
    assert r.feasible[:2] == ("did", "cs")


def test_staggered_cohorts_without_never_treated_units_need_cs() -> None:
    cohorts = {"R0": 2018, "R1": 2018, "R2": 2020, "R3": 2020, "R4": 2022, "R5": 2022}
    r = _assess(_cells(REGIONS, range(2015, 2024)), cohorts=cohorts)
    f = r.facts
    assert (f.treated, f.untreated, f.cohorts) == (6, 0, (2018, 2020, 2022))
    assert (f.pre_periods, f.post_periods) == (
        7,
        6,
    )  # 2015-2021 before the last wave; 2018-2023 from the first
    assert (r.verdict, r.method, r.feasible) == ("credible", "cs", ("cs", "its"))


def test_a_cohort_after_the_last_period_is_not_yet_treated() -> None:
    cohorts = {"R0": 2020, "R1": 2020, "R2": 2020, "R3": 2020, "R4": 2030, "R5": 2030}
    r = _assess(_cells(REGIONS, range(2016, 2023)), cohorts=cohorts)
    assert (r.facts.treated, r.facts.untreated, r.facts.cohorts) == (4, 2, (2020,))
    assert r.method == "did" and "sdid" in r.feasible


def test_a_program_starting_after_the_data_needs_periods_after() -> None:
    r = _assess(_cells(REGIONS, range(2010, 2018)), start=2021)
    assert (r.facts.treated, r.facts.pre_periods, r.facts.post_periods) == (0, 8, 0)
    assert r.verdict == "none" and Need("post_periods", 1) in r.needs


def test_only_periods_every_unit_has_count() -> None:
    cells = pl.concat([_cells(["R0"], range(2014, 2023)), _cells(REGIONS[1:], range(2018, 2023))])
    r = _assess(cells, cohorts={"R0": 2020})
    assert r.facts.units == 6 and r.facts.pre_periods == 2  # 2018 and 2019: R0's earlier years do not count


def test_preference_puts_its_last_and_rules_name_registered_methods() -> None:
    r = _assess(_cells(REGIONS, range(2016, 2023)), cohorts={"R0": 2020})
    assert set(RULES) == set(preference(r.facts)) and set(RULES) <= set(known_methods())
    for facts in (r.facts, _assess(_cells(REGIONS, range(2016, 2023))).facts):
        assert preference(facts)[-1] == "its"


@pytest.mark.parametrize("cohorts", [None, {"R0": 2020}])
def test_result_is_frozen_and_json_ready(cohorts: Mapping[str, int | None] | None) -> None:
    r = _assess(_cells(REGIONS, range(2016, 2023)), cohorts=cohorts)
    data = json.loads(json.dumps(r.to_dict()))
    assert data["verdict"] == r.verdict and data["facts"]["cohorts"] == list(r.facts.cohorts)
    assert all(n["code"] in NEEDS for n in data["needs"])
    with pytest.raises(AttributeError):
        r.verdict = "credible"  # type: ignore[misc]
