"""Migration 0003 upgrades a store with budgets in it without loss
(SQLite rebuilds the table; links survive)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alembic import command
from sqlalchemy import Engine, text

from natije.store import Store
from natije.store.catalog import write_package
from natije.store.migrations import config, current, head, upgrade
from natije.store.reads import get_package


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


OLD_LINES = [  # the 0002 key: one amount per program, goal, year and stage
    (1, "P.G1", 2020, "approved", 100.0, "KZT", "stat"),
    (2, "P.G1", 2020, "executed", 90.0, "KZT", None),
    (3, "", 2020, "approved", 5.5, "USD", None),
]


def test_upgrade_keeps_every_line_its_links_and_makes_them_version_one(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        _downgrade(store.engine, "0002")
        assert current(store.engine) == "0002"
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (id, code, title, kind) VALUES (1, 'stat', 'Statistics', 'official')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO programs "
                    "(id, code, name_kk, name_ru, name_en, kind, start_year, end_year, status) "
                    "VALUES (1, 'P', 'P', 'P', 'P', 'project', 2020, 2022, 'in_force')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO goals (id, program_id, code, kind, position, name_kk, name_ru, name_en) "
                    "VALUES (1, 1, 'P.G1', 'goal', 0, 'G', 'G', 'G')"
                )
            )
            for i, code in ((1, "P.B"), (2, "P.A")):
                conn.execute(
                    text(
                        "INSERT INTO indicators (id, code, program_id, position, name_kk, name_ru, name_en, "
                        "unit, direction, kind, level, frequency) "
                        "VALUES (:i, :c, 1, :i, 'x', 'x', 'x', '%', 'increase', 'stock', 'outcome', 'A')"
                    ),
                    {"i": i, "c": code},
                )
            conn.execute(
                text(
                    "INSERT INTO budget_lines (id, program_id, goal, year, stage, amount, currency, source) "
                    "VALUES (:id, 1, :goal, :year, :stage, :amount, :currency, :source)"
                ),
                [
                    dict(zip(("id", "goal", "year", "stage", "amount", "currency", "source"), r))
                    for r in OLD_LINES
                ],
            )
            conn.execute(
                text(
                    "INSERT INTO budget_indicators (budget_line_id, indicator_id) "
                    "VALUES (1, 1), (1, 2), (2, 2)"
                )
            )
        upgrade(store.engine)
        assert current(store.engine) == head()
        with store.connect() as conn:
            links = conn.execute(
                text(
                    "SELECT budget_line_id, indicator_id FROM budget_indicators "
                    "ORDER BY budget_line_id, indicator_id"
                )
            ).all()
            rows = conn.execute(
                text(
                    "SELECT id, indicators, version, line, funding, decided_on, recorded_at "
                    "FROM budget_lines ORDER BY id"
                )
            ).all()
            budgets = get_package(conn, "P").budgets
        assert [tuple(r) for r in links] == [(1, 1), (1, 2), (2, 2)]
        assert [(r.id, r.indicators, r.version, r.line, r.funding, r.decided_on) for r in rows] == [
            (1, "P.A;P.B", 1, "", "", None),
            (2, "P.A", 1, "", "", None),
            (3, "", 1, "", "", None),
        ]
        assert all(r.recorded_at is not None for r in rows)
        got = {
            (b.goal, b.stage.value, b.amount, b.currency, b.indicators, b.source, b.version) for b in budgets
        }
        assert got == {
            ("P.G1", "approved", 100.0, "KZT", ("P.A", "P.B"), "stat", 1),
            ("P.G1", "executed", 90.0, "KZT", ("P.A",), None, 1),
            (None, "approved", 5.5, "USD", (), None, 1),
        }
    finally:
        store.close()


def test_downgrade_keeps_the_newest_version_of_each_old_key_with_its_links(
    db_url: str, reference, package
) -> None:
    store = Store.open(db_url)
    try:
        first = package.budgets[0]  # approved 2019, goal G1, linked to DK2018.LIT
        moved = replace(first, amount=7e9, decided_on=date(2020, 1, 5), document="Law 9")
        with store.transaction() as conn:
            write_package(conn, reference)
            write_package(conn, replace(package, budgets=(*package.budgets, moved)))
        _downgrade(store.engine, "0002")
        with (
            store.engine.connect() as conn
        ):  # the store refuses reads below its head schema: read the raw tables
            rows = conn.execute(
                text(
                    "SELECT b.stage, b.amount, COUNT(l.indicator_id) FROM budget_lines b LEFT JOIN "
                    "budget_indicators l ON l.budget_line_id = b.id GROUP BY b.id, b.stage, b.amount "
                    "ORDER BY b.stage"
                )
            ).all()
        assert [tuple(r) for r in rows] == [("approved", 7e9, 1), ("executed", 4.5e9, 0)]
        upgrade(store.engine)
        assert current(store.engine) == head()
    finally:
        store.close()
