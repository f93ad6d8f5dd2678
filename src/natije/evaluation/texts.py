"""Assumptions and interpretations in words (kk, ru, en through :mod:`natije.locale`)."""

from __future__ import annotations

import math

from natije.evaluation.design import EvaluationDesign
from natije.locale import t


def lang_of(design: EvaluationDesign) -> str:
    """Language asked for in ``design.options['lang']`` (English by default)."""
    return str(design.options.get("lang", "en"))


def assumptions(design: EvaluationDesign, *keys: str) -> tuple[str, ...]:
    """Translate ``evaluation.assumption.<key>`` for each key."""
    lang = lang_of(design)
    return tuple(t(f"evaluation.assumption.{k}", lang) for k in keys)


def _fmt(x: float) -> str:
    return f"{x:+.4g}"


def interpret_att(
    design: EvaluationDesign,
    estimate: float,
    ci: tuple[float, float],
    p: float,
    pretrend_p: float | None = None,
) -> str:
    """One or two sentences: the average effect, its interval, whether it differs from zero."""
    lang = lang_of(design)
    text = _effect_sentence("evaluation.interpret.att", design, estimate, ci, p=f"{p:.3g}")
    if pretrend_p is not None and not math.isnan(pretrend_p) and pretrend_p < design.alpha:
        text += " " + t("evaluation.verdict.pretrend_fail", lang, p=f"{pretrend_p:.3g}")
    return text


def _effect_sentence(key: str, design: EvaluationDesign, estimate: float, ci: tuple[float, float],
                     **extra: str) -> str:
    """The effect with its interval in words (``key``), then whether the interval excludes zero."""
    lang = lang_of(design)
    text = t(key, lang, outcome=design.outcome, estimate=_fmt(estimate), low=_fmt(ci[0]), high=_fmt(ci[1]),
             level=round(100 * (1 - design.alpha)), **extra)
    sig = ci[0] > 0 or ci[1] < 0
    return text + " " + t("evaluation.verdict." + ("significant" if sig else "not_significant"), lang)


def interpret_its(
    design: EvaluationDesign, estimate: float, ci: tuple[float, float], cumulative: float
) -> str:
    """Average and cumulative departure from the no-intervention forecast, in words."""
    return _effect_sentence("evaluation.interpret.its", design, estimate, ci, cumulative=_fmt(cumulative))
