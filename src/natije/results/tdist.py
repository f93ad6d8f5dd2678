"""Student's t distribution for integer degrees of freedom:
its CDF in closed form and its quantile (no scipy).

>>> round(t_quantile(0.975, 10), 4)
2.2281
"""

from __future__ import annotations

import math

import numpy as np

from natije.results.compiled import compiled


@compiled()
def t_cdf(z, nu):
    """Student t CDF at ``z`` for an integer number of degrees of freedom ``nu`` ≥ 1, in closed form.

    With ``θ = atan(z/√ν)``: for odd ν, ``½ + (θ + sinθ·cosθ·Σ)/π``; for even ν, ``½ + ½·sinθ·Σ``, where Σ is
    the finite series in cos²θ of Abramowitz & Stegun 26.7.3–4 (ν/2 terms at most). ±∞ gives 1 and 0.
    """
    if math.isnan(z):
        return np.nan
    if math.isinf(z):
        return 1.0 if z > 0 else 0.0
    # tanθ = u, so cos²θ = 1/(1+u²), sinθ = u·cosθ: one square root, and an arctangent for odd ν only
    u = z / math.sqrt(nu)
    c2 = 1.0 / (1.0 + u * u)
    term = 1.0
    total = 1.0
    if nu % 2 == 1:
        for k in range(1, (nu - 1) // 2):
            term *= (2.0 * k) / (2.0 * k + 1.0) * c2
            total += term
        if nu == 1:
            return 0.5 + math.atan(u) / math.pi
        return 0.5 + (math.atan(u) + u * c2 * total) / math.pi
    for k in range(1, nu // 2):
        term *= (2.0 * k - 1.0) / (2.0 * k) * c2
        total += term
    return 0.5 + 0.5 * u * math.sqrt(c2) * total


@compiled()
def t_quantile(p, nu):
    """The ``p`` quantile (0 < p < 1) of Student t with integer ``nu`` degrees of freedom: :func:`t_cdf`
    inverted by bisection (to the float's resolution; the bracket doubles until it holds the quantile)."""
    lo, hi = -1.0, 1.0
    while t_cdf(lo, nu) > p:
        lo *= 2.0
    while t_cdf(hi, nu) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid == lo or mid == hi:
            break
        if t_cdf(mid, nu) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
