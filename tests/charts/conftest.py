"""Frames shaped like what the services return."""

from __future__ import annotations

import datetime

import polars as pl
import pytest
from chart_pictures import region_codes


@pytest.fixture
def regional_values() -> pl.DataFrame:
    """A value for every one of the 20 regions of 2024, plus the country (which a map does not draw)."""
    codes = region_codes(datetime.date(2024, 12, 31))
    return pl.DataFrame(
        {"territory": ["000000000", *codes], "value": [50.0, *(20.0 + 3.0 * i for i in range(len(codes)))]}
    )


@pytest.fixture
def observations() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2020", "2022", "2024", "2025"],
            "value": [19.3, 30.0, 41.0, 42.2],
            "illustrative": [False, True, False, False],
        }
    )


@pytest.fixture
def commitments() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kind": ["baseline", "target", "target"],
            "period": ["2024", "2027", "2027"],
            "value": [41.0, 88.0, 90.0],
            "version": [1, 1, 2],
            "decided_on": [
                datetime.date(2024, 9, 1),
                datetime.date(2025, 6, 24),
                datetime.date(2025, 10, 21),
            ],
        }
    )


@pytest.fixture
def execution() -> pl.DataFrame:
    """Shaped like ``natije.results.budget.execution(budgets, by=("year",))``."""
    return pl.DataFrame(
        {
            "year": [2024, 2025, 2026, 2024],
            "currency": ["KZT", "KZT", "KZT", "USD"],
            "planned": [92.4e9, 93.7e9, 90.6e9, 1e6],
            "approved": [90e9, None, None, None],
            "executed": [83.8e9, 82.1e9, None, 1e6],
            "rate": [0.93, None, None, 1.0],
        }
    )


@pytest.fixture
def effects() -> pl.DataFrame:
    """Shaped like ``EvaluationResult.effects_frame()`` of an event study."""
    labels = list(range(-3, 4))
    estimates = [0.1, -0.2, 0.0, 3.2, 3.7, 3.3, 2.6]
    return pl.DataFrame(
        {
            "label": [str(x) for x in labels],
            "kind": ["event_time"] * 7,
            "estimate": estimates,
            "se": [0.3] * 7,
            "ci_low": [e - 0.6 for e in estimates],
            "ci_high": [e + 0.6 for e in estimates],
        }
    )
