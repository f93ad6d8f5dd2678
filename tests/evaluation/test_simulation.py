"""Simulation study (slow): 500 panels per method;
95 % intervals pass the exact binomial rule, bias below 5 %."""

from __future__ import annotations

import pytest
from binomial_rule import covers_as_nominal
from simulate import coverage_study


@pytest.mark.slow
@pytest.mark.parametrize("method", ["did", "event-study", "cs", "its"])
def test_coverage_and_bias(method: str) -> None:
    s = coverage_study(method, reps=500, seed=2024)
    assert covers_as_nominal(s.coverage, s.reps, 0.95), s
    assert abs(s.bias_pct) < 5, s


def test_small_study_runs_and_reports() -> None:
    s = coverage_study("cs", reps=5, seed=1)
    assert s.reps == 5 and 0 <= s.coverage <= 1 and s.truth > 0
