"""Difference-in-differences (``did``) and the TWFE event study (``event-study``).

``did`` regresses the outcome on the treatment indicator with unit and period effects: with two periods
and two groups it is the textbook 2x2 comparison of changes. ``event-study`` replaces the indicator by
leads and lags relative to each unit's first treated period (reference: the period just before).
Both cluster standard errors by unit and use t intervals with ``units - 1`` degrees of freedom.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from natije.errors import EstimationError, Text
from natije.evaluation import texts
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.did.twfe import fit
from natije.evaluation.executors import Executor
from natije.evaluation.inference import check_inference, wald
from natije.evaluation.panel import NEVER, Panel
from natije.evaluation.registry import register
from natije.evaluation.result import Effect, EvaluationResult


def _t_ci(est: Any, se: Any, df: int, alpha: float) -> tuple[Any, Any, Any]:
    q = stats.t.ppf(1 - alpha / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(np.asarray(est) / np.asarray(se)), df)
    return np.asarray(est) - q * np.asarray(se), np.asarray(est) + q * np.asarray(se), p


def event_design(
    panel: Panel, min_e: int | None = None, max_e: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Event-time dummies (N, T, K) and their event times, reference ``e = -1`` left out.

    Event times beyond ``min_e`` / ``max_e`` are binned into the end points. Without never-treated
    units the earliest lead is also left out, since it is otherwise collinear with the period effects.
    """
    T = panel.Y.shape[1]
    tr = panel.treated
    if not tr.any():
        raise EstimationError(Text("error.no_treated_unit"))
    e = np.arange(T)[None, :] - panel.first[:, None]
    lo = e[tr].min() if min_e is None else max(min_e, e[tr].min())
    hi = e[tr].max() if max_e is None else min(max_e, e[tr].max())
    e = np.clip(e, lo, hi)
    es = np.arange(lo, hi + 1)
    drop = {-1} | ({int(lo)} if tr.all() and lo < -1 else set())
    es = np.array([x for x in es if x not in drop and np.any(e[tr] == x)])
    X = (e[:, :, None] == es[None, None, :]) & tr[:, None, None]
    return X.astype(float), es


def _placebo_in_time(panel: Panel, alpha: float) -> dict[str, float] | None:
    """Static DiD on pre-treatment periods only, with a fake start halfway through them."""
    if not panel.treated.any() or panel.first[panel.treated].min() < 2:
        return None
    T0 = int(panel.first[panel.treated].min())
    fake = T0 // 2
    D = (panel.treated[:, None] & (np.arange(T0)[None, :] >= fake)).astype(float)
    f = fit(panel.Y[:, :T0], D[:, :, None])
    se = float(np.sqrt(f.vcov[0, 0]))
    lo, hi, p = _t_ci(f.beta[0], se, f.df, alpha)
    return {
        "estimate": float(f.beta[0]),
        "se": se,
        "ci_low": float(lo),
        "ci_high": float(hi),
        "p_value": float(p),
        "fake_start_index": fake,
    }


def _pretrend(panel: Panel) -> dict[str, float] | None:
    """Joint Wald test that all event-study leads are zero."""
    try:
        X, es = event_design(panel)
        f = fit(panel.Y, X)
    except EstimationError:
        return None
    lead = es < -1
    if not lead.any():
        return None
    return wald(f.beta[lead], f.vcov[np.ix_(lead, lead)])


def _result(
    design: EvaluationDesign,
    method: str,
    est: float,
    se: float,
    df: int,
    effects: tuple[Effect, ...],
    diagnostics: dict[str, Any],
    staggered: bool,
) -> EvaluationResult:
    lo, hi, p = _t_ci(est, se, df, design.alpha)
    ci = (float(lo), float(hi))
    keys = ["parallel_trends", "no_anticipation", "no_spillovers"] + (
        ["homogeneous_timing"] if staggered else []
    )
    pre = diagnostics.get("pretrend_wald")
    return EvaluationResult(
        estimate=est,
        se=se,
        ci=ci,
        p_value=float(p),
        method=method,
        design=design,
        effects=effects,
        diagnostics=diagnostics,
        assumption_keys=tuple(keys),
        interpretation=texts.interpret_att(design, est, ci, float(p), pre["p_value"] if pre else None),
    )


@register("did")
class DifferenceInDifferences:
    """Static TWFE DiD; the 2x2 comparison when the panel has two periods."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Estimate the average effect of the treatment indicator with unit-clustered SEs."""
        check_inference(design, ("analytic",))
        if not panel.treated.any() or panel.treated.all() and np.unique(panel.first).size == 1:
            raise EstimationError(Text("error.did_needs_groups"))
        f = fit(panel.Y, panel.D[:, :, None])
        est, se = float(f.beta[0]), float(np.sqrt(f.vcov[0, 0]))
        diagnostics: dict[str, Any] = {
            "pretrend_wald": _pretrend(panel),
            "placebo_in_time": _placebo_in_time(panel, design.alpha),
            "clusters": int(panel.Y.shape[0]),
        }
        means = _group_means(panel)
        if means:
            diagnostics["group_means"] = means
        staggered = np.unique(panel.first[panel.treated]).size > 1
        return _result(design, "did", est, se, f.df, (), diagnostics, staggered)


def _group_means(panel: Panel) -> dict[str, Any] | None:
    """Mean outcome of treated and comparison units before and after a common start (2x2 table)."""
    try:
        T0 = panel.T0
    except EstimationError:
        return None
    tr = panel.treated
    cell = {
        f"{g}_{w}": float(panel.Y[m][:, s].mean())
        for g, m in (("treated", tr), ("control", ~tr))
        for w, s in (("pre", slice(0, T0)), ("post", slice(T0, None)))
    }
    return cell if (~tr).any() else None


@register("event-study")
class EventStudy:
    """TWFE event study: effects by event time with unit-clustered SEs and a pre-trend test.

    Options: ``min_e`` / ``max_e`` bin event times beyond those bounds.
    """

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Estimate leads and lags; the headline is the mean of the lags (event time >= 0)."""
        check_inference(design, ("analytic",))
        X, es = event_design(panel, design.options.get("min_e"), design.options.get("max_e"))
        f = fit(panel.Y, X)
        se = np.sqrt(np.diag(f.vcov))
        lo, hi, _ = _t_ci(f.beta, se, f.df, design.alpha)
        effects = tuple(
            Effect(int(e), "event_time", float(b), float(s), float(a), float(c))
            for e, b, s, a, c in zip(es, f.beta, se, lo, hi)
        )
        post = es >= 0
        w = post / post.sum()
        est, se_avg = float(w @ f.beta), float(np.sqrt(w @ f.vcov @ w))
        lead = es < -1
        diagnostics: dict[str, Any] = {
            "pretrend_wald": wald(f.beta[lead], f.vcov[np.ix_(lead, lead)]) if lead.any() else None,
            "placebo_in_time": _placebo_in_time(panel, design.alpha),
            "clusters": int(panel.Y.shape[0]),
            "never_treated": int((panel.first == NEVER).sum()),
        }
        staggered = np.unique(panel.first[panel.treated]).size > 1
        return _result(design, "event-study", est, se_avg, f.df, effects, diagnostics, staggered)
