"""Compiled loops over series: one pass per series instead of one pass per quantity.

Observations in series order (indicator, territory, period; see :mod:`natije.results.series`) make each series a
run of rows starting at ``starts[s]``. The loops here walk those runs once and produce everything the engine
needs from them — the measure of every row (running sum for cumulative indicators), each series' trend sums over
its last ``window`` usable points and its last and first points — and, for the roll-ups, the sums of every
indicator × parent × period cell. Then the rules of the results are applied to each target row: ``score_one``,
``forecast_one`` and ``status_one`` are each rule written once, on one row, and the loops ``score_rows``,
``forecast_rows``, ``status_rows`` and the fused ``judge_rows`` apply them. Everything is compiled with numba
(``cache=True``: compiled once per machine, then loaded from ``__pycache__``) and releases the GIL, so two loops
run side by side on two threads. The last part of the module adapts frames to the loops' argument types.

Nulls arrive as a separate ``missing`` mask (a null is not a NaN: a NaN value poisons its sums, a null is
skipped).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
from numba import njit


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """numba's ``njit``, cached on disk, releasing the GIL, dividing by zero as numpy does (inf or NaN, no
    exception); the kernels are typed ``Any`` for mypy."""
    return njit(cache=True, nogil=True, error_model="numpy", **options)


@compiled()
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
        ``xbar``/``ybar``, centred sums ``cxx``/``cxy``/``cyy``, the last usable point (``last_row``, ``last_end``,
        ``last_x``, ``last_y``) and the first of the window (``first_x``, ``first_y``). ``x`` is the period midpoint in
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


@compiled()
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


@compiled()
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


INCREASE, DECREASE, MAINTAIN = 0, 1, 2
"""Direction codes of the judging loops."""
STATUS_CODES = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data", "no_data")
"""Status codes of :func:`status_one` (the order of :data:`natije.results.thresholds.STATUSES`)."""


@compiled(inline="always")
def score_one(a, b, t, d, tol):
    """``met`` (-1 unknown, 0, 1), ``gap_closed``, ``ratio``, ``achievement`` of one actual (NaN: none).

    ``met``: reached in the direction (inside the band for maintain). ``gap_closed = (a − b)/(t − b)`` when the
    target lies on the better side of the baseline; ``ratio = a/t`` (``t/a`` for decrease); maintain: 1 inside
    the band, shrinking with the distance outside it. ``achievement``: the gap closed, else the ratio.
    """
    if math.isnan(a) or math.isnan(t):
        met = -1
    elif d == DECREASE:
        met = 1 if a <= t else 0
    elif d == MAINTAIN:
        met = 1 if abs(a - t) <= tol else 0
    else:
        met = 1 if a >= t else 0
    gap = np.nan
    ratio = np.nan
    if d == MAINTAIN:
        outside = max(abs(a - t) - tol, 0.0)
        gap = max(1.0 - outside / max(abs(t), tol, 1e-12), 0.0)
        ratio = gap
    else:
        if (d == DECREASE and t < b) or (d != DECREASE and t > b):
            gap = (a - b) / (t - b)
        if d == DECREASE:
            if a != 0:
                ratio = t / a
        elif t != 0:
            ratio = a / t
    return met, gap, ratio, (ratio if math.isnan(gap) else gap)


@compiled(inline="always")
def forecast_one(met, k, xbar, ybar, sxx, b, s2, ps, pe, t, d, tol, percent, min_points, quantiles):
    """Trend forecast at the target period's midpoint: ``value``, ``low``, ``high``, ``p_meet``, ``reason``.

    ``k`` points fitted (0: no series; below ``min_points``: reason 2, insufficient data; reason 1: no data).
    Centre ``ybar + b·(x* − xbar)``, scale ``√(s2·(1 + 1/k + (x* − xbar)²/sxx))``, Student t with ``k − 2``
    degrees of freedom (``quantiles[k − 2]`` is the interval's quantile). ``p_meet`` is the probability that the
    value lies on the right side of the target (in the band for maintain); a zero scale (a perfect fit) makes it
    1 or 0 by whether the centre itself meets the target. Shares in % are clipped to [0, 100]. A target already
    met (``met`` 1, from :func:`score_one`) has no chance to give: its ``p_meet`` is NaN (the trend is kept).
    """
    if k == 0:
        return np.nan, np.nan, np.nan, np.nan, 1
    if k < min_points or math.isnan(b):
        return np.nan, np.nan, np.nan, np.nan, 2
    xs = (ps + pe) / 24.0 - 2000.0
    mu = ybar + b * (xs - xbar)
    dx = xs - xbar
    se = math.sqrt(s2 * (1.0 + 1.0 / k + dx * dx / sxx))
    nu = k - 2
    q = quantiles[nu] * se
    lo, hi = mu - q, mu + q
    if d == MAINTAIN:
        if se > 0:
            p = t_cdf((t + tol - mu) / se, nu) - t_cdf((t - tol - mu) / se, nu)
        else:
            p = 1.0 if abs(mu - t) <= tol else 0.0
    elif se > 0:
        up = t_cdf((mu - t) / se, nu)  # P(Y* ≥ target)
        p = 1.0 - up if d == DECREASE else up
    else:
        p = 1.0 if (mu <= t if d == DECREASE else mu >= t) else 0.0
    if percent:
        mu, lo, hi = min(max(mu, 0.0), 100.0), min(max(lo, 0.0), 100.0), min(max(hi, 0.0), 100.0)
    if met == 1:
        p = np.nan
    return mu, lo, hi, p, 0


@compiled(inline="always")
def status_one(met, a, b, t, d, gap, ps, pe, bs, be, first_x, first_y, reported, p, reason, ae, freq, now, rules):
    """``status`` code (:data:`STATUSES` order) and ``pace`` of one target, judged in month ``now``.

    ``rules``: reporting lag (months), p_on_track, p_at_risk, pace_on_track, pace_at_risk. In order: achieved
    (met); missed (ended, not met, and the target period reported or the lag passed); by ``p_meet``; by pace —
    the share of the gap closed over the share of the time elapsed from the baseline (else the first of two
    observed points) to the target period; else insufficient data when the series has values but too few to
    judge (``reason`` 2, from :func:`forecast_one`), no data when it has none.

    Time for the pace is measured to the period the data could cover, not to ``now``: the latest period of the
    indicator's frequency (``freq`` months) that ended at least the reporting lag before ``now`` — or the actual's
    own period (ending at ``ae``), when it is more recent — at its midpoint, and never past ``now``.
    """
    lag, p_on, p_at, pace_on, pace_at = rules[0], rules[1], rules[2], rules[3], rules[4]
    months = freq if freq > 0 else 12.0
    covered = math.floor((now - lag) / months) * months  # end of the latest period that could be reported
    ref = covered - months / 2.0
    if ae > 0:
        ref = max(ref, ae - months / 2.0)
    ref = min(ref, now + 0.5)
    if math.isnan(b):  # no baseline: progress from the first observed point (two-point series)
        base, mid = first_y, (first_x + 2000.0) * 12.0
        g = np.nan
        if (d == DECREASE and t < base) or (d == INCREASE and t > base):
            g = (a - base) / (t - base)
    else:
        mid, g = (bs + be) / 2.0, gap
    elapsed = (ref - mid) / ((ps + pe) / 2.0 - mid)
    pace = g / max(elapsed, 1e-9) if not math.isnan(elapsed) else np.nan
    ended = pe <= now
    overdue = pe + lag <= now
    if met == 1:
        return 0, pace
    if ended and not math.isnan(a) and (reported or overdue):
        return 4, pace
    if ended and overdue and math.isnan(a):
        return 4, pace
    if not math.isnan(p):
        return (1 if p >= p_on else 2 if p >= p_at else 3), pace
    if not math.isnan(pace):
        return (1 if pace >= pace_on else 2 if pace >= pace_at else 3), pace
    return (5 if reason == 2 else 6), pace


@compiled()
def score_rows(a, b, t, d, tol):
    """:func:`score_one` of every row."""
    rows = a.shape[0]
    met = np.empty(rows, np.int8)
    gap, ratio, ach = np.empty(rows), np.empty(rows), np.empty(rows)
    for r in range(rows):
        met[r], gap[r], ratio[r], ach[r] = score_one(a[r], b[r], t[r], d[r], tol[r])
    return met, gap, ratio, ach


@compiled()
def forecast_rows(met, k, xbar, ybar, sxx, b, s2, ps, pe, t, d, tol, percent, min_points, quantiles):
    """:func:`forecast_one` of every row."""
    rows = k.shape[0]
    value, low, high, p_meet = np.empty(rows), np.empty(rows), np.empty(rows), np.empty(rows)
    reason = np.empty(rows, np.int8)
    for r in range(rows):
        value[r], low[r], high[r], p_meet[r], reason[r] = forecast_one(
            met[r], k[r], xbar[r], ybar[r], sxx[r], b[r], s2[r], ps[r], pe[r], t[r], d[r], tol[r], percent[r], min_points,
            quantiles)
    return value, low, high, p_meet, reason


@compiled()
def status_rows(met, a, b, t, d, gap, ps, pe, bs, be, first_x, first_y, reported, p, reason, ae, freq, now, rules):
    """:func:`status_one` of every row."""
    rows = a.shape[0]
    status = np.empty(rows, np.int8)
    pace = np.empty(rows)
    for r in range(rows):
        status[r], pace[r] = status_one(met[r], a[r], b[r], t[r], d[r], gap[r], ps[r], pe[r], bs[r], be[r],
                                        first_x[r], first_y[r], reported[r], p[r], reason[r], ae[r], freq[r], now,
                                        rules)
    return status, pace


@compiled()
def judge_rows(lo, hi, a, b, t, d, tol, ps, pe, bs, be, reported, percent, series, past, ae, freq, k, xbar, ybar,
               sxx, slope, s2, first_x, first_y, min_points, quantiles, now, rules, met, gap, ratio, ach, value, low,
               high, p_meet, reason, status, pace):
    """Score, forecast and status of rows ``lo`` to ``hi`` in one pass (:func:`score_one`, :func:`forecast_one`,
    :func:`status_one`): what :func:`score_rows`, :func:`forecast_rows` and :func:`status_rows` give in turn,
    written into the output arrays ``met`` … ``pace`` (so that two threads can each take a range).

    The series' fit is read where it lies: row ``r`` belongs to series ``series[r]`` (-1: none) of the
    per-series arrays ``k`` … ``first_y``; ``past[r]`` marks an actual taken before the series' last point,
    which then is no baseline for the pace (the first point may be the actual itself).
    """
    for r in range(lo, hi):
        j = series[r]
        met[r], gap[r], ratio[r], ach[r] = score_one(a[r], b[r], t[r], d[r], tol[r])
        if j < 0:
            fx, fy = np.nan, np.nan
            value[r], low[r], high[r], p_meet[r], reason[r] = np.nan, np.nan, np.nan, np.nan, 1
        else:
            fx, fy = (np.nan, np.nan) if past[r] else (first_x[j], first_y[j])
            value[r], low[r], high[r], p_meet[r], reason[r] = forecast_one(
                met[r], k[j], xbar[j], ybar[j], sxx[j], slope[j], s2[j], ps[r], pe[r], t[r], d[r], tol[r], percent[r],
                min_points, quantiles)
        status[r], pace[r] = status_one(met[r], a[r], b[r], t[r], d[r], gap[r], ps[r], pe[r], bs[r], be[r], fx, fy,
                                        reported[r], p_meet[r], reason[r], ae[r], freq[r], now, rules)


# --- array adapters: frames in, the kernels' argument types out (one compiled version per argument type) ---

def direction_code(column: str = "direction") -> pl.Expr:
    """:data:`INCREASE` / :data:`DECREASE` / :data:`MAINTAIN` of a direction column (null: increase)."""
    return pl.col(column).replace_strict({"decrease": DECREASE, "maintain": MAINTAIN}, default=INCREASE,
                                         return_dtype=pl.Int8)


def floats(expr: pl.Expr | str) -> pl.Expr:
    """A column as float64 (nulls become NaN in :func:`arrays`)."""
    return (pl.col(expr) if isinstance(expr, str) else expr).cast(pl.Float64)


def arrays(frame: pl.DataFrame) -> list[np.ndarray]:
    """Every column of ``frame`` as a contiguous numpy array: float nulls as NaN, boolean nulls as False."""
    out = []
    for col in frame.get_columns():
        if col.null_count():
            col = col.fill_null(np.nan) if col.dtype == pl.Float64 else col.fill_null(False) \
                if col.dtype == pl.Boolean else col.fill_null(0)
        out.append(np.ascontiguousarray(col.to_numpy()))
    return out


def met_column(codes: np.ndarray) -> pl.Series:
    """``met`` from :func:`score_one`'s codes (-1 → null)."""
    s = pl.Series("met", codes)
    return pl.select(pl.when(s < 0).then(None).otherwise(s == 1).alias("met")).to_series()


def float_column(name: str, values: np.ndarray) -> pl.Series:
    """A float output column, NaN as null."""
    return pl.Series(name, values, nan_to_null=True)


def coded_column(name: str, codes: np.ndarray, labels: pl.Series) -> pl.Series:
    """Labels looked up by code (a gather from a few labels: no text built per row)."""
    return labels.gather(pl.Series(codes, dtype=pl.UInt32)).alias(name)


def tolerance(maintain_tolerance: float) -> pl.Expr:
    """Half-width of a maintain target's band: the declared tolerance, else ``maintain_tolerance`` × |target|."""
    return pl.coalesce(pl.col("tolerance"), pl.col("target").abs() * maintain_tolerance).cast(pl.Float64)


def optional(frame: pl.DataFrame, column: str) -> pl.Expr:
    """``column`` as float64, or NaN everywhere when ``frame`` lacks it."""
    return floats(column) if column in frame.columns else pl.lit(np.nan, pl.Float64).alias(column)
