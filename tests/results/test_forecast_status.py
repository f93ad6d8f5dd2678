"""Forecast model (insufficient data, calibration) and the status rules, on the demo-like frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from frames_builders import KZ, commits, demo_like_frames, indicators, obs, target_arrays

from natije.results.engine import results_table
from natije.results.forecast import measure_and_fit
from natije.results.frames import ProgramFrames
from natije.results.loops import Judgement, judge_rows
from natije.results.status import fits, judging
from natije.results.thresholds import DEFAULT, Thresholds


def _frames(values, target=("target", "2027", 90, date(2020, 1, 1)), direction="increase"):
    ind = indicators([{"code": "X", "direction": direction, "program": "P"}])
    c = commits([("X", None, *target), ("X", None, "baseline", "2019", 30, date(2020, 1, 1))])
    return ProgramFrames.build(
        program="P", indicators=ind, observations=obs([("X", KZ, p, v) for p, v in values]), commitments=c
    )


def test_too_little_data_says_so():
    r = results_table(_frames([("2023", 40), ("2024", 45)]), as_of="2025-01-01").row(0, named=True)
    assert r["forecast_value"] is None and r["p_meet"] is None and r["forecast_reason"] == "insufficient_data"
    assert r["status"] in ("on_track", "at_risk", "off_track")  # judged by pace instead


def test_exact_line_forecast():
    r = results_table(_frames([("2021", 50), ("2022", 60), ("2023", 70), ("2024", 80)]), as_of="2025-01-01")
    r = r.row(0, named=True)
    assert abs(r["forecast_value"] - 100) < 1e-6 and r["p_meet"] == 1.0 and r["status"] == "on_track"


def test_status_rules():
    slow = _frames([("2021", 40), ("2022", 41), ("2023", 40.5), ("2024", 41.2)])
    assert results_table(slow, as_of="2025-01-01")["status"][0] == "off_track"
    assert results_table(slow, as_of="2029-06-01")["status"][0] == "missed"
    assert results_table(_frames([]), as_of="2025-01-01")["status"][0] == "no_data"
    strict = Thresholds(p_on_track=0.99, p_at_risk=0.0)
    mid = _frames([("2021", 60), ("2022", 68), ("2023", 73), ("2024", 81)])
    assert results_table(mid, as_of="2025-01-01", thresholds=strict)["status"][0] == "at_risk"


def test_demo_like_villages_off_track_literacy_achieved():
    table = results_table(demo_like_frames(), as_of="2025-11-01")
    fibre = table.filter(pl.col("indicator") == "DK.FIBRE").row(0, named=True)
    lit = table.filter(pl.col("indicator") == "DK.LIT").row(0, named=True)
    assert fibre["status"] == "off_track" and fibre["p_meet"] < 0.05 and fibre["actual"] == 42.2
    assert lit["status"] == "achieved" and lit["actual"] == 87.3 and lit["target"] == 83


def test_calibration_of_80_percent_interval():
    """Series simulated from the model class: the nominal 80 % interval covers 75–85 % of the truths."""
    rng = np.random.default_rng(20261129)
    n_series, years = 4000, np.arange(2016, 2024)
    a, b = rng.normal(50, 10, n_series), rng.normal(2, 1.5, n_series)
    sigma = rng.uniform(0.5, 5, n_series)
    y = a[:, None] + b[:, None] * (years - 2016) + rng.normal(0, 1, (n_series, len(years))) * sigma[:, None]
    h = 2027
    truth = a + b * (h - 2016) + rng.normal(0, 1, n_series) * sigma
    ids = np.repeat([f"{i:04d}" for i in range(n_series)], len(years))
    observed = pl.DataFrame(
        {
            "indicator": ids,
            "territory": "T",
            "period_start": np.tile(years * 12, n_series),
            "period_end": np.tile(years * 12 + 12, n_series),
            "value": y.ravel(),
        }
    )
    series = measure_and_fit(observed)[1]
    # the forecast of each series at 2027 (no actual: the forecast's p_meet is not dropped for a target met)
    rows = target_arrays(
        n_series, target=truth, period_start=h * 12, period_end=h * 12 + 12, series=np.arange(n_series)
    )
    judged = Judgement.empty(n_series)
    judge_rows(rows, fits(series), judging(series, date(2024, 6, 30), DEFAULT), judged)
    out = pl.DataFrame(
        {
            "target": truth,
            "forecast_low": judged.forecast_low,
            "forecast_high": judged.forecast_high,
            "p_meet": judged.p_meet,
        }
    )
    covered = ((out["forecast_low"] <= out["target"]) & (out["target"] <= out["forecast_high"])).mean()
    assert 0.75 <= covered <= 0.85
    # p_meet against the truth itself is uniform: about half of the truths lie above the centre
    assert 0.45 <= (out["p_meet"] >= 0.5).mean() <= 0.55


def test_row_order_does_not_matter():
    rows = [("2019", 31), ("2020", 35), ("2021", 38), ("2022", 44), ("2023", 47)]
    ordered = results_table(_frames(rows), as_of="2024-06-01")
    shuffled = results_table(_frames([rows[3], rows[0], rows[4], rows[2], rows[1]]), as_of="2024-06-01")
    assert ordered.equals(shuffled) and ordered["actual"][0] == 47 and ordered["actual_period"][0] == "2023"


def test_pace_from_first_value_without_baseline():
    ind = indicators([{"code": "X", "program": "P"}])
    c = commits([("X", None, "target", "2027", 90, date(2020, 1, 1))])
    slow = ProgramFrames.build(
        program="P",
        indicators=ind,
        commitments=c,
        observations=obs([("X", KZ, "2023", 40), ("X", KZ, "2024", 41)]),
    )
    fast = slow.replace(observations=obs([("X", KZ, "2021", 40), ("X", KZ, "2024", 85)]))
    one = slow.replace(observations=obs([("X", KZ, "2024", 41)]))
    assert results_table(slow, as_of="2025-01-01")["status"][0] == "off_track"
    assert results_table(fast, as_of="2025-01-01")["status"][0] == "on_track"
    # one value and no baseline: data, but too little to judge (not "no data", which means no value)
    assert results_table(one, as_of="2025-01-01")["status"][0] == "insufficient_data"
