"""Simulation study for sc and sdid (slow): 500 panels;
95 % intervals pass the exact binomial rule, bias below 5 %."""

from __future__ import annotations

import pytest
from binomial_rule import covers_as_nominal
from simulate import coverage_study


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_coverage_and_bias(method: str) -> None:
    s = coverage_study(method, reps=500, seed=2024)
    assert covers_as_nominal(s.coverage, s.reps, 0.95), s
    assert abs(s.bias_pct) < 5, s


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_small_study_runs(method: str) -> None:
    s = coverage_study(method, reps=3, seed=1)
    assert s.reps == 3 and s.truth == 5.0 and 0 <= s.coverage <= 1
