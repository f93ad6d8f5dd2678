"""``budget_moved_after_year``: a changed amount decided after its year ended is flagged, with evidence."""

from __future__ import annotations

from datetime import date

import polars as pl

from natije.cli.commands_results import evidence
from natije.results.flags import flags
from natije.results.frames import ProgramFrames

ROWS = [  # goal, currency, stage, amount, decided_on, version
    ("G1", "KZT", "approved", 100e9, None, 1),
    ("G1", "KZT", "adjusted", 120e9, date(2024, 5, 1), 1),
    ("G1", "KZT", "adjusted", 90e9, date(2025, 3, 1), 2),  # cut after the year: flagged
    ("G1", "KZT", "executed", 88e9, date(2025, 2, 1), 1),  # first report after the year: normal
    ("G1", "KZT", "executed", 89e9, date(2025, 4, 1), 2),  # revised after the year: flagged
    ("G2", "USD", "approved", 5e6, date(2024, 1, 10), 1),
    ("G2", "USD", "approved", 6e6, date(2024, 11, 1), 2),  # changed within the year: not flagged
    ("G2", "USD", "approved", 6e6, date(2025, 1, 10), 3),  # the amount in force decided again: not a move
]


def frames() -> ProgramFrames:
    b = pl.DataFrame(
        ROWS, schema=["goal", "currency", "stage", "amount", "decided_on", "version"], orient="row"
    )
    b = b.with_columns(
        pl.lit("P").alias("program"), pl.lit(2024).alias("year"), pl.lit(["P.X"]).alias("indicators")
    )
    other = b.head(3).with_columns(pl.lit("Q").alias("program"))  # another program's moves are not P's
    return ProgramFrames.build(program="P", budgets=pl.concat([b, other]))


def _moved(as_of: str) -> pl.DataFrame:
    return flags(frames(), as_of=as_of).filter(pl.col("flag") == "budget_moved_after_year").sort("day")


def test_only_amounts_changed_after_the_year_are_flagged_with_old_and_new():
    got = _moved("2025-12-31")
    assert got.select("indicator", "period", "old_value", "new_value", "day").rows() == [
        ("P.X", "2024", 120e9, 90e9, date(2025, 3, 1)),
        ("P.X", "2024", 88e9, 89e9, date(2025, 4, 1)),
    ]
    assert set(got["severity"]) == {2}


def test_a_move_is_unknown_before_its_decision():
    assert _moved("2025-03-15")["day"].to_list() == [date(2025, 3, 1)]
    assert _moved("2025-02-28").height == 0


def test_evidence_is_worded_in_each_language_with_money_and_document():
    row = _moved("2025-12-31").row(0, named=True)
    assert (
        row["evidence"]
        == "adjusted budget for 2024 (G1 · P.X): KZT 120 bn → KZT 90 bn, decided 2025-03-01 (?), "
        "after the year ended"
    )
    ru = evidence(row["flag"], row["args"], "ru")
    assert (
        "120 млрд тенге" in ru.replace("\N{NO-BREAK SPACE}", " ") and "01.03.2025" in ru and "уточнено" in ru
    )
    kk = evidence(row["flag"], row["args"], "kk")
    assert "нақтыланған" in kk and "2024 жылғы" in kk and "«G1 · P.X»" in kk
    assert evidence(row["flag"], row["args"], "en") == row["evidence"]
