"""An indicator's evaluability in words of the reader's language: the verdict with its design, the facts it
rests on and what to collect, each from the ``evaluability.*`` keys of the catalogs.

Counts are written with the language's plural forms (``3 года``, ``5 лет``), periods in the indicator's
frequency (years, quarters or months) and as SDMX periods (``2019``, ``2019-Q3``).

Examples
--------
>>> from natije.evaluation.evaluability import assess, panel_facts
>>> import polars as pl
>>> facts = panel_facts(pl.DataFrame({"territory": [], "period": []}, schema={"territory": pl.String,
...                     "period": pl.Int64}), frequency="A", start=2018, regions=["A", "B"], series=[2017])
>>> words = describe_evaluability(assess("X", facts), "ru")
>>> words.verdict
'Ни одна схема оценки на данных базы не позволяет оценить влияние программы на этот показатель.'
>>> words.needs[-2]
'Собрать значения ещё за 1 год до начала программы.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from natije.domain.periods import Frequency, Period
from natije.evaluation.evaluability import Evaluability, Need, PanelFacts
from natije.locale import t
from natije.services.evaluation_words import method_name

K = "evaluability."


@dataclass(frozen=True)
class EvaluabilityWords:
    """An evaluability in one language: the verdict, the method's name (empty without one), the facts and
    the needs, each a sentence."""

    lang: str
    verdict: str
    method: str
    facts: tuple[str, ...]
    needs: tuple[str, ...]

    def lines(self) -> list[str]:
        """Every sentence in reading order: the verdict, the facts, the needs."""
        return [self.verdict, *self.facts, *self.needs]

    def to_dict(self) -> dict[str, Any]:
        """The words as a JSON-friendly mapping."""
        return {
            "lang": self.lang,
            "verdict": self.verdict,
            "method": self.method,
            "facts": list(self.facts),
            "needs": list(self.needs),
        }


def _span(count: int, f: PanelFacts, lang: str) -> str:
    return t(f"{K}periods.{f.frequency}", lang, count=count)


def _label(index: int, f: PanelFacts) -> str:
    return str(Period(Frequency(f.frequency), index))


def _timing(f: PanelFacts, lang: str) -> str:
    """The panel's periods before and after, counted from the waves of the roll-out (see ``PanelFacts``)."""
    kind = "staggered" if len(f.cohorts) >= 2 else "block" if f.treated else "start"
    before, after = _span(f.pre_periods, f, lang), _span(f.post_periods, f, lang)
    return t(f"{K}timing.{kind}", lang, before=before, after=after)


def _facts(f: PanelFacts, lang: str) -> list[str]:
    out: list[str] = []
    if f.units >= 2:
        regions = t(K + "count.regions", lang, count=f.units)
        counts = {"total": f.regions, "treated": f.treated, "untreated": f.untreated}
        out.append(t(K + "facts.panel", lang, regions=regions, timing=_timing(f, lang), **counts))
    elif f.series_pre_periods or f.series_post_periods:
        before, after = _span(f.series_pre_periods, f, lang), _span(f.series_post_periods, f, lang)
        out.append(t(K + "facts.series", lang, before=before, after=after))
    else:
        out.append(t(K + "facts.empty", lang))
    if not f.rollout_known:
        out.append(t(K + "facts.no_rollout", lang, start=_label(f.start, f)))
    elif f.cohorts:
        waves = t(K + "count.waves", lang, count=len(f.cohorts))
        out.append(
            t(K + "facts.rollout", lang, waves=waves, periods=", ".join(_label(c, f) for c in f.cohorts))
        )
    else:
        out.append(t(K + "facts.rollout_none", lang))
    return out


def _need(n: Need, f: PanelFacts, lang: str) -> str:
    if n.code in ("pre_periods", "post_periods"):
        return t(K + "need." + n.code, lang, span=_span(n.count or 1, f, lang))
    if n.code == "regional_values" and n.count is None:
        return t(K + "need.regional_values_any", lang)
    return t(K + "need." + n.code, lang, **({} if n.count is None else {"count": n.count}))


def describe_evaluability(item: Evaluability, lang: str) -> EvaluabilityWords:
    """Every sentence a reader is shown about ``item`` (see :func:`natije.services.evaluability.
    program_evaluability`), in ``lang``."""
    method = "" if item.method is None else method_name({"method": item.method}, lang)
    phrase = "" if item.method is None else t(K + "method." + item.method, lang)
    return EvaluabilityWords(
        lang=lang,
        verdict=t(K + "verdict." + item.verdict, lang, **({"method": phrase} if phrase else {})),
        method=method,
        facts=tuple(_facts(item.facts, lang)),
        needs=tuple(_need(n, item.facts, lang) for n in item.needs),
    )
