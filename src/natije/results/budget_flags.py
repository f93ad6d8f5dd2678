"""``budget_moved_after_year``: a budget amount changed by a decision taken after its year had ended.

Money is moved after the fact when, say, an approved amount is cut to match what was spent. Every version of a
line and stage is compared with the one before it (in decision order); a different amount decided after
31 December of the line's year is flagged, with both amounts, the date and the document as evidence. An
undated version cannot be placed in time and is never flagged.
"""

from __future__ import annotations

import json

import polars as pl

from natije.locale import LANGUAGES, t
from natije.locale.formats import money
from natije.results.budget import LINE
from natije.results.frames import FLAG_SCHEMA as SCHEMA
from natije.results.frames import conform

FLAG = "budget_moved_after_year"
SEVERITY = 2


def _line_label(row: dict) -> str:
    """The codes that tell the line apart (goal, line code, linked indicators), else the program's code."""
    parts = [row["goal"], row["line"], row["_indicators"] or None]
    return " · ".join(p for p in parts if p) or row["program"]


def budget_flags(budgets: pl.DataFrame) -> pl.DataFrame:
    """Flags (columns of :data:`natije.results.flags.SCHEMA`) for amounts moved after their year ended."""
    if budgets.height == 0:
        return pl.DataFrame(schema=SCHEMA)
    b = conform("budgets", budgets).with_columns(
        pl.col("version").fill_null(1),
        pl.col("indicators").fill_null([]).list.sort().list.join(";").alias("_indicators"),
    )
    b = b.sort(pl.col("decided_on"), pl.col("version"), nulls_last=False).with_columns(
        pl.col("amount").shift(1).over([*LINE, "stage"]).alias("old")
    )
    moved = b.filter(
        pl.col("old").is_not_null()
        & (pl.col("amount") != pl.col("old"))
        & pl.col("decided_on").is_not_null()
        & (pl.col("decided_on") > pl.date(pl.col("year"), 12, 31))
    )
    rows = []
    for r in moved.sort("year", "stage", "decided_on").to_dicts():
        args: dict[str, str] = {
            "year": str(r["year"]),
            "line": _line_label(r),
            "document": r["document"] or "?",
            "day": r["decided_on"].isoformat(),
        }
        for (
            lang
        ) in LANGUAGES:  # words and money in every language: the interface picks its own (old_kk → old)
            worded = {
                "stage": t(f"budget_stage.{r['stage']}", lang),
                "old": money(r["old"], r["currency"], lang),
                "new": money(r["amount"], r["currency"], lang),
            }
            args |= {f"{k}_{lang}": v for k, v in worded.items()} | (worded if lang == "en" else {})
        rows.append(
            {
                "flag": FLAG,
                "severity": SEVERITY,
                "indicator": r["_indicators"] or None,
                "territory": None,
                "period": str(r["year"]),
                "old_value": r["old"],
                "new_value": r["amount"],
                "day": r["decided_on"],
                "evidence": t(f"evidence.{FLAG}", "en", **args),
                "args": json.dumps(args, ensure_ascii=False),
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)
