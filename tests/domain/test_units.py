"""Units: a value lands only in an indicator of the same dimension, converted by scale."""

from __future__ import annotations

import pytest

from natije.domain import units


def test_percent_never_lands_in_a_count() -> None:
    with pytest.raises(ValueError):
        units.convert(1.0, "%", "count")
    with pytest.raises(ValueError):
        units.convert(1.0, "KZT", "USD")


def test_scaled_money_converts() -> None:
    assert units.convert(323, "bn KZT", "KZT") == pytest.approx(323e9)
    assert units.convert(1_000_000_000, "USD", "mn USD") == pytest.approx(1000)


def test_aliases_are_case_insensitive() -> None:
    assert units.resolve("Percent") == units.resolve("%")
    assert units.resolve("furlongs") is None
