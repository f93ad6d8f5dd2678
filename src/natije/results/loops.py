"""The loops over rows: one pass per series run, one over the roll-up cells, one over the target rows.

Observations in series order (indicator, territory, period; see :mod:`natije.results.series`) make each series
a run of rows starting at ``starts[s]``. :func:`fit_runs` walks those runs once and gives everything the
engine needs from them — the measure of every row (running sum for cumulative indicators), each series' trend
sums over its last ``window`` usable points and its last and first points; :func:`sum_cells` sums every
indicator × parent × period cell of a roll-up; :func:`judge_rows` applies the rules of
:mod:`natije.results.rules` to every target row. Inputs and outputs are named tuples of numpy arrays, one
array per column. The loops run in plain Python on a small input and compiled on a large one
(:mod:`natije.results.compiled`); compiled, they release the GIL, so two run side by side on two threads.

Nulls arrive as a separate ``missing`` mask (a null is not a NaN: a NaN value poisons its sums, a null is
skipped).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from natije.results.compiled import compiled
from natije.results.rules import forecast_one, score_one, status_one


class SeriesRows(NamedTuple):
    """Observations in series order: each series' first row and, per row, its period and value."""

    starts: np.ndarray  # int64[n_series]
    period_start: np.ndarray  # int32[n_rows], months since year 0
    period_end: np.ndarray  # int32[n_rows], exclusive
    value: np.ndarray  # float64[n_rows]
    missing: np.ndarray  # bool[n_rows]: the value (or a period bound) is null


class RunFits(NamedTuple):
    """What :func:`fit_runs` gives: each row's measure and, per series, the trend sums of its window.

    ``x`` is the period midpoint in years since 2000; ``cxx``, ``cxy``, ``cyy`` are sums centred on the means.
    """

    rising: bool  # periods rise within every series (else the rows were not in series order)
    measure: np.ndarray  # float64[n_rows]: NaN where a non-cumulative value is null
    n: np.ndarray  # int64[n_series]: usable points in the window
    xbar: np.ndarray
    ybar: np.ndarray
    cxx: np.ndarray
    cxy: np.ndarray
    cyy: np.ndarray
    last_row: np.ndarray  # int64: the last usable point's row (-1: none)
    last_end: np.ndarray  # int32
    last_x: np.ndarray
    last_y: np.ndarray
    first_x: np.ndarray  # the window's first point
    first_y: np.ndarray


@compiled()
def fit_runs(rows, cumulative, window):
    """Measures and trend sums per series of ``rows`` (:class:`SeriesRows`), as :class:`RunFits`.

    ``cumulative`` (bool per series): the series' measure is the running sum of its values (a null adds
    nothing); ``window``: how many of the last usable points the trend is fitted on.
    """
    starts, ps, pe, values, missing = rows
    n_series = starts.shape[0]
    n_rows = values.shape[0]
    measure = np.empty(n_rows)
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
    return RunFits(
        rising, measure, n, xbar, ybar, cxx, cxy, cyy, last_row, last_end, last_x, last_y, first_x, first_y
    )


class Cells(NamedTuple):
    """Where the rows of a roll-up fall: one entry per member series × parent, cells and weights.

    Entry ``e`` takes the rows of series ``series[e]`` whose period overlaps ``[valid_from[e], valid_to[e])``
    (months; the member's validity). A row with the period code ``c = (start − lo) · width + (end − start)``
    falls in cell ``cell[e] + period_slot[c]`` and has the weight ``weights[weight[e] + period_slot[c]]``
    (NaN: none known).
    """

    series: np.ndarray  # int64[n_entries]
    valid_from: np.ndarray  # int64[n_entries]
    valid_to: np.ndarray  # int64[n_entries]
    cell: np.ndarray  # int64[n_entries]
    weight: np.ndarray  # int64[n_entries]
    lo: int
    width: int
    period_slot: np.ndarray  # int64[n_period_codes]
    n_cells: int
    weights: np.ndarray  # float64


class CellSums(NamedTuple):
    """What :func:`sum_cells` gives per cell: sums of the non-null values, of value × weight and of the
    weights (over the rows with both, ``n_weighted`` of them), ``n`` non-null values, ``members`` rows,
    ``illustrative`` (any) and the ``first`` row (-1: an empty cell)."""

    total: np.ndarray
    weighted: np.ndarray
    weight: np.ndarray
    n_weighted: np.ndarray
    n: np.ndarray
    members: np.ndarray
    illustrative: np.ndarray
    first: np.ndarray


@compiled()
def sum_cells(rows, illustrative, cells):
    """Sums per roll-up cell (:class:`CellSums`) of ``rows`` (:class:`SeriesRows`, ``illustrative`` per row)
    laid out in ``cells`` (:class:`Cells`), entry by entry."""
    # the columns taken out of their tuples once, not once a row (each take costs a reference count)
    starts, ps, pe, values, missing = rows
    entry_series, valid_from, valid_to, entry_cell, entry_weight, lo, width, period_slot, n_cells, weights = (
        cells
    )
    n_series = starts.shape[0]
    n_rows = values.shape[0]
    total = np.zeros(n_cells)
    weighted = np.zeros(n_cells)
    weight = np.zeros(n_cells)
    n_weighted = np.zeros(n_cells, np.int64)
    n = np.zeros(n_cells, np.int64)
    members = np.zeros(n_cells, np.int64)
    any_illustrative = np.zeros(n_cells, np.bool_)
    first = np.full(n_cells, -1, np.int64)
    for e in range(entry_series.shape[0]):
        s = entry_series[e]
        a = starts[s]
        b = starts[s + 1] if s + 1 < n_series else n_rows
        for i in range(a, b):
            if pe[i] <= valid_from[e] or ps[i] >= valid_to[e]:
                continue  # the member did not exist then
            slot = period_slot[(ps[i] - lo) * width + (pe[i] - ps[i])]
            g = entry_cell[e] + slot
            if first[g] < 0:
                first[g] = i
            members[g] += 1
            if illustrative[i]:
                any_illustrative[g] = True
            if missing[i]:
                continue
            v = values[i]
            total[g] += v
            n[g] += 1
            w = weights[entry_weight[e] + slot]
            if not math.isnan(w):
                weighted[g] += v * w
                weight[g] += w
                n_weighted[g] += 1
    return CellSums(total, weighted, weight, n_weighted, n, members, any_illustrative, first)


class TargetRows(NamedTuple):
    """The target rows as the rules read them (:mod:`natije.results.rules`); NaN where a value is unknown."""

    actual: np.ndarray  # float64
    baseline: np.ndarray  # float64
    target: np.ndarray  # float64
    direction: np.ndarray  # int8: INCREASE, DECREASE, MAINTAIN
    tolerance: np.ndarray  # float64: half-width of a maintain target's band
    period_start: np.ndarray  # int32, months since year 0
    period_end: np.ndarray  # int32, exclusive
    baseline_start: np.ndarray  # float64
    baseline_end: np.ndarray  # float64
    reported: np.ndarray  # bool: the actual is the target period's own value
    percent: np.ndarray  # bool: a share in % (clipped to [0, 100])
    series: np.ndarray  # int64: the row's series in SeriesFits (-1: none)
    past: np.ndarray  # bool: the actual was taken before its series' last point
    actual_end: np.ndarray  # float64: end month of the actual's period (0: no actual)
    freq_months: np.ndarray  # float64: the indicator's frequency (0: not known)


class SeriesFits(NamedTuple):
    """Per series, the trend fit the forecast and the pace read
    (:func:`natije.results.forecast.measure_and_fit`)."""

    n: np.ndarray  # int64: points fitted
    xbar: np.ndarray
    ybar: np.ndarray
    sxx: np.ndarray
    slope: np.ndarray
    s2: np.ndarray  # residual variance
    first_x: np.ndarray  # the first of two points (NaN otherwise)
    first_y: np.ndarray


class Judging(NamedTuple):
    """The day and the cut-offs the rows are judged by (:class:`natije.results.thresholds.Thresholds`)."""

    now: int  # month index of the day
    min_points: int
    quantiles: np.ndarray  # the interval's Student t quantile by degrees of freedom
    reporting_lag: float
    p_on_track: float
    p_at_risk: float
    pace_on_track: float
    pace_at_risk: float


class Judgement(NamedTuple):
    """Score, forecast and status of every target row (codes of :mod:`natije.results.rules`; NaN: none)."""

    met: np.ndarray  # int8: -1 unknown, 0, 1
    gap_closed: np.ndarray
    ratio: np.ndarray
    achievement: np.ndarray
    forecast_value: np.ndarray
    forecast_low: np.ndarray
    forecast_high: np.ndarray
    p_meet: np.ndarray
    forecast_reason: np.ndarray  # int8
    status: np.ndarray  # int8
    pace: np.ndarray

    @classmethod
    def empty(cls, rows: int) -> Judgement:
        """Room for ``rows`` rows."""
        codes = {"met", "forecast_reason", "status"}
        return cls(**{f: np.empty(rows, np.int8 if f in codes else np.float64) for f in cls._fields})


class Target(NamedTuple):
    """One target row, as the rules read it: the scalars of a row of :class:`TargetRows`."""

    actual: float
    baseline: float
    target: float
    direction: int
    tolerance: float
    period_start: int
    period_end: int
    baseline_start: float
    baseline_end: float
    reported: bool
    percent: bool
    past: bool
    actual_end: float
    freq_months: float


class Fit(NamedTuple):
    """One series' fit, as the rules read it: the scalars of a row of :class:`SeriesFits`
    (``n`` 0: no series)."""

    n: int
    xbar: float
    ybar: float
    sxx: float
    slope: float
    s2: float
    first_x: float
    first_y: float


@compiled()
def judge_rows(rows, fits, judging, out):
    """Score, forecast and status of every row of ``rows`` (:class:`TargetRows`) in one pass —
    :func:`score_one`, :func:`forecast_one` and :func:`status_one` in turn, on the row and its series' fit —
    written into ``out`` (:class:`Judgement`, as long as ``rows``: two threads can each take half of the rows
    and of ``out``)."""
    # the columns taken out of their tuples once, not once a row (each take costs a reference count)
    (
        actual,
        baseline,
        target,
        direction,
        tolerance,
        period_start,
        period_end,
        baseline_start,
        baseline_end,
        reported,
        percent,
        series,
        past,
        actual_end,
        freq_months,
    ) = rows
    n, xbar, ybar, sxx, slope, s2, first_x, first_y = fits
    met, gap_closed, ratio, achievement, value, low, high, p_meet, reason, status, pace = out
    for r in range(actual.shape[0]):
        row = Target(
            actual[r],
            baseline[r],
            target[r],
            direction[r],
            tolerance[r],
            period_start[r],
            period_end[r],
            baseline_start[r],
            baseline_end[r],
            reported[r],
            percent[r],
            past[r],
            actual_end[r],
            freq_months[r],
        )
        s = series[r]
        if s >= 0:
            fit = Fit(n[s], xbar[s], ybar[s], sxx[s], slope[s], s2[s], first_x[s], first_y[s])
        else:
            fit = Fit(0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan)
        score = score_one(row)
        forecast = forecast_one(row, fit, score[0], judging)
        met[r], gap_closed[r], ratio[r], achievement[r] = score
        value[r], low[r], high[r], p_meet[r], reason[r] = forecast
        status[r], pace[r] = status_one(row, fit, score, forecast, judging)
