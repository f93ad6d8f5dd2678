"""Callaway & Sant'Anna (2021) staggered difference-in-differences, registered as ``cs``.

Options (``design.options``): ``weights`` ('rademacher' | 'mammen') of the multiplier bootstrap,
``min_e`` / ``max_e`` for the dynamic aggregation, ``lang`` of the interpretation.
Inference: ``analytic`` (influence-function SEs, pointwise intervals) or ``bootstrap`` (default, as R
``did``: multiplier bootstrap SEs and uniform sup-t bands over the disaggregated effects).
"""

from __future__ import annotations

import numpy as np

from natije.evaluation import texts
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import Executor
from natije.evaluation.inference import check_inference, multiplier_bootstrap, normal_ci, p_value, wald
from natije.evaluation.panel import Panel
from natije.evaluation.registry import register
from natije.evaluation.result import Effect, EvaluationResult
from natije.evaluation.staggered.aggregate import AGGREGATORS, dynamic, pre_period_average
from natije.evaluation.staggered.cells import Cells, group_time_effects


def _se(inf: np.ndarray) -> np.ndarray:
    n = inf.shape[0]
    return np.sqrt((inf**2).mean(0) / n)


def _pretrend(cells: Cells) -> dict[str, float]:
    """Joint Wald test that every pre-treatment ATT(g, t) is zero (did's pre-test of parallel trends)."""
    pre = ~cells.post
    n = cells.inf.shape[0]
    inf = cells.inf[:, pre]
    return wald(cells.att[pre], inf.T @ inf / n / n)


def _placebo(cells: Cells, alpha: float) -> dict[str, float] | None:
    """Average pre-treatment ATT(g, t) with its analytic interval (a placebo in time)."""
    pre = pre_period_average(cells)
    if pre is None:
        return None
    est, inf = pre
    se = float(_se(inf[:, None])[0])
    lo, hi = normal_ci(est, se, alpha)
    return {"estimate": est, "se": se, "ci_low": float(lo), "ci_high": float(hi), "p_value": p_value(est, se)}


@register("cs")
class CallawaySantAnna:
    """Group-time ATTs with never-treated or not-yet-treated comparisons, aggregated."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Estimate ATT(g, t), aggregate them as ``design.aggregation`` asks, attach checks and words."""
        cells = group_time_effects(panel, design.covariates, design.control, design.estimation)
        opts = design.options
        if design.aggregation == "dynamic":
            agg = dynamic(cells, opts.get("min_e"), opts.get("max_e"))
        else:
            agg = AGGREGATORS[design.aggregation](cells)
        inf = np.column_stack([agg.inf, agg.parts_inf])
        est = np.concatenate([[agg.estimate], agg.parts])
        se_analytic = _se(inf)
        inference = check_inference(design, ("bootstrap", "analytic"))
        pretrend = _pretrend(cells)
        diagnostics: dict[str, object] = {
            "pretrend_wald": pretrend,
            "dropped_always_treated": cells.dropped_always_treated,
            "analytic_se": float(se_analytic[0]),
            "placebo_in_time": _placebo(cells, design.alpha),
        }
        if inference == "bootstrap":
            boot = multiplier_bootstrap(
                inf,
                executor,
                design.seed,
                design.n_boot,
                design.alpha,
                str(opts.get("weights", "rademacher")),
            )
            se = np.asarray(boot["se"])
            crit = float(boot["crit"])
            diagnostics["uniform_critical_value"] = crit
            lo, hi = normal_ci(est, se, design.alpha)
            band_lo, band_hi = normal_ci(est[1:], se[1:], design.alpha, crit if est.size > 1 else None)
        else:
            se = se_analytic
            lo, hi = normal_ci(est, se, design.alpha)
            band_lo, band_hi = lo[1:], hi[1:]
        effects = tuple(
            Effect(self._label(panel, agg.kind, lab), agg.kind, float(e), float(s), float(a), float(b))
            for lab, e, s, a, b in zip(agg.labels, est[1:], se[1:], band_lo, band_hi)
        )
        gt = tuple(
            {"group": _py(panel.times[g]), "period": _py(panel.times[t]), "att": float(a), "se": float(s)}
            for g, t, a, s in zip(cells.group, cells.period, cells.att, _se(cells.inf))
        )
        diagnostics["group_time"] = gt
        ci = (float(lo[0]), float(hi[0]))
        p = p_value(float(est[0]), float(se[0]))
        keys = ["parallel_trends", "no_anticipation", "no_spillovers"] + (
            ["overlap"] if design.covariates else []
        )
        return EvaluationResult(
            estimate=float(est[0]),
            se=float(se[0]),
            ci=ci,
            p_value=p,
            method="cs",
            design=design,
            effects=effects,
            diagnostics=diagnostics,
            assumption_keys=tuple(keys),
            interpretation=texts.interpret_att(design, float(est[0]), ci, p, pretrend["p_value"]),
        )

    @staticmethod
    def _label(panel: Panel, kind: str, lab: int) -> object:
        return lab if kind == "event_time" else _py(panel.times[lab])


def _py(v: object) -> object:
    return v.item() if hasattr(v, "item") else v
