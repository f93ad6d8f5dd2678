"""An evaluation in words of the reader's language, written from its data: the web page, the CLI and reports.

A result keeps the words of the language it was run in (``interpretation``, ``assumptions``); a reader in
another language must not get those. :func:`describe` writes every piece again from the result's numbers and
keys (``EvaluationResult.to_dict()``, the form the store keeps): the method's name, the design, the estimate
with its interval, the diagnostics (:mod:`natije.services.evaluation_checks`), the assumptions and the
interpretation, with the sentence templates the estimators use (:mod:`natije.evaluation.texts`). The outcome
and the territories are named in the reader's language from the panel notes of a stored evaluation.

Examples
--------
>>> r = {"method": "did", "estimate": 1.975, "ci": [1.61, 2.34], "p_value": 0.0004, "se": 0.114,
...      "design": {"outcome": "y", "alpha": 0.05, "treated": ["C", "D"], "options": {"lang": "en"}},
...      "diagnostics": {"clusters": 4}, "assumption_keys": ["no_spillovers"]}
>>> words = describe(r, "ru")
>>> words.method
'Разность разностей (двусторонние фиксированные эффекты)'
>>> words.estimate
'+1,975 (95% доверительный интервал: +1,61 … +2,34)'
>>> words.interpretation.startswith("В среднем вмешательство изменило показатель «y»")
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from natije.domain.unit_text import percent
from natije.evaluation import texts
from natije.locale import LANGUAGES, catalog, formats, t
from natije.locale.formats import p_text
from natije.services.evaluation_checks import Check, Facts, checks
from natije.services.evaluation_run import effect_unit

K = "evaluation.words."
DEFAULT_INFERENCE = {"cs": "bootstrap", "sc": "placebo", "sdid": "placebo", "its": "simulation"}
"""The inference a method uses when the design names none (the others: ``analytic``)."""


@dataclass(frozen=True)
class Sentence:
    """A text and the language it is in (a stored text no catalog key matches keeps its own language)."""

    text: str
    lang: str


@dataclass(frozen=True)
class EvaluationWords:
    """Everything a reader is shown about an evaluation, in one language.

    ``design`` is (label, value) pairs; ``p_value`` is written as ``< 0.001`` or with three decimals (empty
    when there is none); ``weights`` are the comparison units with a weight, named, largest first.
    """

    lang: str
    method: str
    design: tuple[tuple[str, str], ...]
    estimate: str
    p_value: str
    interpretation: str
    checks: tuple[Check, ...]
    assumptions: tuple[Sentence, ...]
    notes: tuple[str, ...]
    weights: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The words as a JSON-friendly mapping."""
        return {
            "lang": self.lang,
            "method": self.method,
            "design": [list(pair) for pair in self.design],
            "estimate": self.estimate,
            "p_value": self.p_value,
            "interpretation": self.interpretation,
            "checks": [c.to_dict() for c in self.checks],
            "assumptions": [{"text": a.text, "lang": a.lang} for a in self.assumptions],
            "notes": list(self.notes),
            "weights": [list(pair) for pair in self.weights],
        }


@dataclass(frozen=True)
class _Reading:
    """A stored result (``r``) with its parts at hand and what naming it in ``lang`` needs."""

    r: Mapping[str, Any]
    lang: str
    design: Mapping[str, Any]
    options: Mapping[str, Any]
    diagnostics: Mapping[str, Any]
    panel: Mapping[str, Any]
    alpha: float
    estimate: float
    ci: tuple[float, float]

    def outcome(self) -> str:
        """The indicator's name in ``lang`` (stored evaluations), else the ``outcome_label`` option, else the
        column."""
        indicator = self.panel.get("indicator") or {}
        if indicator:
            return (indicator.get("names") or {}).get(self.lang) or str(self.design.get("outcome", ""))
        return str(self.options.get("outcome_label") or self.design.get("outcome", ""))

    def unit(self) -> str:
        """The unit of effects in ``lang``: from the indicator's unit, else the ``effect_unit`` option."""
        indicator = self.panel.get("indicator") or {}
        if indicator:
            return effect_unit(str(indicator.get("unit") or ""), self.lang)
        return str(self.options.get("effect_unit") or "")

    def unit_name(self, code: Any) -> str:
        """A unit (territory) by its name in ``lang`` and code, else its label option, else its id."""
        names = (self.panel.get("territory_names") or {}).get(str(code)) or {}
        if names.get(self.lang):
            return f"{names[self.lang]} ({code})"
        labels = {str(k): v for k, v in self.options.get("unit_labels") or ()}
        return str(labels.get(str(code), code))

    def wording(self) -> texts.Wording:
        return texts.Wording(self.lang, self.outcome(), self.unit(), self.alpha)

    def facts(self) -> Facts:
        return Facts(self.lang, self.estimate, self.ci, self.alpha, self.unit())


def _float(x: Any) -> float:
    return math.nan if x is None else float(x)


def _read(r: Mapping[str, Any], lang: str) -> _Reading:
    design = r.get("design") or {}
    diagnostics = r.get("diagnostics") or {}
    low, high = r.get("ci") or (None, None)
    return _Reading(
        r,
        lang,
        design,
        design.get("options") or {},
        diagnostics,
        diagnostics.get("panel") or {},
        float(design.get("alpha") or 0.05),
        _float(r.get("estimate")),
        (_float(low), _float(high)),
    )


def _att(w: _Reading) -> str:
    pretrend = (w.diagnostics.get("pretrend_wald") or {}).get("p_value")
    p = _float(w.r.get("p_value"))
    return texts.att_sentences(
        w.wording(), w.estimate, w.ci, p, None if pretrend is None else float(pretrend)
    )


def _donors(w: _Reading) -> str:
    weights = w.r.get("unit_weights") or ()
    return texts.donors_sentence(((w.unit_name(x["label"]), x["weight"] or 0.0) for x in weights), w.lang)


def _sc(w: _Reading) -> str:
    placebo = w.diagnostics.get("placebo") or {}
    sentences = [_att(w), _donors(w)]
    if placebo:
        units = int(placebo.get("n_placebos") or 0) + 1
        sentences.append(texts.permutation_sentence(_float(placebo.get("p_value")), units, w.lang))
    return " ".join(sentences)


def _sdid(w: _Reading) -> str:
    return f"{_att(w)} {_donors(w)}"


def _its(w: _Reading) -> str:
    cumulative = _float((w.diagnostics.get("cumulative") or {}).get("estimate"))
    return texts.its_sentence(w.wording(), w.estimate, w.ci, cumulative)


INTERPRETERS: dict[str, Callable[[_Reading], str]] = {
    "did": _att,
    "event-study": _att,
    "cs": _att,
    "sc": _sc,
    "sdid": _sdid,
    "its": _its,
}
"""The interpretation of each method's result; a method not listed gets the average-effect sentences."""


def interpretation(result: Mapping[str, Any], lang: str) -> str:
    """What the estimate means, in ``lang``, written from the numbers of ``result`` (``to_dict()`` form)."""
    reading = _read(result, lang)
    return INTERPRETERS.get(str(result.get("method")), _att)(reading)


def method_name(result: Mapping[str, Any], lang: str) -> str:
    """The method's name in ``lang`` (a synthetic DiD names its variant); an unknown method its code."""
    method = str(result.get("method", ""))
    variant = (result.get("diagnostics") or {}).get("variant")
    key = f"evaluation.method.{method}" + (f"_{variant}" if method == "sdid" and variant != "sdid" else "")
    text = t(key, lang)
    return method if text == key else text


def _design(w: _Reading) -> tuple[tuple[str, str], ...]:
    method = str(w.r.get("method", ""))
    rows: list[tuple[str, str]] = []
    treated = w.design.get("treated")
    if treated:
        rows.append((t(K + "covered", w.lang), ", ".join(w.unit_name(u) for u in treated)))
    elif w.design.get("cohort"):
        rows.append((t(K + "covered", w.lang), t(K + "staggered", w.lang)))
    if method == "cs":
        for field in ("control", "estimation", "aggregation"):
            rows.append((t(K + field, w.lang), t(f"{K}{field}.{w.design.get(field)}", w.lang)))
    inference = w.design.get("inference") or DEFAULT_INFERENCE.get(method, "analytic")
    rows.append((t(K + "inference", w.lang), t(f"evaluation.inference.{inference}", w.lang)))
    rows.append((t(K + "level", w.lang), percent(round(100 * (1 - w.alpha)), w.lang, 0)))
    return tuple(rows)


def _estimate(w: _Reading) -> str:
    unit = w.unit()
    text = texts.signed(w.estimate, w.lang, unit)
    low, high = w.ci
    if not (math.isfinite(low) and math.isfinite(high)):
        return text
    level = round(100 * (1 - w.alpha))
    low_text, high_text = texts.signed(low, w.lang), texts.signed(high, w.lang, unit)
    return f"{text} ({t(K + 'interval', w.lang, level=level, low=low_text, high=high_text)})"


def _assumptions(w: _Reading) -> tuple[Sentence, ...]:
    keys = w.r.get("assumption_keys") or ()
    if keys or not w.r.get("assumptions"):
        return tuple(Sentence(t(f"evaluation.assumption.{k}", w.lang), w.lang) for k in keys)
    # stored before the keys were kept (or made without them): find each text's key in the catalog of the
    # language it was written in
    written = str(w.options.get("lang") or "en")
    written = written if written in LANGUAGES else "en"
    by_text = {v: k for k, v in catalog(written).items() if k.startswith("evaluation.assumption.")}
    return tuple(
        Sentence(t(by_text[a], w.lang), w.lang) if a in by_text else Sentence(a, written)
        for a in w.r.get("assumptions") or ()
    )


def _weights(w: _Reading) -> tuple[tuple[str, str], ...]:
    """Comparison units that carry weight (shown to three decimals), named, largest weight first."""
    rows = [(x["label"], _float(x["weight"])) for x in w.r.get("unit_weights") or ()]
    shown = sorted((r for r in rows if math.isfinite(r[1]) and r[1] >= 0.0005), key=lambda r: -r[1])
    return tuple((w.unit_name(label), formats.number(weight, w.lang, 3)) for label, weight in shown)


def describe(result: Mapping[str, Any], lang: str) -> EvaluationWords:
    """Every piece of an evaluation a reader sees, in ``lang``, from ``result`` (``to_dict()`` form)."""
    w = _read(result, lang)
    p = _float(result.get("p_value"))
    notes = w.diagnostics.get("notes") or ()
    return EvaluationWords(
        lang=lang,
        method=method_name(result, lang),
        design=_design(w),
        estimate=_estimate(w),
        p_value=p_text(p, lang),
        interpretation=interpretation(result, lang),
        checks=checks(w.diagnostics, w.facts()),
        assumptions=_assumptions(w),
        notes=tuple(t(n["key"], lang, **(n.get("params") or {})) for n in notes),
        weights=_weights(w),
    )
