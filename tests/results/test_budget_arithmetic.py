"""Budget arithmetic against a table computed by hand: per line adjusted-else-approved,
versions, currencies apart.

The lines (program P; amounts in the line's currency; d = decision date, none = undated):

| line | year | goal | funding       | cur | indicators |
|------|------|------|---------------|-----|------------|
| A    | 2024 | G1   | republican    | KZT | P.X        |
| B    | 2024 | G1   | local         | KZT | P.X        |
| C    | 2024 | G2   |               | KZT | P.Y        |
| D    | 2024 | G1   | republican    | USD | P.X        |
| E    | 2024 | G2   |               | KZT |            |
| F    | 2024 | G2   | national_fund | KZT |            |
| A'   | 2025 | G1   | republican    | KZT | P.X        |

| line | planned | approved | adjusted                    | executed        |
|------|---------|----------|-----------------------------|-----------------|
| A    |         | 100      | 120 (d 2024-05-01)          | 110 (d 2025-02) |
| B    |         | 50       |                             | 45 (d 2025-02)  |
| C    |         | 200      | 180 (d 2024-06), 150 (d 10) | 140 (d 2025-02) |
| D    |         | 10       |                             | 9 (d 2025-02)   |
| E    | 30      | 25       |                             |                 |
| F    |         |          | 60                          | 30 (d 2025-02)  |
| A'   |         | 100      |                             |                 |

Approved per line (adjusted where one exists): A 120, B 50, C 150 (the later adjustment), D 10 USD, E 25,
F 60, A' 100.
2024 in KZT: planned 30; approved 120 + 50 + 150 + 25 + 60 = 405; executed 110 + 45 + 140 + 30 = 325.
Spent share (lines reporting an executed amount): KZT 325 / (120 + 50 + 150 + 60 = 380); USD 9 / 10.
As of 2024-07-01: C's approved is 180 (the October decision is not yet made) and nothing is executed yet.
Cost per unit (money = executed, else approved): P.X in KZT 110 + 45 + 100 (A', nothing executed yet) = 255
over |60 − 50| = 10 → 25.5; P.X in USD 9 / 10 = 0.9; P.Y 140 / |30 − 40| = 14.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.domain.budgets import BudgetLine, BudgetStage, Funding
from natije.domain.budgets import in_force as domain_in_force
from natije.results.asof import filter_as_of
from natije.results.budget import cost_per_result, execution, in_force, lines, spent_vs_achieved
from natije.results.frames import ProgramFrames
from natije.results.scorecard import scorecard

REPORT = date(2025, 2, 1)
ROWS = [  # line, year, goal, funding, currency, indicators, stage, amount, decided_on, version
    ("A", 2024, "G1", "republican", "KZT", ["P.X"], "approved", 100.0, None, 1),
    ("A", 2024, "G1", "republican", "KZT", ["P.X"], "adjusted", 120.0, date(2024, 5, 1), 1),
    ("A", 2024, "G1", "republican", "KZT", ["P.X"], "executed", 110.0, REPORT, 1),
    ("B", 2024, "G1", "local", "KZT", ["P.X"], "approved", 50.0, None, 1),
    ("B", 2024, "G1", "local", "KZT", ["P.X"], "executed", 45.0, REPORT, 1),
    ("C", 2024, "G2", None, "KZT", ["P.Y"], "approved", 200.0, None, 1),
    ("C", 2024, "G2", None, "KZT", ["P.Y"], "adjusted", 180.0, date(2024, 6, 1), 1),
    ("C", 2024, "G2", None, "KZT", ["P.Y"], "adjusted", 150.0, date(2024, 10, 1), 2),
    ("C", 2024, "G2", None, "KZT", ["P.Y"], "executed", 140.0, REPORT, 1),
    ("D", 2024, "G1", "republican", "USD", ["P.X"], "approved", 10.0, None, 1),
    ("D", 2024, "G1", "republican", "USD", ["P.X"], "executed", 9.0, REPORT, 1),
    ("E", 2024, "G2", None, "KZT", [], "planned", 30.0, None, 1),
    ("E", 2024, "G2", None, "KZT", [], "approved", 25.0, None, 1),
    ("F", 2024, "G2", "national_fund", "KZT", [], "adjusted", 60.0, None, 1),
    ("F", 2024, "G2", "national_fund", "KZT", [], "executed", 30.0, REPORT, 1),
    ("A", 2025, "G1", "republican", "KZT", ["P.X"], "approved", 100.0, None, 1),
]


def budgets() -> pl.DataFrame:
    # the letters name the rows of the table above; the data carries no line code, as most budgets give none
    cols = [
        "_name",
        "year",
        "goal",
        "funding",
        "currency",
        "indicators",
        "stage",
        "amount",
        "decided_on",
        "version",
    ]
    frame = pl.DataFrame(ROWS, schema=cols, orient="row").drop("_name")
    return frame.with_columns(pl.lit("P").alias("program"), pl.lit(None, pl.String).alias("line"))


def test_in_force_takes_the_latest_decided_version_of_each_line_and_stage():
    current = in_force(budgets())
    assert current.height == len(ROWS) - 1
    assert current.filter(pl.col("stage") == "adjusted").sort("amount")["amount"].to_list() == [
        60.0,
        120.0,
        150.0,
    ]


def test_each_line_takes_its_own_adjusted_amount_else_its_approved_one():
    per_line = lines(budgets()).filter(pl.col("year") == 2024).sort("currency", "goal", "funding", "approved")
    assert per_line.select("goal", "funding", "currency", "approved", "executed").rows() == [
        ("G1", "local", "KZT", 50.0, 45.0),
        ("G1", "republican", "KZT", 120.0, 110.0),
        ("G2", None, "KZT", 25.0, None),
        ("G2", None, "KZT", 150.0, 140.0),
        ("G2", "national_fund", "KZT", 60.0, 30.0),
        ("G1", "republican", "USD", 10.0, 9.0),
    ]


def test_execution_by_year_keeps_currencies_apart():
    ex = execution(budgets())
    assert ex.select("year", "currency", "planned", "approved", "executed").rows() == [
        (2024, "KZT", 30.0, 405.0, 325.0),
        (2024, "USD", None, 10.0, 9.0),
        (2025, "KZT", None, 100.0, None),
    ]
    assert ex["rate"].to_list() == [pytest.approx(325 / 405), pytest.approx(0.9), None]
    by_goal = execution(budgets(), by=("program", "goal", "year")).filter(
        (pl.col("year") == 2024) & (pl.col("currency") == "KZT")
    )
    assert by_goal.select("goal", "approved", "executed").rows() == [
        ("G1", 170.0, 155.0),
        ("G2", 235.0, 170.0),
    ]


def test_spent_share_counts_reported_lines_per_currency():
    money = spent_vs_achieved(budgets(), pl.DataFrame({"status": ["achieved", "off_track", "no_data"]}))
    assert (money["currency"], money["approved"], money["executed"]) == ("KZT", 380.0, 325.0)
    assert money["spent_share"] == pytest.approx(325 / 380) and money["achieved_share"] == 0.5
    assert [(m["currency"], m["approved"], m["executed"]) for m in money["by_currency"]] == [
        ("KZT", 380.0, 325.0),
        ("USD", 10.0, 9.0),
    ]


def test_as_of_a_date_the_version_in_force_then_counts():
    frames = filter_as_of(ProgramFrames.build(program="P", budgets=budgets()), date(2024, 7, 1))
    ex = execution(frames.budgets).filter((pl.col("year") == 2024) & (pl.col("currency") == "KZT"))
    assert ex.select("approved", "executed").row(0) == (120.0 + 50 + 180 + 25 + 60, None)
    money = spent_vs_achieved(frames.budgets, pl.DataFrame({"status": []}, schema={"status": pl.String}))
    assert money["spent_share"] is None and money["achieved_share"] is None


def test_cost_per_unit_per_indicator_and_currency():
    results = pl.DataFrame(
        {
            "indicator": ["P.X", "P.Y"],
            "territory": ["000000000"] * 2,
            "period": ["2024"] * 2,
            "actual": [60.0, 30.0],
            "baseline": [50.0, 40.0],
            "unit": ["%", "count"],
        }
    )
    cost = cost_per_result(budgets(), results, ["000000000"])
    assert cost.select("indicator", "currency", "money", "cost_per_unit", "shared").rows() == [
        ("P.X", "KZT", 255.0, 25.5, 1),
        ("P.X", "USD", 9.0, 0.9, 1),
        ("P.Y", "KZT", 140.0, 14.0, 1),
    ]


entries = st.lists(
    st.tuples(
        st.sampled_from(["G1", None]),
        st.sampled_from(["republican", None]),
        st.sampled_from(["KZT", "USD"]),
        st.sampled_from([(), ("P.X",)]),
        st.integers(2024, 2025),
        st.sampled_from(["planned", "approved", "adjusted", "executed"]),
        st.integers(0, 1000).map(float),
        st.sampled_from([None, date(2024, 3, 1), date(2024, 9, 1)]),
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(rows=entries)
def test_execution_equals_a_plain_per_line_definition(rows):
    """Any lines: the engine's sums equal, per year and currency,
    the line-by-line rule written out in Python."""
    domain, seen = [], {}
    for goal, funding, cur, ind, year, stage, amount, day in rows:
        line = BudgetLine(
            "P",
            year,
            BudgetStage(stage),
            amount,
            cur,
            goal,
            ind,
            funding=Funding(funding) if funding else None,
            decided_on=day,
        )
        n = seen[(line.key, day)] = seen.get((line.key, day), 0) + 1
        domain.append(replace(line, version=n))  # two amounts of one line on one day: two versions
    current = domain_in_force(domain).values()
    expected: dict[tuple, list] = {}
    per_line: dict[tuple, dict[str, float]] = {}
    for b in current:
        per_line.setdefault(b.key[:-1], {})[b.stage.value] = b.amount
    for key, stages in per_line.items():
        cell = expected.setdefault((key[6], key[4]), [0.0, 0.0, False, False])  # year, currency
        base = stages.get("adjusted", stages.get("approved"))
        if base is not None:
            cell[0] += base
            cell[2] = True
        if "executed" in stages:
            cell[1] += stages["executed"]
            cell[3] = True
    frame = pl.DataFrame(
        [
            {
                "program": "P",
                "goal": b.goal,
                "funding": b.funding.value if b.funding else None,
                "currency": b.currency,
                "indicators": list(b.indicators),
                "year": b.year,
                "stage": b.stage.value,
                "amount": b.amount,
                "decided_on": b.decided_on,
                "version": b.version,
            }
            for b in domain
        ],
        schema={
            "program": pl.String,
            "goal": pl.String,
            "funding": pl.String,
            "currency": pl.String,
            "indicators": pl.List(pl.String),
            "year": pl.Int32,
            "stage": pl.String,
            "amount": pl.Float64,
            "decided_on": pl.Date,
            "version": pl.Int32,
        },
    )
    got = {(r["year"], r["currency"]): (r["approved"], r["executed"]) for r in execution(frame).to_dicts()}
    want = {k: (a if has_a else None, e if has_e else None) for k, (a, e, has_a, has_e) in expected.items()}
    assert got == want


def test_scorecard_money_uses_the_versions_known_on_its_date():
    frames = ProgramFrames.build(program="P", budgets=budgets())
    later, before = scorecard(frames, as_of="2025-12-31"), scorecard(frames, as_of="2024-07-01")
    assert (later.currency, later.approved, later.executed) == ("KZT", 380.0, 325.0)
    assert [(m["currency"], m["spent_share"]) for m in later.money_by_currency] == [
        ("KZT", pytest.approx(325 / 380)),
        ("USD", pytest.approx(0.9)),
    ]
    assert (before.approved, before.executed, before.spent_share) == (None, None, None)
