"""The coverage studies' acceptance rule holds each tail at alpha / 2, exactly."""

from __future__ import annotations

import pytest
from binomial_rule import acceptance_region, covers_as_nominal
from scipy.stats import binom


@pytest.mark.parametrize("n", [50, 200, 500, 1000])
@pytest.mark.parametrize("p", [0.8, 0.9, 0.95])
def test_tails_are_at_most_half_alpha_and_the_region_is_the_narrowest(n: int, p: float) -> None:
    low, high = acceptance_region(n, p, alpha=0.01)
    assert binom.cdf(low - 1, n, p) <= 0.005 < binom.cdf(low, n, p)
    assert binom.sf(high, n, p) <= 0.005 < binom.sf(high - 1, n, p)


def test_five_hundred_replications_at_95_percent() -> None:
    low, high = acceptance_region(500, 0.95, alpha=0.01)
    assert (low, high) == (462, 487)  # 92.4 % to 97.4 %
    assert (
        covers_as_nominal(0.93, 500) and not covers_as_nominal(0.92, 500) and not covers_as_nominal(0.98, 500)
    )
