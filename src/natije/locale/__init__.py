"""Interface strings in Kazakh, Russian and English.

Catalogs are JSON files beside this module, one per language, with identical keys (a test checks). An entry is
either one text or, where a number decides the words, a mapping of CLDR plural categories to texts
(``{"one": "{count} аумақ", "other": …}`` — Russian uses ``one``, ``few``, ``many`` and ``other``); such an
entry is chosen by the ``count`` parameter. Numbers, money and dates are written by
:mod:`natije.locale.formats`.

>>> t("status.achieved", "en")
'achieved'
>>> t("status.achieved", "ru")
'достигнут'
>>> t("plural.territories", "ru", count=21), t("plural.territories", "ru", count=3)
('21 территория', '3 территории')
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"

Entry = str | dict[str, str]


@cache
def catalog(lang: str) -> dict[str, Entry]:
    """The whole catalog of ``lang``: key → text, or key → {plural category → text}."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, Entry] = json.loads(text)
    return data


def plural_category(count: float, lang: str) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (``one``, ``few``, ``many`` or ``other``).

    Integers follow the language's rule; a number with a fraction is ``other`` in all three languages.

    >>> [plural_category(n, "ru") for n in (1, 2, 5, 11, 21, 22, 25, 1.5)]
    ['one', 'few', 'many', 'many', 'one', 'few', 'many', 'other']
    >>> [plural_category(n, "kk") for n in (1, 2)], [plural_category(n, "en") for n in (1, 2)]
    (['one', 'other'], ['one', 'other'])
    """
    if count != int(count):
        return "other"
    n = abs(int(count))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def _pick(entry: Entry, lang: str, params: dict[str, Any]) -> str:
    if isinstance(entry, str):
        return entry
    count = params.get("count")
    if count is None:
        raise KeyError("a plural entry needs a 'count' parameter")
    return entry.get(plural_category(count, lang), entry["other"])


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Translate ``key`` into ``lang``, formatting ``params`` into it; unknown keys return the key itself.

    A plural entry is chosen by ``count`` (a number); the formatted ``count`` is what the text shows, so pass
    ``count_text`` too when the number should print in another form (``1 234`` rather than ``1234``).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    entry = catalog(lang).get(key)
    if entry is None:
        entry = catalog("en").get(key, key)
    text = _pick(entry, lang, params)
    return text.format(**params) if params else text
