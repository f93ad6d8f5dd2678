"""The rules of one target row — achievement, forecast, status and pace — each written once
(docs/results-rules.md).

Each rule reads one target row (:class:`natije.results.loops.Target`) and, for the forecast and the status,
the fit of the row's series (:class:`natije.results.loops.Fit`; ``n`` 0: no series).
:func:`natije.results.loops.judge_rows` applies them to every row, in plain Python on a small program and
compiled on a large one (:mod:`natije.results.compiled`). The rules take scalars (named tuples of them), not
the columns: a column read from a named tuple inside the compiled row loop costs a reference count each time.
"""

from __future__ import annotations

import math

import numpy as np

from natije.results.compiled import compiled
from natije.results.tdist import t_cdf

INCREASE, DECREASE, MAINTAIN = 0, 1, 2
"""Direction codes of the rules."""
STATUS_CODES = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data", "no_data")
"""Status codes of :func:`status_one` (the order of :data:`natije.results.thresholds.STATUSES`)."""
REASON_CODES = (None, "no_data", "insufficient_data")
"""Reason codes of :func:`forecast_one` (0: forecast made)."""


@compiled(inline="always")
def score_one(row):
    """``met`` (-1 unknown, 0, 1), ``gap_closed``, ``ratio``, ``achievement`` of ``row``'s actual (NaN: none).

    ``met``: reached in the direction (inside the band for maintain). ``gap_closed = (a − b)/(t − b)`` when
    the target lies on the better side of the baseline; ``ratio = a/t`` (``t/a`` for decrease); maintain: 1
    inside the band, shrinking with the distance outside it. ``achievement``: the gap closed, else the ratio.
    """
    a, b, t, d, tol = row.actual, row.baseline, row.target, row.direction, row.tolerance
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
def forecast_one(row, fit, met, judging):
    """Trend forecast at ``row``'s target period midpoint: ``value``, ``low``, ``high``,
    ``p_meet``, ``reason``.

    ``k`` points fitted (none, or no series: reason 1, no data; below ``judging.min_points``: reason 2,
    insufficient data). Centre ``ybar + b·(x* − xbar)``, scale ``√(s2·(1 + 1/k + (x* − xbar)²/sxx))``, Student
    t with ``k − 2`` degrees of freedom (``judging.quantiles[k − 2]`` is the interval's quantile). ``p_meet``
    is the probability that the value lies on the right side of the target (in the band for maintain); a zero
    scale (a perfect fit) makes it 1 or 0 by whether the centre itself meets the target. Shares in % are
    clipped to [0, 100]. A target already met (``met`` 1, from :func:`score_one`) has no chance to give: its
    ``p_meet`` is NaN (the trend is kept).
    """
    k = fit.n
    if k == 0:
        return np.nan, np.nan, np.nan, np.nan, 1
    b = fit.slope
    if k < judging.min_points or math.isnan(b):
        return np.nan, np.nan, np.nan, np.nan, 2
    t, d, tol = row.target, row.direction, row.tolerance
    xbar = fit.xbar
    xs = (row.period_start + row.period_end) / 24.0 - 2000.0
    mu = fit.ybar + b * (xs - xbar)
    dx = xs - xbar
    se = math.sqrt(fit.s2 * (1.0 + 1.0 / k + dx * dx / fit.sxx))
    nu = k - 2
    q = judging.quantiles[nu] * se
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
    if row.percent:
        mu, lo, hi = min(max(mu, 0.0), 100.0), min(max(lo, 0.0), 100.0), min(max(hi, 0.0), 100.0)
    if met == 1:
        p = np.nan
    return mu, lo, hi, p, 0


@compiled(inline="always")
def status_one(row, fit, score, forecast, judging):
    """``status`` code (:data:`STATUS_CODES` order) and ``pace`` of ``row``, judged in month ``judging.now``.

    ``score`` and ``forecast`` are what :func:`score_one` and :func:`forecast_one` gave for the row. In order:
    achieved (met); missed (ended, not met, and the target period reported or the reporting lag passed); by
    ``p_meet``; by pace — the share of the gap closed over the share of the time elapsed from the baseline
    (else the first of two observed points, unless the actual was taken before the series' last point: then
    the first point may be the actual itself) to the target period; else insufficient data when the series has
    values but too few to judge (reason 2), no data when it has none.

    Time for the pace is measured to the period the data could cover, not to ``now``: the latest period of the
    indicator's frequency that ended at least the reporting lag before ``now`` — or the actual's own period,
    when it is more recent — at its midpoint, and never past ``now``.
    """
    a, b, t, d = row.actual, row.baseline, row.target, row.direction
    ps, pe, freq, ae = row.period_start, row.period_end, row.freq_months, row.actual_end
    met, p, now, lag = score[0], forecast[3], judging.now, judging.reporting_lag
    months = freq if freq > 0 else 12.0
    covered = math.floor((now - lag) / months) * months  # end of the latest period that could be reported
    ref = covered - months / 2.0
    if ae > 0:
        ref = max(ref, ae - months / 2.0)
    ref = min(ref, now + 0.5)
    if math.isnan(b):  # no baseline: progress from the first observed point (two-point series)
        first_x, first_y = (np.nan, np.nan) if row.past else (fit.first_x, fit.first_y)
        base, mid = first_y, (first_x + 2000.0) * 12.0
        g = np.nan
        if (d == DECREASE and t < base) or (d == INCREASE and t > base):
            g = (a - base) / (t - base)
    else:
        mid, g = (row.baseline_start + row.baseline_end) / 2.0, score[1]
    elapsed = (ref - mid) / ((ps + pe) / 2.0 - mid)
    pace = g / max(elapsed, 1e-9) if not math.isnan(elapsed) else np.nan
    ended = pe <= now
    overdue = pe + lag <= now
    if met == 1:
        return 0, pace
    if ended and not math.isnan(a) and (row.reported or overdue):
        return 4, pace
    if ended and overdue and math.isnan(a):
        return 4, pace
    if not math.isnan(p):
        return (1 if p >= judging.p_on_track else 2 if p >= judging.p_at_risk else 3), pace
    if not math.isnan(pace):
        return (1 if pace >= judging.pace_on_track else 2 if pace >= judging.pace_at_risk else 3), pace
    return (5 if forecast[4] == 2 else 6), pace
