"""program.yaml budgets: many lines per year and stage, versions numbered per line,
problems with their line."""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.domain.budgets import Funding
from natije.ingest.export import program_yaml_text
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml

HEAD = """format: natije-program/1
program: {code: P, names: {kk: a, ru: b, en: c}, kind: project, start_year: 2020, end_year: 2022,
          status: in_force, goals: [{code: P.G1, names: {kk: a, ru: b, en: c}}]}
indicators:
  - {code: P.I1, names: {kk: a, ru: b, en: c}, unit: "%", direction: increase}
  - {code: P.I2, names: {kk: a, ru: b, en: c}, unit: "%", direction: increase}
budgets:
"""


def _parse(text: str) -> tuple[object, ProblemLog]:
    log = ProblemLog()
    return parse_program_yaml(text.encode(), "p/program.yaml", log), log


def test_lines_of_one_year_and_stage_are_told_apart_and_versions_numbered_in_decision_order() -> None:
    text = (
        HEAD
        + """  - {year: 2021, stage: approved, amount: 100, goal: P.G1, funding: republican,
     indicators: [P.I1]}
  - {year: 2021, stage: approved, amount: 40, goal: P.G1, funding: local, indicators: [P.I1]}
  - {year: 2021, stage: approved, amount: 7, goal: P.G1, funding: republican, indicators: [P.I2]}
  - {year: 2021, stage: approved, amount: 3, currency: USD, goal: P.G1, funding: republican,
     indicators: [P.I1]}
  - {year: 2021, stage: approved, amount: 9, line: "001-101", goal: P.G1, funding: republican,
     indicators: [P.I1]}
  - {year: 2021, stage: approved, amount: 130, goal: P.G1, funding: republican, indicators: [P.I1],
     decided_on: 2022-03-01, document: Decree 2}
  - {year: 2021, stage: approved, amount: 120, goal: P.G1, funding: republican, indicators: [P.I1],
     decided_on: 2021-06-01, document: Decree 1}
"""
    )
    parsed, log = _parse(text)
    assert not log, [p.describe() for p in log.items]
    budgets = parsed.package.budgets  # type: ignore[attr-defined]
    main = sorted(
        (b.version, b.amount, b.decided_on, b.document)
        for b in budgets
        if b.funding is Funding.REPUBLICAN
        and b.indicators == ("P.I1",)
        and b.currency == "KZT"
        and b.line is None
    )
    assert main == [
        (1, 100.0, None, None),
        (2, 120.0, date(2021, 6, 1), "Decree 1"),
        (3, 130.0, date(2022, 3, 1), "Decree 2"),
    ]
    assert len({b.key for b in budgets}) == 5


def test_the_same_amount_twice_on_one_decision_date_is_a_problem_and_bad_values_are_named() -> None:
    text = (
        HEAD
        + """  - {year: 2021, stage: approved, amount: 100, decided_on: 2021-01-05, document: D}
  - {year: 2021, stage: approved, amount: 100, decided_on: 2021-01-05, document: E}
  - {year: 2021, stage: approved, amount: 5, funding: budgetary}
  - {year: 2021, stage: approved, amount: 5, decided_on: 2021-02-30}
"""
    )
    _, log = _parse(text)
    got = sorted((p.row, p.column, p.code) for p in log.items)
    assert got == [
        (9, "budgets[1]", "duplicate_budget"),
        (10, "budgets[2].funding", "schema"),
        (11, "budgets[3].decided_on", "date"),
    ]


line = st.fixed_dictionaries(
    {
        "year": st.integers(2020, 2022),
        "stage": st.sampled_from(["planned", "approved", "adjusted", "executed"]),
        "amount": st.floats(0, 1e13, allow_nan=False),
        "currency": st.sampled_from(["KZT", "USD"]),
    },
    optional={
        "goal": st.just("P.G1"),
        "line": st.sampled_from(["001", "002-100"]),
        "funding": st.sampled_from([f.value for f in Funding]),
        "indicators": st.lists(st.sampled_from(["P.I1", "P.I2"]), min_size=1, max_size=2, unique=True),
        "decided_on": st.dates(date(2019, 1, 1), date(2024, 12, 31)),
        "document": st.just("Decree «1»"),
        "source": st.just("stat"),
    },
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(line, min_size=1, max_size=8))
def test_parse_export_parse_keeps_every_line_and_version(lines: list[dict]) -> None:
    body = yaml.safe_dump({"budgets": lines}, allow_unicode=True, sort_keys=False).split("\n", 1)[1]
    first, log = _parse(HEAD.replace("budgets:\n", "sources: [{code: stat, title: S}]\nbudgets:\n") + body)
    # repeated entries are reported (tested above); any other problem is a bug
    assert {p.code for p in log.items} <= {"duplicate_budget"}, [p.describe() for p in log.items]
    pkg = first.package  # type: ignore[attr-defined]
    text = program_yaml_text(pkg)
    again, log2 = _parse(text)
    assert not log2, [p.describe() for p in log2.items]
    assert program_yaml_text(again.package) == text  # type: ignore[attr-defined]
    assert sorted(map(repr, again.package.budgets)) == sorted(map(repr, pkg.budgets))  # type: ignore[attr-defined]
