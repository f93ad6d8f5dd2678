"""An evaluation's diagnostics in words of one language: what each check measured, what it means, and whether
it supports or weakens the estimate.

Estimators keep their checks in ``diagnostics`` under machine keys (``pretrend_wald``, ``placebo_in_time``,
``pre_rmspe``…). Each worded check is a function registered by its key with :func:`check`; a key without one
(solver details, the counterfactual series, the group-time table) is left to the JSON. The verdicts:

- a test of "no difference before the program" (pre-trend test, placebo in time with a p-value) supports the
  estimate when it does not reject at the design's ``alpha``, and weakens it when it does;
- a placebo in time without a p-value supports it when the placebo effect lies within half the width of the
  estimate's confidence interval (the estimate's own uncertainty) and weakens it otherwise;
- a fit before the program (RMSPE, forecast RMSE) supports it when its error is smaller than the estimated
  effect, and weakens it when the effect is no larger than the gaps before the program;
- in-space placebos support it when the permutation p-value is below ``alpha``; leave-one-out refits when
  every refit keeps the estimate's sign;
- counts and settings (units, comparison units, critical values) are context.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from natije.domain.unit_text import percent
from natije.evaluation.texts import p_relation, signed
from natije.locale import formats, t

K = "evaluation.check."
SUPPORTS, WEAKENS, CONTEXT = "supports", "weakens", "context"


@dataclass(frozen=True)
class Check:
    """One diagnostic in words: its name, its value, what it means and its verdict on the estimate.

    ``verdict`` is ``supports``, ``weakens`` or ``context`` (for styling); ``verdict_text`` says it.
    """

    key: str
    label: str
    value: str
    meaning: str
    verdict: str
    verdict_text: str

    def to_dict(self) -> dict[str, str]:
        """The check as a JSON-friendly mapping."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class Facts:
    """What a check is judged against: the headline estimate, its interval, ``alpha``, the effect unit."""

    lang: str
    estimate: float
    ci: tuple[float, float]
    alpha: float
    unit: str

    def effect(self, x: Any) -> str:
        """An effect with its sign and unit, as the interpretation writes it."""
        return signed(_float(x), self.lang, self.unit)

    def figure(self, x: Any) -> str:
        """A statistic with about four significant digits."""
        return _figure(_float(x), self.lang)


Worder = Callable[[Any, Facts], tuple[str, str] | None]
"""``(value of the diagnostic, facts) → (value in words, verdict)``, or None to leave the check out."""
CHECKS: dict[str, Worder] = {}


def check(key: str) -> Callable[[Worder], Worder]:
    """Register the function that words diagnostic ``key`` (its texts: ``evaluation.check.<key>.*``)."""

    def add(fn: Worder) -> Worder:
        CHECKS[key] = fn
        return fn

    return add


def checks(diagnostics: Mapping[str, Any], facts: Facts) -> tuple[Check, ...]:
    """Every worded diagnostic of a result, in the order they are registered (tests first, context last)."""
    out = []
    for key, worder in CHECKS.items():
        value = diagnostics.get(key)
        worded = worder(value, facts) if value is not None else None
        if worded is None:
            continue
        text, verdict = worded
        out.append(
            Check(
                key,
                t(K + key + ".label", facts.lang),
                text,
                t(K + key + ".meaning", facts.lang),
                verdict,
                t(K + "verdict." + verdict, facts.lang),
            )
        )
    return tuple(out)


def _float(x: Any) -> float:
    return math.nan if x is None else float(x)


def _figure(x: float, lang: str) -> str:
    if not math.isfinite(x):
        return formats.number(x, lang)
    digits = 0 if x == 0 else max(0, min(6, 3 - math.floor(math.log10(abs(x)))))
    return formats.number(x, lang, digits)


def _by_p(p: float, alpha: float, rejects: str) -> str:
    """Verdict of a p-value: ``rejects`` below ``alpha``, the other one above; context when missing."""
    if not math.isfinite(p):
        return CONTEXT
    return rejects if p < alpha else ({SUPPORTS: WEAKENS, WEAKENS: SUPPORTS}[rejects])


@check("pretrend_wald")
def _pretrend(v: Mapping[str, Any], f: Facts) -> tuple[str, str] | None:
    p = _float(v.get("p_value"))
    if not v.get("df") or not math.isfinite(p):
        return None
    text = t(K + "pretrend_wald.value", f.lang, stat=f.figure(v.get("statistic")), df=v["df"])
    return f"{text}, p {p_relation(p, f.lang)}", _by_p(p, f.alpha, WEAKENS)


@check("placebo_in_time")
def _placebo_in_time(v: Mapping[str, Any], f: Facts) -> tuple[str, str] | None:
    if "p_value" in v:  # a difference-in-differences before the program, with its test
        p = _float(v["p_value"])
        text = t(K + "placebo_in_time.value_p", f.lang, estimate=f.effect(v.get("estimate")))
        return f"{text}, p {p_relation(p, f.lang)}", _by_p(p, f.alpha, WEAKENS)
    if "share_inside_interval" in v:  # a forecast of held-out periods before the program
        share = _float(v["share_inside_interval"])
        text = t(
            K + "placebo_in_time.value_forecast",
            f.lang,
            estimate=f.effect(v.get("average_effect")),
            share=percent(100 * share, f.lang, 0),
            level=round(100 * (1 - f.alpha)),
        )
        return text, SUPPORTS if share >= 1 - f.alpha else WEAKENS
    estimate = _float(v.get("estimate"))
    text = t(K + "placebo_in_time.value", f.lang, estimate=f.effect(estimate), start=v.get("fake_start", ""))
    half = (f.ci[1] - f.ci[0]) / 2
    if not (math.isfinite(half) and math.isfinite(estimate)):
        return text, CONTEXT
    return text, SUPPORTS if abs(estimate) <= half else WEAKENS


def _fit_verdict(error: float, f: Facts) -> str:
    if not (math.isfinite(error) and math.isfinite(f.estimate)):
        return CONTEXT
    return SUPPORTS if error < abs(f.estimate) else WEAKENS


@check("pre_rmspe")
def _pre_rmspe(v: Any, f: Facts) -> tuple[str, str]:
    return f.figure(v), _fit_verdict(_float(v), f)


@check("pre_fit")
def _pre_fit(v: Mapping[str, Any], f: Facts) -> tuple[str, str]:
    rmse = _float(v.get("rmse"))
    return t(K + "pre_fit.value", f.lang, rmse=f.figure(rmse)), _fit_verdict(rmse, f)


@check("placebo")
def _placebo(v: Mapping[str, Any], f: Facts) -> tuple[str, str]:
    p = _float(v.get("p_value"))
    text = t(
        K + "placebo.value",
        f.lang,
        ratio=f.figure(v.get("treated_ratio")),
        count=int(v.get("n_placebos") or 0),
    )
    return f"{text}, p {p_relation(p, f.lang)}", _by_p(p, f.alpha, SUPPORTS)


@check("leave_one_out")
def _leave_one_out(v: Mapping[str, Any], f: Facts) -> tuple[str, str] | None:
    low, high = _float(v.get("min")), _float(v.get("max"))
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    text = t(K + "leave_one_out.value", f.lang, low=f.effect(low), high=f.effect(high))
    same_sign = (
        math.isfinite(f.estimate) and f.estimate != 0 and low * f.estimate > 0 and high * f.estimate > 0
    )
    return text, SUPPORTS if same_sign else WEAKENS


@check("cumulative")
def _cumulative(v: Mapping[str, Any], f: Facts) -> tuple[str, str]:
    low, high = _float(v.get("ci_low")), _float(v.get("ci_high"))
    text = f.effect(v.get("estimate"))
    if math.isfinite(low) and math.isfinite(high):
        level = round(100 * (1 - f.alpha))
        text += " " + t(K + "interval", f.lang, level=level, low=f.effect(low), high=f.effect(high))
    return text, CONTEXT


@check("group_means")
def _group_means(v: Mapping[str, Any], f: Facts) -> tuple[str, str]:
    values = {k: f.figure(x) for k, x in v.items()}
    return t(K + "group_means.value", f.lang, **values), CONTEXT


def _count(v: Any, f: Facts) -> tuple[str, str]:
    return formats.number(int(v), f.lang), CONTEXT


def _statistic(v: Any, f: Facts) -> tuple[str, str]:
    return f.figure(v), CONTEXT


for _key in ("clusters", "never_treated", "controls"):
    check(_key)(_count)


@check("dropped_always_treated")
def _dropped(v: Any, f: Facts) -> tuple[str, str] | None:
    return _count(v, f) if v else None


for _key in ("uniform_critical_value", "analytic_se", "effective_controls", "effective_pre_periods"):
    check(_key)(_statistic)


@check("ci_level_attained")
def _ci_level(v: Any, f: Facts) -> tuple[str, str]:
    return percent(100 * _float(v), f.lang, 1), CONTEXT


@check("inference")
def _inference(v: Mapping[str, Any], f: Facts) -> tuple[str, str]:
    text = t(
        K + "inference.value",
        f.lang,
        method=t("evaluation.inference." + str(v.get("method")), f.lang),
        count=int(v.get("replications") or 0),
    )
    return text, CONTEXT
