"""Achievement rules: direction, kind, which commitment version, as-of filtering."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
from frames_builders import KZ, commits, indicators, obs, target_row
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results.engine import results_table
from natije.results.frames import ProgramFrames
from natije.results.rules import DECREASE, INCREASE, MAINTAIN, score_one
from natije.results.thresholds import DEFAULT


def _one(direction: str, actual: float, baseline: float | None, target: float, tol: float | None = None):
    """The achievement rule on one row (the tolerance defaulting as the engine defaults it)."""
    row = target_row(
        actual=actual,
        baseline=math.nan if baseline is None else baseline,
        target=target,
        direction={"increase": INCREASE, "decrease": DECREASE, "maintain": MAINTAIN}[direction],
        tolerance=abs(target) * DEFAULT.maintain_tolerance if tol is None else tol,
    )
    met, gap, ratio, achievement = score_one(row)
    return {
        "met": None if met < 0 else met == 1,
        "gap_closed": None if math.isnan(gap) else gap,
        "ratio": None if math.isnan(ratio) else ratio,
        "achievement": None if math.isnan(achievement) else achievement,
    }


def test_increase_gap_and_ratio():
    r = _one("increase", 60, 40, 80)
    assert r["gap_closed"] == 0.5 and r["ratio"] == 0.75 and r["achievement"] == 0.5 and not r["met"]


def test_decrease_is_mirrored():
    r = _one("decrease", 6, 8, 4)
    assert r["gap_closed"] == 0.5 and r["ratio"] == 4 / 6 and not r["met"]
    assert _one("decrease", 3.9, 8, 4)["met"]


def test_maintain_band():
    assert (
        _one("maintain", 101, None, 100, 2)["achievement"] == 1 and _one("maintain", 101, None, 100, 2)["met"]
    )
    outside = _one("maintain", 110, None, 100, 2)
    assert not outside["met"] and 0 < outside["achievement"] < 1


def test_target_on_wrong_side_of_baseline_uses_ratio():
    r = _one("increase", 50, 60, 55)
    assert r["gap_closed"] is None and r["achievement"] == r["ratio"]


@settings(max_examples=60, deadline=None)
@given(
    a1=st.floats(0, 1000),
    a2=st.floats(0, 1000),
    base=st.floats(0, 400),
    delta=st.floats(1, 500),
    direction=st.sampled_from(["increase", "decrease"]),
)
def test_achievement_monotone_with_direction(a1, a2, base, delta, direction):
    lo, hi = sorted((a1, a2))
    target = base + delta if direction == "increase" else max(base - delta, 0.001)
    if direction == "decrease" and target >= base:
        return
    x, y = _one(direction, lo, base, target)["achievement"], _one(direction, hi, base, target)["achievement"]
    assert (y >= x) if direction == "increase" else (y <= x)


def _frames(kind: str, values: list[tuple[str, float]], targets: list[tuple]) -> ProgramFrames:
    ind = indicators([{"code": "X", "kind": kind, "unit": "count", "program": "P"}])
    o = obs([("X", KZ, p, v) for p, v in values])
    c = commits([("X", None, *t) for t in targets])
    return ProgramFrames.build(program="P", indicators=ind, observations=o, commitments=c)


def test_cumulative_uses_running_sum():
    f = _frames(
        "cumulative", [("2021", 10), ("2022", 20), ("2023", 30)], [("target", "2023", 55, date(2020, 1, 1))]
    )
    r = results_table(f, as_of="2024-06-01").row(0, named=True)
    assert r["actual"] == 60 and r["status"] == "achieved"


def test_periodic_needs_the_target_period_itself():
    f = _frames("periodic", [("2021", 10), ("2022", 20)], [("target", "2023", 15, date(2020, 1, 1))])
    r = results_table(f, as_of="2023-06-01").row(0, named=True)
    assert r["actual"] is None and r["status"] != "achieved"


def test_stock_takes_last_value_before_target():
    f = _frames(
        "stock", [("2021", 10), ("2022", 20), ("2025", 99)], [("target", "2023", 15, date(2020, 1, 1))]
    )
    r = results_table(f, as_of="2026-06-01").row(0, named=True)
    assert r["actual"] == 20 and r["actual_period"] == "2022" and r["status"] == "achieved"


def test_current_versus_first_promised_and_as_of():
    targets = [("target", "2025", 100, date(2020, 1, 1), 1), ("target", "2025", 70, date(2023, 1, 1), 2)]
    f = _frames("stock", [("2021", 60), ("2022", 65), ("2023", 72)], targets)
    now = results_table(f, as_of="2024-01-01").row(0, named=True)
    first = results_table(f, as_of="2024-01-01", basis="first").row(0, named=True)
    before = results_table(f, as_of="2022-06-01").row(0, named=True)
    assert now["target"] == 70 and now["status"] == "achieved"
    assert first["target"] == 100 and first["status"] != "achieved"
    assert before["target"] == 100 and before["target_version"] == 1


def test_as_of_ignores_later_observations_and_revisions():
    from datetime import datetime

    ind = indicators([{"code": "X", "program": "P"}])
    o = obs([("X", KZ, "2021", 50, datetime(2022, 2, 1)), ("X", KZ, "2022", 90, datetime(2023, 2, 1))])
    o = o.with_columns(pl.Series("first_recorded", [datetime(2021, 12, 1), datetime(2023, 2, 1)]))
    rev = pl.DataFrame(
        {
            "indicator": ["X", "X"],
            "territory": [KZ, KZ],
            "period": ["2021", "2021"],
            "value": [40.0, 50.0],
            "recorded_at": [datetime(2021, 12, 1), datetime(2022, 2, 1)],
        }
    )
    o = o.with_columns(
        pl.when(pl.col("period") == "2021")
        .then(datetime(2022, 2, 1))
        .otherwise(pl.col("recorded_at"))
        .alias("recorded_at")
    )
    c = commits([("X", None, "target", "2022", 80, date(2020, 1, 1))])
    f = ProgramFrames.build(program="P", indicators=ind, observations=o, commitments=c, revisions=rev)
    then = results_table(f, as_of="2022-01-15").row(0, named=True)
    assert then["actual"] == 40 and then["actual_period"] == "2021"
    assert results_table(f, as_of="2023-03-01").row(0, named=True)["actual"] == 90


def test_national_target_applies_to_regions_of_shares_but_not_counts():
    ind = indicators(
        [{"code": "S", "unit": "%", "program": "P"}, {"code": "C", "unit": "count", "program": "P"}]
    )
    o = obs([("S", "A", "2024", 50), ("S", "B", "2024", 70), ("C", "A", "2024", 5), ("C", KZ, "2024", 9)])
    c = commits(
        [
            ("S", None, "target", "2025", 60, date(2020, 1, 1)),
            ("S", "B", "target", "2025", 80, date(2020, 1, 1)),
            ("C", None, "target", "2025", 10, date(2020, 1, 1)),
        ]
    )
    f = ProgramFrames.build(program="P", indicators=ind, observations=o, commitments=c)
    t = {
        (r["indicator"], r["territory"]): r["target"]
        for r in results_table(f, as_of="2024-06-01").iter_rows(named=True)
    }
    assert t[("S", "A")] == 60 and t[("S", "B")] == 80 and t[("S", KZ)] == 60
    assert t[("C", KZ)] == 10 and ("C", "A") not in t


def test_latest_baseline_before_each_target():
    targets = [
        ("target", "2018", 50, date(2014, 1, 1)),
        ("target", "2022", 70, date(2014, 1, 1)),
        ("baseline", "2015", 10, date(2014, 1, 1)),
        ("baseline", "2019", 30, date(2020, 1, 1)),
    ]
    f = _frames("stock", [("2017", 40), ("2021", 60)], targets)
    t = results_table(f, as_of="2023-01-01")
    assert dict(zip(t["period"], t["baseline"])) == {"2018": 10, "2022": 30}
    assert dict(zip(t["period"], t["baseline_period"])) == {"2018": "2015", "2022": "2019"}


def test_cumulative_running_sum_whatever_the_row_order():
    from natije.results.achievement import indicator_rules, measures

    ind = indicators([{"code": "X", "kind": "cumulative", "unit": "count"}, {"code": "Y", "unit": "count"}])
    rows = [
        ("X", "A", "2021", 1),
        ("X", "A", "2022", 2),
        ("X", "B", "2021", 10),
        ("Y", "A", "2021", 5),
        ("X", "A", "2023", 3),
        ("X", "B", "2022", 20),
    ]
    for order in (rows, rows[::-1], sorted(rows)):
        m = measures(obs(order), indicator_rules(ind)).sort("indicator", "territory", "period")
        assert m["measure"].to_list() == [1, 3, 6, 10, 30, 5]


def test_a_territory_commitment_wins_over_the_national_one():
    """A share with a national target of 80 and, for region A only, its own target of 60 (same period)."""
    ind = indicators([{"code": "S", "unit": "%", "program": "P"}])
    o = obs([("S", r, "2023", 50) for r in ("A", "B")])
    c = commits(
        [
            ("S", None, "target", "2025", 80, date(2020, 1, 1)),
            ("S", "A", "target", "2025", 60, date(2020, 1, 1)),
        ]
    )
    f = ProgramFrames.build(program="P", indicators=ind, observations=o, commitments=c)
    t = results_table(f, as_of="2024-01-01").sort("territory")
    assert t.select("territory", "target").rows() == [(KZ, 80.0), ("A", 60.0), ("B", 80.0)]
