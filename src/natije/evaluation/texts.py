"""Assumptions and interpretations in words (kk, ru, en through :mod:`natije.locale`).

The outcome is named by ``design.options['outcome_label']`` when given (an indicator's name in the interface
language) and effects carry ``design.options['effect_unit']`` (``pp``, ``bn KZT``…); otherwise the outcome's
column name and bare numbers. Units (donors of a synthetic control) are named by
``design.options['unit_labels']``. Numbers are written as the language writes them; p-values as ``< 0.001`` or
with three decimals.
"""

from __future__ import annotations

import math

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


def _p_relation(p: float, lang: str) -> str:
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


def interpret_att(
    design: EvaluationDesign,
    estimate: float,
    ci: tuple[float, float],
    p: float,
    pretrend_p: float | None = None,
) -> str:
    """One or two sentences: the average effect, its interval, whether it differs from zero."""
    lang = lang_of(design)
    text = _effect_sentence("evaluation.interpret.att", design, estimate, ci, p=_p_relation(p, lang))
    if pretrend_p is not None and not math.isnan(pretrend_p) and pretrend_p < design.alpha:
        text += " " + t("evaluation.verdict.pretrend_fail", lang, p=_p_relation(pretrend_p, lang))
    return text


def _effect_sentence(
    key: str, design: EvaluationDesign, estimate: float, ci: tuple[float, float], **extra: str
) -> str:
    """The effect with its interval in words (``key``), then whether the interval excludes zero.

    Without an interval (a standard error that cannot be estimated) the sentence is ``key + '_no_ci'``.
    """
    lang = lang_of(design)
    unit = str(design.options.get("effect_unit") or "")
    params = {"outcome": outcome_text(design), "estimate": signed(estimate, lang, unit), **extra}
    if not (math.isfinite(ci[0]) and math.isfinite(ci[1])):
        return t(key + "_no_ci", lang, **params)
    text = t(
        key,
        lang,
        low=signed(ci[0], lang),
        high=signed(ci[1], lang, unit),
        level=round(100 * (1 - design.alpha)),
        **params,
    )
    sig = ci[0] > 0 or ci[1] < 0
    return text + " " + t("evaluation.verdict." + ("significant" if sig else "not_significant"), lang)


def interpret_its(
    design: EvaluationDesign, estimate: float, ci: tuple[float, float], cumulative: float
) -> str:
    """Average and cumulative departure from the no-intervention forecast, in words."""
    unit = str(design.options.get("effect_unit") or "")
    return _effect_sentence(
        "evaluation.interpret.its", design, estimate, ci, cumulative=signed(cumulative, lang_of(design), unit)
    )
