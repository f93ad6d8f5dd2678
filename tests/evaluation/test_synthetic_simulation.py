"""Simulation study for sc and sdid (slow): 500 panels, 95 % intervals cover 93-97 %, bias below 5 %."""

from __future__ import annotations

import pytest

from natije.evaluation.simulation import coverage_study


@pytest.mark.slow
@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_coverage_and_bias(method: str) -> None:
    s = coverage_study(method, reps=500, seed=2024)
    assert 0.93 <= s.coverage <= 0.97, s
    assert abs(s.bias_pct) < 5, s


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_small_study_runs(method: str) -> None:
    s = coverage_study(method, reps=3, seed=1)
    assert s.reps == 3 and s.truth == 5.0 and 0 <= s.coverage <= 1
