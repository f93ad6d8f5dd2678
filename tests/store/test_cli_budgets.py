"""``natije show`` lists budget lines: goal, funding, stages in lifecycle order,
money per language, versions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner

from natije.cli import app
from natije.domain.budgets import BudgetLine, BudgetStage, Funding
from natije.store import Store
from natije.store.catalog import write_package

runner = CliRunner()
S = BudgetStage


@pytest.fixture
def with_budgets(db_url: str, reference, package) -> str:
    g = "DK2018.G1"
    lines = (  # given out of order on purpose
        BudgetLine("DK2018", 2019, S.EXECUTED, 4.5e9, goal=g, funding=Funding.REPUBLICAN),
        BudgetLine(
            "DK2018",
            2019,
            S.ADJUSTED,
            5.5e9,
            goal=g,
            funding=Funding.REPUBLICAN,
            decided_on=date(2019, 6, 1),
            document="Decree 12",
        ),
        BudgetLine("DK2018", 2019, S.PLANNED, 6e9, goal=g, funding=Funding.REPUBLICAN),
        BudgetLine("DK2018", 2019, S.APPROVED, 5e9, goal=g, funding=Funding.REPUBLICAN),
        BudgetLine("DK2018", 2019, S.APPROVED, 2e9, goal=g, funding=Funding.LOCAL),
    )
    store = Store.open(db_url)
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, replace(package, budgets=lines))
        moved = replace(lines[1], amount=4.6e9, decided_on=date(2020, 2, 3), document="Decree 40")
        write_package(conn, replace(package, budgets=(*lines, moved)))
    store.close()
    return db_url


def test_show_json_lists_stages_in_lifecycle_order_with_every_version(with_budgets: str) -> None:
    res = runner.invoke(app, ["--db", with_budgets, "show", "DK2018", "--format", "json"])
    assert res.exit_code == 0, res.output
    got = [
        (b["funding"], b["stage"], b["version"], b["amount"], b["decided_on"], b["document"])
        for b in json.loads(res.output)["budgets"]
    ]
    assert got == [
        ("local", "approved", 1, 2e9, None, None),
        ("republican", "planned", 1, 6e9, None, None),
        ("republican", "approved", 1, 5e9, None, None),
        ("republican", "adjusted", 1, 5.5e9, "2019-06-01", "Decree 12"),
        ("republican", "adjusted", 2, 4.6e9, "2020-02-03", "Decree 40"),
        ("republican", "executed", 1, 4.5e9, None, None),
    ]


@pytest.mark.parametrize(
    "lang,words",
    [
        (
            "kk",
            [
                "бюджет",
                "мақсат",
                "қаржыландыру",
                "республикалық бюджет",
                "нақтыланған",
                "5,5 млрд теңге",
                "03.02.2020",
            ],
        ),
        (
            "ru",
            [
                "бюджет",
                "цель",
                "финансирование",
                "местный бюджет",
                "уточнено",
                "5,5 млрд тенге",
                "03.02.2020",
            ],
        ),
        ("en", ["budget", "goal", "funding", "republican budget", "adjusted", "KZT 5.5 bn", "2020-02-03"]),
    ],
)
def test_show_table_words_and_money_in_each_language(with_budgets: str, lang: str, words: list[str]) -> None:
    res = runner.invoke(app, ["--db", with_budgets, "--lang", lang, "show", "DK2018"], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.replace("\N{NO-BREAK SPACE}", " ").split()).lower()  # headers are capitalised
    for word in words:
        assert word.lower() in flat, (word, res.output)
