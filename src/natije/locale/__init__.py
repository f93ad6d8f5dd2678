"""Interface strings in Kazakh, Russian and English.

Catalogs are JSON files beside this module, one per language, with identical keys (a test checks).

>>> t("status.achieved", "en")
'achieved'
>>> t("status.achieved", "ru")
'достигнут'
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    text = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    data: dict[str, str] = json.loads(text)
    return data


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Translate ``key`` into ``lang``, formatting ``params`` into it; unknown keys return the key itself."""
    text = catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = catalog("en").get(key, key)
    return text.format(**params) if params else text
