"""The functions templates write words, numbers and dates with, bound to one language: the web pages and the
report use the same ones, so a value reads the same on the screen, in a download and on paper.

>>> h = helpers("ru")
>>> h["_"]("status.achieved"), h["val"](42.2, "%"), h["share"](0.5)
('достигнут', '42,2\xa0%', '50\xa0%')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from natije.domain.unit_text import share, value
from natije.locale import formats, t
from natije.locale.evidence import evidence


def helpers(lang: str) -> dict[str, Any]:
    """``_`` (words), ``name`` (a content name in ``lang``), ``num``, ``money``, ``val`` (a value in its
    unit), ``share``, ``day`` (a date) and ``evidence`` (a flag's evidence), bound to ``lang``; ``link``
    (:func:`web_link`)."""

    def name(names: Mapping[str, str | None] | None, fallback: str = "") -> str:
        return (names or {}).get(lang) or (names or {}).get("en") or fallback

    return {
        "lang": lang,
        "_": lambda key, **params: t(key, lang, **params),
        "name": name,
        "num": lambda v, digits=None: formats.number(v, lang, digits),
        "money": lambda amount, currency: formats.money(amount, currency or "", lang),
        "val": lambda v, unit=None: value(v, unit, lang),
        "share": lambda v: share(v, lang),
        "day": lambda d: formats.date(d, lang),
        "evidence": lambda flag, args, fallback="": evidence(flag, args, lang, fallback),
        "link": web_link,
    }


def web_link(url: str | None) -> str | None:
    """``url`` when a report may link it: an ``http``/``https`` address without spaces, quotes or angle
    brackets; else ``None`` (a package's source may give any text as its url: ``javascript:…`` is never
    linked, and nothing can close the link's markup).

    >>> web_link("https://stat.gov.kz/ru/"), web_link("javascript:alert(1)"), web_link("https://a/><b>")
    ('https://stat.gov.kz/ru/', None, None)
    """
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    return None if any(c.isspace() or c in "<>\"'`" for c in url) else url
