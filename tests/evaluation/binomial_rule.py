"""The exact binomial acceptance rule of the coverage studies.

A study of ``n`` replications whose nominal interval level is ``p`` accepts the method when the number of
intervals that cover the truth lies in the central region of Binomial(n, p) that holds at least 1 - alpha of
the probability. A well-calibrated method is then rejected in at most ``alpha`` of the studies, whatever the
seed, and the bounds follow the number of replications instead of being fixed shares.
"""

from __future__ import annotations

from scipy.stats import binom

ALPHA = 0.01


def acceptance_region(n: int, p: float, alpha: float = ALPHA) -> tuple[int, int]:
    """Smallest and largest count of covering intervals a calibrated method yields with probability 1 - alpha.

    Each tail outside ``[low, high]`` has probability at most ``alpha / 2``.
    """
    low = int(binom.ppf(alpha / 2, n, p))
    if binom.cdf(low - 1, n, p) > alpha / 2:  # ppf rounds up; step down while the tail allows it
        low -= 1
    high = int(binom.isf(alpha / 2, n, p))
    if binom.sf(high, n, p) > alpha / 2:
        high += 1
    return low, high


def covers_as_nominal(coverage: float, n: int, p: float = 0.95, alpha: float = ALPHA) -> bool:
    """Whether the observed coverage share of ``n`` replications is consistent with the
    nominal level ``p``."""
    low, high = acceptance_region(n, p, alpha)
    return low <= round(coverage * n) <= high
