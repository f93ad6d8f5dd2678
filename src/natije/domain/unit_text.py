"""Values written in their unit, the way each interface language writes them (tables, charts, their texts).

>>> value(5606.0, "count", "ru"), value(42.25, "%", "kk"), value(1000.0, "mn USD", "ru")
('5\\xa0606', '42,2\\xa0%', '1\\xa0млрд долларов США')
>>> unit_name("per 100", "ru"), share(0.92, "kk"), share(0.92, "en")
('на 100 человек', '92\\xa0%', '92%')
"""

from __future__ import annotations

import math

from natije.domain import units
from natije.locale import formats, t

_NO_UNIT = ("count", "rank", "index", "ratio")


def number(v: float | None, lang: str) -> str:
    """A measured value with as many decimals as it needs to be read (3 below 1, none from 1,000 up)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    size = abs(v)
    digits = 0 if size >= 1000 else 1 if size >= 10 else 2 if size >= 1 else 3
    return formats.number(v, lang, digits=digits)


def share(v: float | None, lang: str, digits: int = 0) -> str:
    """A share (0.92) as a percentage: ``92 %`` in kk and ru, ``92%`` in English."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return percent(v * 100, lang, digits)


def percent(v: float, lang: str, digits: int = 1) -> str:
    """A value already in per cent: ``42,2 %`` (kk, ru), ``42.2%`` (en)."""
    figure = formats.number(v, lang, digits=digits)
    return f"{figure}%" if lang == "en" else f"{figure}\N{NO-BREAK SPACE}%"


def value(v: float | None, unit: str | None, lang: str) -> str:
    """A value in its indicator's unit: per cent, money with its scale and currency, per 100,
    or a bare number."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    known = units.resolve(unit or "")
    if known is None or known.code in _NO_UNIT:
        return number(v, lang)
    if known.code == "%":
        return percent(v, lang)
    if known.dimension.startswith("money_"):
        return formats.money(v * known.scale, known.dimension.removeprefix("money_"), lang)
    return f"{number(v, lang)} {unit_name(known.code, lang)}"


def unit_name(unit: str | None, lang: str) -> str:
    """The name of a unit in ``lang`` (``на 100 человек``);
    codes without a catalog entry print as they are."""
    known = units.resolve(unit or "")
    if known is None:
        return unit or ""
    key = "unit." + known.code.replace(" ", "_")
    text = t(key, lang)
    return known.code if text == key else text
