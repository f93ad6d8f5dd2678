"""Moved-goalpost flags, lineage of promises, budget execution and the scorecard, on a two-program chain."""

from __future__ import annotations

import re

import polars as pl
import pytest
from frames_builders import chain_frames

from natije.cli.json_output import results_rows
from natije.results.budget import cost_per_result, execution, spent_vs_achieved
from natije.results.engine import results_table
from natije.results.flags import flags
from natije.results.lineage import concepts, lineage
from natije.results.scorecard import scorecard


def _flags(as_of="2024-01-01"):
    return flags(chain_frames(), as_of=as_of)


def _has(frame, flag, indicator):
    return frame.filter((pl.col("flag") == flag) & (pl.col("indicator") == indicator)).height > 0


def test_target_eased_is_direction_aware():
    # target_lowered became target_eased: a raised target of a decrease indicator is easier, not "lowered"
    f = _flags()
    assert _has(f, "target_eased", "DK.ESERV")  # increase: 80 → 70
    assert _has(f, "target_eased", "DK.UNEMP")  # decrease: 4.8 → 5.2
    row = f.filter((pl.col("flag") == "target_eased") & (pl.col("indicator") == "DK.ESERV")).row(
        0, named=True
    )
    assert (row["old_value"], row["new_value"]) == (80, 70) and "2019-10-01" in row["evidence"]


def test_target_eased_unknown_before_the_decision():
    assert not _has(_flags("2019-01-01"), "target_eased", "DK.ESERV")


def test_baseline_milestones_stale_revision():
    f = _flags()
    assert _has(f, "baseline_changed", "DK.UNEMP")
    assert _has(f, "no_milestones", "DK.LIT")
    # DK runs 2018–2022: in 2024 nothing of it is watched any more (no stale flag); in mid-2022 DK.ESERV's
    # last value (2019) is overdue
    assert not f.filter(pl.col("flag") == "stale").height
    assert _has(_flags("2022-06-01"), "stale", "DK.ESERV")
    rev = f.filter(pl.col("flag") == "revised_after_deadline").row(0, named=True)
    assert rev["indicator"] == "DK.UNEMP" and (rev["old_value"], rev["new_value"]) == (5.3, 4.9)


def test_dropped_and_renamed_between_programs():
    f = _flags()
    # IK.TV was last tracked by IK (ended 2020): dropped from the portfolio, not charged to DK
    # (was indicator_dropped)
    assert _has(f, "dropped_from_portfolio", "IK.TV")
    assert _has(f, "indicator_renamed", "DK.ESERV") and not _has(f, "indicator_renamed", "DK.LIT")


def test_lineage_concepts_and_story():
    c = dict(concepts(chain_frames().indicators).iter_rows())
    assert c["IK.LIT"] == c["DK.LIT"] and c["IK.EGOV"] == c["DK.ESERV"] and c["IK.TV"] != c["DK.LIT"]
    lin = lineage(chain_frames())
    lit = lin.filter((pl.col("program") == "DK") & (pl.col("indicator") == "DK.LIT")).row(0, named=True)
    assert lit["status"] == "repeated_later"
    assert lit["story"] == "provided for 2020 (IK), again provided for 2022 (DK)"
    dropped = lin.filter(pl.col("status") == "dropped_from_portfolio")
    assert dropped.select("concept", "program", "dropped_from").rows() == [("IK.TV", None, "IK")]


def test_budget_execution_and_cost():
    ex = execution(chain_frames().budgets)
    assert ex["rate"].to_list() == [0.9, 0.5]
    res = results_table(chain_frames(), as_of="2024-01-01")
    cost = cost_per_result(chain_frames().budgets, res, ["000000000"])
    assert cost.filter(pl.col("indicator") == "DK.LIT")["money"][0] == 90


def test_spent_share_counts_reported_years_and_falls_back_to_planned():
    lines = pl.DataFrame(
        {
            "program": ["P"] * 5,
            "goal": [None] * 5,
            "year": [2024, 2024, 2025, 2025, 2026],
            "stage": ["planned", "executed", "approved", "executed", "planned"],
            "amount": [100.0, 80.0, 200.0, 100.0, 500.0],
            "currency": ["KZT"] * 5,
            "indicators": [[]] * 5,
        },
        schema_overrides={"goal": pl.String, "indicators": pl.List(pl.String)},
    )
    res = pl.DataFrame({"status": ["achieved", "off_track", "no_data"]})
    money = spent_vs_achieved(lines, res)
    # 2026 has no executed amount yet; 2024 has only a plan: (80 + 100) / (100 + 200)
    assert money["spent_share"] == pytest.approx(0.6) and money["achieved_share"] == 0.5


def test_scorecard_and_json_rows():
    card = scorecard(chain_frames(), as_of="2024-01-01")
    d = card.to_dict()
    assert d["by_status"]["achieved"] == 2 and d["by_status"]["missed"] == 1 and d["spent_share"] == 0.7
    assert d["worst_flags"][0]["severity"] == 3
    rows = results_rows(results_table(chain_frames(), as_of="2024-01-01"), _flags())
    keys = {
        "indicator",
        "territory",
        "period",
        "baseline",
        "target",
        "actual",
        "achievement",
        "status",
        "forecast",
        "flags",
    }
    assert keys <= set(rows[0]) and set(rows[0]["forecast"]) >= {"period", "value", "low", "high", "p_meet"}
    eserv = next(r for r in rows if r["indicator"] == "DK.ESERV")
    assert "target_eased" in eserv["flags"]


def test_every_flag_is_worded_in_three_languages():
    from natije.cli.commands_results import evidence

    f = pl.concat([_flags(), _flags("2022-06-01")])  # stale flags only while DK is in force
    assert set(f["flag"]) >= {
        "target_eased",
        "baseline_changed",
        "dropped_from_portfolio",
        "indicator_renamed",
        "no_milestones",
        "stale",
        "revised_after_deadline",
    }
    for flag, args, english in f.select("flag", "args", "evidence").iter_rows():
        for lang in ("kk", "ru", "en"):
            text = evidence(flag, args, lang, fallback="")
            assert text and "{" not in text
        if flag in ("revised_after_deadline", "dropped_from_portfolio", "indicator_renamed", "target_eased"):
            # the interface writes numbers as the language does (80, not the engine's 80.0)
            assert evidence(flag, args, "en") == re.sub(r"(\d)\.0\b", r"\1", english)
