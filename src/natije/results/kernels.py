"""Compiled loops over series: one pass per series instead of one pass per quantity.

Observations in series order (indicator, territory, period; see :mod:`natije.results.series`) make each series a
run of rows starting at ``starts[s]``. The loops here walk those runs once and produce everything the engine
needs from them — the measure of every row (running sum for cumulative indicators), each series' trend sums over
its last ``window`` usable points and its last and first points — and, for the roll-ups, the sums of every
indicator × parent × period cell. They are compiled with numba (``cache=True``: compiled once per machine, then
loaded from ``__pycache__``) and release the GIL, so two of them run side by side on two threads.

Nulls arrive as a separate ``missing`` mask (a null is not a NaN: a NaN value poisons its sums, a null is
skipped).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NO_END = np.iinfo(np.int32).min  # last_end of a series without a usable point


@njit(cache=True, nogil=True)
def fit_runs(starts, ps, pe, values, missing, cumulative, window, measure):
    """Measures and trend sums per series.

    Parameters
    ----------
    starts : int64[n_series]
        First row of each series.
    ps, pe : int32[n_rows]
        Period start and end (months since year 0, end exclusive).
    values : float64[n_rows]; missing : bool[n_rows]
        Values and their null mask.
    cumulative : bool[n_series]
        Whether the series' measure is the running sum of its values (a null adds nothing).
    window : int
        How many of the last usable points the trend is fitted on.
    measure : float64[n_rows]
        Output: each row's measure (NaN where a non-cumulative value is null).

    Returns
    -------
    tuple
        ``rising`` (periods rise within every series) and per series: ``n`` usable points in the window, means
        ``xbar``/``ybar``, centred sums ``cxx``/``cxy``/``cyy``, the last usable point (``last_row``, ``last_x``,
        ``last_y``) and the first of the window (``first_x``, ``first_y``). ``x`` is the period midpoint in
        years since 2000.
    """
    n_series = starts.shape[0]
    n_rows = values.shape[0]
    n = np.zeros(n_series, np.int64)
    xbar = np.full(n_series, np.nan)
    ybar = np.full(n_series, np.nan)
    cxx = np.full(n_series, np.nan)
    cxy = np.full(n_series, np.nan)
    cyy = np.full(n_series, np.nan)
    last_row = np.full(n_series, -1, np.int64)
    last_end = np.zeros(n_series, np.int32)
    last_x = np.full(n_series, np.nan)
    last_y = np.full(n_series, np.nan)
    first_x = np.full(n_series, np.nan)
    first_y = np.full(n_series, np.nan)
    rising = True
    for s in range(n_series):
        a = starts[s]
        b = starts[s + 1] if s + 1 < n_series else n_rows
        run = 0.0
        for i in range(a, b):
            if i > a and pe[i] <= pe[i - 1]:
                rising = False
            if cumulative[s]:
                if not missing[i]:
                    run += values[i]
                measure[i] = run
            else:
                measure[i] = np.nan if missing[i] else values[i]
        # the window: the last `window` usable points, walked backwards
        k = 0
        sx = 0.0
        sy = 0.0
        lo = b
        i = b - 1
        while i >= a and k < window:
            y = measure[i]
            if math.isfinite(y):
                x = (ps[i] + pe[i]) / 24.0 - 2000.0
                if k == 0:
                    last_row[s] = i
                    last_end[s] = pe[i]
                    last_x[s] = x
                    last_y[s] = y
                sx += x
                sy += y
                k += 1
                lo = i
            i -= 1
        n[s] = k
        if k == 0:
            continue
        mx = sx / k
        my = sy / k
        qxx = 0.0
        qxy = 0.0
        qyy = 0.0
        for j in range(lo, b):
            y = measure[j]
            if math.isfinite(y):
                dx = (ps[j] + pe[j]) / 24.0 - 2000.0 - mx
                dy = y - my
                qxx += dx * dx
                qxy += dx * dy
                qyy += dy * dy
        xbar[s] = mx
        ybar[s] = my
        cxx[s] = qxx
        cxy[s] = qxy
        cyy[s] = qyy
        first_x[s] = (ps[lo] + pe[lo]) / 24.0 - 2000.0
        first_y[s] = measure[lo]
    return rising, n, xbar, ybar, cxx, cxy, cyy, last_row, last_end, last_x, last_y, first_x, first_y


@njit(cache=True, nogil=True)
def sum_cells(starts, series_cell, ps, pe, lo, width, values, missing, ill, weights, series_wbase, period_wslot,
              n_cells):
    """Sums per roll-up cell (indicator × parent × period) over member series in series order.

    A row of series ``s`` has the period code ``c = (ps − lo) · width + (pe − ps)``, falls in cell
    ``series_cell[s] + c`` (``series_cell < 0``: not rolled up) and has the weight
    ``weights[series_wbase[s] + period_wslot[c]]`` (NaN: none known).

    Returns per cell: ``total`` (sum of non-null values), ``weighted`` (Σ value·weight), ``weight`` (Σ weight)
    and ``n_weighted`` over rows with both, ``n`` non-null values, ``members`` rows, ``illustrative`` (any),
    ``first`` (first row, -1 for an empty cell).
    """
    n_series = starts.shape[0]
    n_rows = values.shape[0]
    total = np.zeros(n_cells)
    weighted = np.zeros(n_cells)
    weight = np.zeros(n_cells)
    n_weighted = np.zeros(n_cells, np.int64)
    n = np.zeros(n_cells, np.int64)
    members = np.zeros(n_cells, np.int64)
    illustrative = np.zeros(n_cells, np.bool_)
    first = np.full(n_cells, -1, np.int64)
    for s in range(n_series):
        base = series_cell[s]
        if base < 0:
            continue
        wb = series_wbase[s]
        a = starts[s]
        b = starts[s + 1] if s + 1 < n_series else n_rows
        for i in range(a, b):
            pc = (ps[i] - lo) * width + (pe[i] - ps[i])
            g = base + pc
            if first[g] < 0:
                first[g] = i
            members[g] += 1
            if ill[i]:
                illustrative[g] = True
            if missing[i]:
                continue
            v = values[i]
            total[g] += v
            n[g] += 1
            w = weights[wb + period_wslot[pc]]
            if not math.isnan(w):
                weighted[g] += v * w
                weight[g] += w
                n_weighted[g] += 1
    return total, weighted, weight, n_weighted, n, members, illustrative, first


@njit(cache=True, nogil=True)
def t_cdf(z, nu):
    """Student t CDF at ``z`` for an integer number of degrees of freedom ``nu`` ≥ 1, in closed form.

    With ``θ = atan(z/√ν)``: for odd ν, ``½ + (θ + sinθ·cosθ·Σ)/π``; for even ν, ``½ + ½·sinθ·Σ``, where Σ is the
    finite series in cos²θ of Abramowitz & Stegun 26.7.3–4 (ν/2 terms at most). ±∞ gives 1 and 0.
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


@njit(cache=True, nogil=True)
def forecast_rows(n, xbar, ybar, sxx, b, s2, ps, pe, target, direction, tolerance, percent, min_points,
                  quantiles):
    """Trend forecast at each target's period midpoint, its interval and the probability of meeting the target.

    Per row: ``n`` points (0: no series), the fit (``xbar``, ``ybar``, ``sxx``, slope ``b``, residual variance
    ``s2``; NaN where undefined), the target period (``ps``, ``pe``), ``target``, ``direction`` (0 increase,
    1 decrease, 2 maintain), the tolerance band half-width (``tolerance``, maintain only) and ``percent``
    (clip to [0, 100]). ``quantiles[d]`` is the t quantile of the interval for ``d`` degrees of freedom.

    Returns ``value``, ``low``, ``high``, ``p_meet`` (NaN: none) and ``reason`` (0 forecast made, 1 no data,
    2 insufficient data). A zero predictive scale (a perfect fit) makes ``p_meet`` 1 or 0 by whether the
    forecast itself meets the target.
    """
    rows = n.shape[0]
    value = np.full(rows, np.nan)
    low = np.full(rows, np.nan)
    high = np.full(rows, np.nan)
    p_meet = np.full(rows, np.nan)
    reason = np.zeros(rows, np.int8)
    for r in range(rows):
        k = n[r]
        if k == 0:
            reason[r] = 1
            continue
        if k < min_points or math.isnan(b[r]):
            reason[r] = 2
            continue
        xs = (ps[r] + pe[r]) / 24.0 - 2000.0
        mu = ybar[r] + b[r] * (xs - xbar[r])
        se = math.sqrt(s2[r] * (1.0 + 1.0 / k + (xs - xbar[r]) ** 2 / sxx[r]))
        nu = k - 2
        q = quantiles[nu] * se
        lo, hi = mu - q, mu + q
        t = target[r]
        d = direction[r]
        if d == 2:
            tol = tolerance[r]
            if se > 0:
                p = t_cdf((t + tol - mu) / se, nu) - t_cdf((t - tol - mu) / se, nu)
            else:
                p = 1.0 if abs(mu - t) <= tol else 0.0
        elif se > 0:
            up = t_cdf((mu - t) / se, nu)  # P(Y* ≥ target)
            p = 1.0 - up if d == 1 else up
        else:
            p = 1.0 if (mu <= t if d == 1 else mu >= t) else 0.0
        if percent[r]:
            mu, lo, hi = min(max(mu, 0.0), 100.0), min(max(lo, 0.0), 100.0), min(max(hi, 0.0), 100.0)
        value[r] = mu
        low[r] = lo
        high[r] = hi
        p_meet[r] = p
    return value, low, high, p_meet, reason
