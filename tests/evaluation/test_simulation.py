"""Simulation study (slow): 500 panels per method, 95 % intervals cover 93-97 %, bias below 5 %."""

from __future__ import annotations

import pytest

from natije.evaluation.simulation import coverage_study


@pytest.mark.slow
@pytest.mark.parametrize("method", ["did", "event-study", "cs", "its"])
def test_coverage_and_bias(method: str) -> None:
    s = coverage_study(method, reps=500, seed=2024)
    assert 0.93 <= s.coverage <= 0.97, s
    assert abs(s.bias_pct) < 5, s


def test_small_study_runs_and_reports() -> None:
    s = coverage_study("cs", reps=5, seed=1)
    assert s.reps == 5 and 0 <= s.coverage <= 1 and s.truth > 0
