"""Aggregations of ATT(g, t) into simple, dynamic (event time), group and calendar summaries.

Weights and influence functions follow the R package ``did`` (``aggte``): cells are weighted by the
share of units in their group, and the standard errors include the influence function of those
estimated weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from natije.evaluation.panel import NEVER
from natije.evaluation.staggered.cells import Cells


@dataclass(frozen=True)
class Aggregate:
    """Overall estimate and its parts, each with an influence function column."""

    estimate: float
    inf: np.ndarray  # (n,)
    labels: tuple[int, ...]  # event times, group indices or period indices
    kind: str  # event_time | group | calendar | period
    parts: np.ndarray  # (L,)
    parts_inf: np.ndarray  # (n, L)


def _combine(cells: Cells, pick: np.ndarray, pg: np.ndarray, with_wif: bool) -> tuple[float, np.ndarray]:
    """Group-share weighted mean of the picked cells and its influence function."""
    p = pg[pick]
    w = p / p.sum()
    att = cells.att[pick]
    inf = cells.inf[:, pick] @ w
    if with_wif:
        ind = (cells.G[:, None] == cells.group[pick][None, :]).astype(float) - p[None, :]
        wif = ind / p.sum() - ind.sum(1, keepdims=True) * (p / p.sum() ** 2)[None, :]
        inf = inf + wif @ att
    return float(att @ w), inf


def _group_share(cells: Cells) -> np.ndarray:
    """Share of all units in each cell's group (``pg`` in did)."""
    gs, counts = np.unique(cells.G, return_counts=True)
    share = dict(zip(gs.tolist(), (counts / cells.G.size).tolist()))
    return np.array([share[g] for g in cells.group])


def simple(cells: Cells) -> Aggregate:
    """Group-size weighted mean of post-treatment ATT(g, t)."""
    pg = _group_share(cells)
    est, inf = _combine(cells, cells.post, pg, True)
    return Aggregate(est, inf, (), "period", np.empty(0), np.empty((inf.size, 0)))


def dynamic(cells: Cells, min_e: int | None = None, max_e: int | None = None) -> Aggregate:
    """Effects by event time ``e = t - g``; the overall is the mean over ``e >= 0``."""
    pg = _group_share(cells)
    e_all = cells.period - cells.group
    es = np.unique(e_all)
    if min_e is not None:
        es = es[es >= min_e]
    if max_e is not None:
        es = es[es <= max_e]
    res = [_combine(cells, e_all == e, pg, True) for e in es]
    parts = np.array([r[0] for r in res])
    pinf = np.column_stack([r[1] for r in res])
    post = es >= 0
    return Aggregate(
        float(parts[post].mean()), pinf[:, post].mean(1), tuple(int(e) for e in es), "event_time", parts, pinf
    )


def group(cells: Cells) -> Aggregate:
    """Effects by group (mean over its post periods); overall weighted by group size."""
    gs = np.unique(cells.group)
    parts, cols = [], []
    for g in gs:
        pick = (cells.group == g) & cells.post
        parts.append(cells.att[pick].mean())
        cols.append(cells.inf[:, pick].mean(1))
    parts_a, pinf = np.array(parts), np.column_stack(cols)
    share = np.array([(cells.G == g).mean() for g in gs])
    w = share / share.sum()
    ind = (cells.G[:, None] == gs[None, :]).astype(float) - share[None, :]
    wif = ind / share.sum() - ind.sum(1, keepdims=True) * (share / share.sum() ** 2)[None, :]
    inf = pinf @ w + wif @ parts_a
    return Aggregate(float(parts_a @ w), inf, tuple(int(g) for g in gs), "group", parts_a, pinf)


def calendar(cells: Cells) -> Aggregate:
    """Effects by calendar period (groups already treated); the overall is their mean."""
    pg = _group_share(cells)
    ts = np.unique(cells.period[cells.post])
    res = [_combine(cells, cells.post & (cells.period == t), pg, True) for t in ts]
    parts = np.array([r[0] for r in res])
    pinf = np.column_stack([r[1] for r in res])
    return Aggregate(float(parts.mean()), pinf.mean(1), tuple(int(t) for t in ts), "calendar", parts, pinf)


AGGREGATORS = {"simple": simple, "dynamic": dynamic, "group": group, "calendar": calendar}
__all__ = ["AGGREGATORS", "NEVER", "Aggregate"]


def pre_period_average(cells: Cells) -> tuple[float, np.ndarray] | None:
    """Group-share weighted mean of the pre-treatment ATT(g, t): a placebo in time (should be ~0)."""
    pre = ~cells.post
    if not pre.any():
        return None
    return _combine(cells, pre, _group_share(cells), True)
