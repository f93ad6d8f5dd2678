"""Assumptions and interpretations in words (kk, ru, en through :mod:`natije.locale`).

The outcome is named by ``design.options['outcome_label']`` when given (an indicator's name in the interface
language) and effects carry ``design.options['effect_unit']`` (``pp``, ``bn KZT``…); otherwise the outcome's
column name and bare numbers. Units (donors of a synthetic control) are named by
``design.options['unit_labels']``. Numbers are written as the language writes them; p-values as ``< 0.001`` or
with three decimals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from natije.domain.unit_text import share
from natije.evaluation.design import EvaluationDesign
from natije.locale import t
from natije.locale.formats import number, p_text

SIGNIFICANT = 4


def lang_of(design: EvaluationDesign) -> str:
    """Language asked for in ``design.options['lang']`` (English by default)."""
    return str(design.options.get("lang", "en"))


def assumptions(design: EvaluationDesign, *keys: str) -> tuple[str, ...]:
    """Translate ``evaluation.assumption.<key>`` for each key."""
    lang = lang_of(design)
    return tuple(t(f"evaluation.assumption.{k}", lang) for k in keys)


def outcome_text(design: EvaluationDesign) -> str:
    """The outcome as people know it: the ``outcome_label`` option, else the column name."""
    label = design.options.get("outcome_label")
    return str(label) if label else design.outcome


def unit_text(design: EvaluationDesign, unit: object) -> str:
    """A unit as people know it: its label in ``design.options['unit_labels']`` ((id, label)
    pairs), else its id."""
    labels = dict(design.options.get("unit_labels") or ())
    return str(labels.get(str(unit), unit))


def p_relation(p: float, lang: str) -> str:
    """A p-value after "p": ``< 0.001`` or ``= 0.042`` (in the style of ``lang``)."""
    text = p_text(p, lang)
    return text if text.startswith("<") else "= " + text


def signed(x: float, lang: str, unit: str = "") -> str:
    """``x`` with its sign, about four significant digits and ``unit``: ``+3.201 pp``, ``−0,04``."""
    if not math.isfinite(x):
        return ""
    digits = 0 if x == 0 else max(0, min(6, SIGNIFICANT - 1 - math.floor(math.log10(abs(x)))))
    text = number(abs(x), lang, digits=digits)
    sign = "+" if x > 0 else "−" if x < 0 else ""
    return f"{sign}{text}" + (f"\N{NO-BREAK SPACE}{unit}" if unit else "")


class Wording(NamedTuple):
    """How the sentences of an evaluation are written: language, the outcome's name, the unit of effects
    (``''`` for bare numbers) and ``alpha`` (1 - confidence level)."""

    lang: str
    outcome: str
    unit: str
    alpha: float


def wording_of(design: EvaluationDesign) -> Wording:
    """The wording a design asks for (``lang``, ``outcome_label`` and ``effect_unit`` options)."""
    unit = str(design.options.get("effect_unit") or "")
    return Wording(lang_of(design), outcome_text(design), unit, design.alpha)


def interpret_att(
    design: EvaluationDesign,
    estimate: float,
    ci: tuple[float, float],
    p: float,
    pretrend_p: float | None = None,
) -> str:
    """One or two sentences: the average effect, its interval, whether it differs from zero."""
    return att_sentences(wording_of(design), estimate, ci, p, pretrend_p)


def att_sentences(
    w: Wording, estimate: float, ci: tuple[float, float], p: float, pretrend_p: float | None = None
) -> str:
    """The average effect with its interval, whether it differs from zero and, when the pre-treatment test
    rejects at ``w.alpha``, a warning about parallel trends."""
    text = effect_sentence("evaluation.interpret.att", w, estimate, ci, p=p_relation(p, w.lang))
    if pretrend_p is not None and math.isfinite(pretrend_p) and pretrend_p < w.alpha:
        text += " " + t("evaluation.verdict.pretrend_fail", w.lang, p=p_relation(pretrend_p, w.lang))
    return text


def effect_sentence(key: str, w: Wording, estimate: float, ci: tuple[float, float], **extra: str) -> str:
    """The effect with its interval in words (``key``), then whether the interval excludes zero.

    Without an interval (a standard error that cannot be estimated) the sentence is ``key + '_no_ci'``.
    """
    params = {"outcome": w.outcome, "estimate": signed(estimate, w.lang, w.unit), **extra}
    if not (math.isfinite(ci[0]) and math.isfinite(ci[1])):
        return t(key + "_no_ci", w.lang, **params)
    text = t(
        key,
        w.lang,
        low=signed(ci[0], w.lang),
        high=signed(ci[1], w.lang, w.unit),
        level=round(100 * (1 - w.alpha)),
        **params,
    )
    sig = ci[0] > 0 or ci[1] < 0
    return text + " " + t("evaluation.verdict." + ("significant" if sig else "not_significant"), w.lang)


def interpret_its(
    design: EvaluationDesign, estimate: float, ci: tuple[float, float], cumulative: float
) -> str:
    """Average and cumulative departure from the no-intervention forecast, in words."""
    return its_sentence(wording_of(design), estimate, ci, cumulative)


def its_sentence(w: Wording, estimate: float, ci: tuple[float, float], cumulative: float) -> str:
    """The average and cumulative departure of the outcome from the forecast without the intervention."""
    total = signed(cumulative, w.lang, w.unit)
    return effect_sentence("evaluation.interpret.its", w, estimate, ci, cumulative=total)


def donors_sentence(weights: Iterable[tuple[str, float]], lang: str) -> str:
    """The comparison units with the five largest weights (named as given), each with its share."""
    top = sorted(weights, key=lambda kv: -kv[1])[:5]
    donors = ", ".join(f"{name} {share(w, lang)}" for name, w in top if w >= 0.005)
    return t("evaluation.interpret.sc_donors", lang, donors=donors)


def permutation_sentence(p: float, units: int, lang: str) -> str:
    """The permutation p-value of in-space placebos over ``units`` units (the covered one included)."""
    return t("evaluation.interpret.sc_permutation", lang, p=p_text(p, lang), n=units)
