"""Registered estimators ``sc`` (synthetic control) and ``sdid`` (synthetic difference-in-differences).

Both read a block design (treated units that all start in one period) from the :class:`Panel`.

``sc`` options (``design.options``): ``predictors`` — list of :class:`Predictor`, ``(variable,
times)`` pairs or dicts with ``variable``/``times``/``op`` (default: every pre-period outcome);
variables other than the outcome must be design covariates. ``optimize_times`` — periods whose MSPE
chooses V (default: all pre-periods). ``extra_starts`` — random starts beyond R's two.
``leave_one_out`` (default True). Several treated units are averaged into one treated series.
Inference is the in-space placebo: p-value from post/pre RMSPE ratios, se = standard deviation of
the placebo estimates, interval = estimate ± the ``(1 - alpha)(J + 1)``-th smallest |placebo estimate|
of ``J`` placebos (a permutation interval; the level it attains is in the diagnostics).

``sdid`` options: ``variant`` = ``sdid`` (default), ``sc`` or ``did`` — R ``synthdid``'s three
estimators; ``replications`` (default ``design.n_boot``). Inference ``placebo`` (default),
``bootstrap`` or ``jackknife``, as R's ``vcov``; interval = estimate ± z·se.

Per-period effects carry a standard error from the same replicates (sdid: the replicates' effect curves;
sc: the spread of the placebo gaps in that period) and a normal interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from natije.errors import EstimationError, InsufficientData, Text
from natije.evaluation import texts
from natije.evaluation.design import EvaluationDesign
from natije.evaluation.executors import Executor
from natije.evaluation.inference import normal_ci, p_value
from natije.evaluation.panel import Panel
from natije.evaluation.registry import register
from natije.evaluation.result import Effect, EvaluationResult
from natije.evaluation.synthetic.sdid import ESTIMATORS as SDID_VARIANTS
from natije.evaluation.synthetic.sdid_inference import standard_error
from natije.evaluation.synthetic.synth import Predictor, SynthProblem, build_problem, fit_synth
from natije.evaluation.synthetic.synth_inference import in_space_placebos, leave_one_out

TREATED_MEAN = "treated (mean)"


def _py(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def parse_predictors(spec: Any) -> list[Predictor] | None:
    """Turn the ``predictors`` option into :class:`Predictor` objects (None = outcome-only design)."""
    if spec is None:
        return None
    out = []
    for p in spec:
        if isinstance(p, Predictor):
            out.append(p)
        elif isinstance(p, str):
            out.append(Predictor(p))
        elif isinstance(p, Mapping):
            times = p.get("times")
            out.append(
                Predictor(p["variable"], tuple(times) if times is not None else None, p.get("op", "mean"))
            )
        elif isinstance(p, Sequence) and len(p) in (2, 3):
            out.append(Predictor(p[0], tuple(p[1]) if p[1] is not None else None, *(p[2:] or ())))
        else:
            raise EstimationError(
                Text("error.bad_predictor"), got=repr(p), expected="(variable, times) or dict"
            )
    return out


def backdate_periods(T0: int, T1: int) -> int:
    """Periods the in-time placebo moves the start back: up to the post length, at most a third of the pre."""
    return min(T1, max(1, T0 // 3)) if T0 >= 4 else 0


def synth_problem(panel: Panel, design: EvaluationDesign, backdate: int = 0) -> SynthProblem:
    """The :class:`SynthProblem` of a block design; several treated units are averaged into one.

    ``backdate > 0`` builds the in-time placebo: only pre-intervention periods, with a fake start
    ``backdate`` periods before the real one.
    """
    T0 = panel.T0
    tr = panel.treated
    controls = panel.units[~tr]
    if tr.sum() == 1:
        Y, X, treated = panel.Y, dict(panel.X), panel.units[tr][0]
        units: list[Any] = list(panel.units)
    else:
        Y = np.vstack([panel.Y[~tr], panel.Y[tr].mean(axis=0)])
        X = {k: np.vstack([m[~tr], m[tr].mean(axis=0)]) for k, m in panel.X.items()}
        units, treated = [*controls, TREATED_MEAN], TREATED_MEAN
    times = list(panel.times)
    opts = design.options
    optimize = opts.get("optimize_times")
    if backdate:
        Y, X, times = Y[:, :T0], {k: m[:, :T0] for k, m in X.items()}, times[:T0]
        T0 -= backdate
        optimize = [tt for tt in optimize if tt in times[:T0]] if optimize is not None else None
    return build_problem(
        Y,
        X,
        units,
        times,
        outcome=design.outcome,
        treated=treated,
        donors=list(controls),
        T0=T0,
        predictors=parse_predictors(opts.get("predictors")),
        optimize_times=optimize or None,
    )


def _in_time(fn: Any, times: np.ndarray, T0: int, h: int) -> dict[str, Any] | None:
    """Run an in-time placebo ``fn() -> estimate``; None when the pre-period is too short or it fails."""
    if h == 0:
        return None
    try:
        est = float(fn())
    except (EstimationError, InsufficientData):
        return None
    return {"fake_start": _py(times[T0 - h]), "periods": h, "estimate": est}


def _effects(
    times: np.ndarray, values: np.ndarray, ses: np.ndarray | None = None, alpha: float = 0.05
) -> tuple[Effect, ...]:
    """Per-period effects; with standard errors, normal intervals (NaN se leaves them empty)."""
    out = []
    for k, (tt, v) in enumerate(zip(times, values)):
        se = float(ses[k]) if ses is not None and k < ses.size and np.isfinite(ses[k]) else None
        lo, hi = normal_ci(float(v), se, alpha) if se is not None else (None, None)
        out.append(
            Effect(
                label=_py(tt),
                kind="period",
                estimate=float(v),
                se=se,
                ci_low=None if lo is None else float(lo),
                ci_high=None if hi is None else float(hi),
            )
        )
    return tuple(out)


def _text(design: EvaluationDesign, est: float, ci: tuple[float, float], p: float, extra: list[str]) -> str:
    return " ".join([texts.interpret_att(design, est, ci, p), *extra])


def _donor_text(design: EvaluationDesign, weights: Mapping[Any, float]) -> str:
    named = ((texts.unit_text(design, k), v) for k, v in weights.items())
    return texts.donors_sentence(named, texts.lang_of(design))


@register("sc")
class SyntheticControl:
    """Abadie–Diamond–Hainmueller synthetic control with in-space placebo inference."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Fit weights, run the placebos and leave-one-out refits through ``executor``.

        Raises
        ------
        EstimationError
            Staggered starts, unknown predictors, or an inference other than ``placebo``.
        """
        if design.inference not in (None, "placebo"):
            raise EstimationError(Text("error.sc_inference"), inference=design.inference)
        problem = synth_problem(panel, design)
        extra = int(design.options.get("extra_starts", 0))
        fit = fit_synth(problem, extra_starts=extra, seed=design.seed)
        placebo = in_space_placebos(fit, mapper=executor.map, extra_starts=extra)
        est = fit.estimate
        se = float(placebo.effects.std(ddof=1)) if placebo.effects.size > 1 else float("nan")
        lo, hi, level = placebo.interval(est, design.alpha)
        ci = (lo, hi)
        diagnostics: dict[str, Any] = {
            "pre_rmspe": fit.pre_rmspe,
            "post_rmspe": fit.post_rmspe,
            "loss_v": fit.loss_v,
            "loss_w": fit.loss_w,
            "predictor_weights": dict(zip(problem.predictors, fit.v.tolist())),
            "balance": fit.balance(),
            "placebo": placebo.to_dict(),
            "se_method": "sd of in-space placebo estimates",
            "ci_method": "permutation interval from |placebo estimates|",
            "ci_level_attained": level,
            "search_start": fit.start,
        }
        T1 = problem.Y1.size - problem.T0
        h = backdate_periods(problem.T0, T1)
        diagnostics["placebo_in_time"] = _in_time(
            lambda: fit_synth(synth_problem(panel, design, h), extra_starts=extra, seed=design.seed).estimate,
            problem.times,
            problem.T0,
            h,
        )
        if design.options.get("leave_one_out", True):
            diagnostics["leave_one_out"] = leave_one_out(
                fit, mapper=executor.map, extra_starts=extra
            ).to_dict()
        weights = {_py(k): float(v) for k, v in fit.weights_by_donor().items()}
        lang = texts.lang_of(design)
        extra_text = [
            _donor_text(design, weights),
            texts.permutation_sentence(placebo.p_value, placebo.ratios.size + 1, lang),
        ]
        return EvaluationResult(
            estimate=est,
            se=se,
            ci=ci,
            p_value=placebo.p_value,
            method="sc",
            design=design,
            effects=_effects(
                problem.times[problem.T0 :],
                fit.gap[problem.T0 :],
                placebo.gaps[:, problem.T0 :].std(axis=0, ddof=1),
                design.alpha,
            ),
            unit_weights=weights,
            time_weights=None,
            diagnostics=diagnostics,
            assumption_keys=("sc_convex_hull", "sc_stable_weights", "no_anticipation", "no_spillovers"),
            interpretation=_text(design, est, ci, placebo.p_value, extra_text),
        )


@register("sdid")
class SyntheticDiD:
    """Synthetic difference-in-differences (Arkhangelsky et al. 2021) exactly as R ``synthdid``."""

    def fit(self, panel: Panel, design: EvaluationDesign, executor: Executor) -> EvaluationResult:
        """Estimate unit and time weights and the weighted double difference; SE by ``design.inference``.

        Raises
        ------
        EstimationError
            Staggered starts, an unknown variant, or an inference R ``synthdid`` does not offer.
        """
        variant = design.options.get("variant", "sdid")
        if variant not in SDID_VARIANTS:
            raise EstimationError(
                Text("error.unknown_sdid_variant", variant=variant), expected=sorted(SDID_VARIANTS)
            )
        method = design.inference or "placebo"
        if method not in ("placebo", "bootstrap", "jackknife"):
            raise EstimationError(Text("error.sdid_inference"), inference=method)
        Y, tr, T0, units = panel.block()
        N0 = int((~tr).sum())
        fit = SDID_VARIANTS[variant](Y, N0, T0)
        reps = int(design.options.get("replications", design.n_boot))
        inf = standard_error(fit, method, replications=reps, seed=design.seed, mapper=executor.map)
        est, se = fit.estimate, inf.se
        lo, hi = normal_ci(est, se, design.alpha)
        ci, p = (float(lo), float(hi)), p_value(est, se)
        gap = Y[N0:].mean(axis=0) - fit.omega @ Y[:N0]
        pre = gap[:T0] - gap[:T0] @ fit.lambda_
        diagnostics: dict[str, Any] = {
            "variant": variant,
            "pre_rmspe": float(np.sqrt(np.mean(pre**2))),
            "noise_level": fit.noise_level,
            "zeta_omega": fit.options.zeta_omega,
            "zeta_lambda": fit.options.zeta_lambda,
            "effective_controls": float(1.0 / np.sum(fit.omega**2)),
            "effective_pre_periods": float(1.0 / np.sum(fit.lambda_**2)) if fit.lambda_.any() else 0.0,
            "inference": inf.to_dict(),
        }
        h = backdate_periods(T0, Y.shape[1] - T0)
        diagnostics["placebo_in_time"] = _in_time(
            lambda: SDID_VARIANTS[variant](Y[:, :T0], N0, T0 - h).estimate, panel.times, T0, h
        )
        weights = {_py(u): float(w) for u, w in zip(units[:N0], fit.omega)}
        time_w = (
            {_py(tt): float(w) for tt, w in zip(panel.times[:T0], fit.lambda_)} if variant != "sc" else None
        )
        keys = (
            ("sdid_weights", "no_anticipation", "no_spillovers")
            if variant != "sc"
            else ("sc_convex_hull", "sc_stable_weights", "no_anticipation", "no_spillovers")
        )
        return EvaluationResult(
            estimate=est,
            se=se,
            ci=ci,
            p_value=p,
            method="sdid",
            design=design,
            effects=_effects(panel.times[T0:], fit.effects, inf.effect_se, design.alpha),
            unit_weights=weights,
            time_weights=time_w,
            diagnostics=diagnostics,
            assumption_keys=keys,
            interpretation=_text(design, est, ci, p, [_donor_text(design, weights)]),
        )
