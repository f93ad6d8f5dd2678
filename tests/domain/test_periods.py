"""Periods: parsing, printing, ordering and arithmetic in SDMX notation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from natije.domain.periods import Frequency, Period
from natije.errors import ValidationError

periods = st.one_of(
    st.integers(1900, 2100).map(lambda y: f"{y}"),
    st.tuples(st.integers(1900, 2100), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(st.integers(1900, 2100), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
)


@given(periods)
def test_parse_then_print_is_identity(text: str) -> None:
    assert str(Period.parse(text)) == text


@given(periods, st.integers(-500, 500))
def test_addition_and_subtraction_invert(text: str, n: int) -> None:
    p = Period.parse(text)
    assert (p + n) - n == p
    assert (p + n) - p == n


@given(periods, periods)
def test_order_follows_start_then_longer_first(a: str, b: str) -> None:
    pa, pb = Period.parse(a), Period.parse(b)
    assert (pa < pb) == ((pa.start, -pa.freq.months) < (pb.start, -pb.freq.months))


@pytest.mark.parametrize("bad", ["24", "2024-Q5", "2024-13", "2024-3", "2024Q1", "", "abc", "2024-00"])
def test_bad_periods_are_rejected_with_the_expected_forms(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        Period.parse(bad)
    assert "2024-Q1" in str(info.value)


def test_dates_and_containment() -> None:
    q = Period.parse("2024-Q1")
    assert (q.start, q.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert Period.parse("2024-02") in q and Period.parse("2024-04") not in q
    assert q in Period.parse("2024") and Period.parse("2024") not in q
    assert Period.parse("2024-12").end == date(2024, 12, 31)
    assert q.freq is Frequency.QUARTERLY


def test_sorting_mixed_frequencies() -> None:
    texts = ["2024-02", "2024-Q1", "2023", "2024", "2024-01"]
    assert [str(p) for p in sorted(map(Period.parse, texts))] == [
        "2023",
        "2024",
        "2024-Q1",
        "2024-01",
        "2024-02",
    ]


def test_difference_needs_one_frequency() -> None:
    with pytest.raises(ValueError):
        Period.parse("2024") - Period.parse("2024-Q1")
