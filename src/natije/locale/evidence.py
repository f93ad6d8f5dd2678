"""A flag's evidence in words of one language, from the JSON arguments the results engine stores with it.

The CLI and the web pages word evidence the same way: values as numbers of the language with every decimal
kept (a rounded figure could hide what changed), dates in the language's official form, names in the reader's
language where the flag carries them (``name_kk`` → ``name``), counted nouns by plural entry.

>>> evidence("target_eased", '{"period": "2027", "old": "90", "new": "85.5", "old_day": "2024-01-02",'
...          ' "day": "2025-03-04", "document": "D"}', "ru")
'целевое значение на 2027 смягчено: 90 (02.01.2024) → 85,5 (04.03.2025, D)'
"""

from __future__ import annotations

import json
from typing import Any

from natije.locale import formats, t

NUMBERS = ("old", "new")  # evidence pieces that are values
DAYS = ("day", "old_day", "ended")  # evidence pieces that are dates


def _number(text: Any, lang: str) -> Any:
    try:
        return formats.number(float(text), lang)
    except (TypeError, ValueError):
        return text  # codes such as ``IK.EGOV`` stay as they are


def evidence(flag: str, args: str | None, lang: str, fallback: str = "") -> str:
    """The evidence of ``flag`` worded in ``lang`` from its JSON ``args`` (else ``fallback``)."""
    try:
        params = json.loads(args or "{}")
        for key in NUMBERS:
            params[key] = _number(params.get(key), lang)
        for key in DAYS:
            if params.get(key):
                params[key] = formats.date(str(params[key]), lang)
        params |= {k[: -len(lang) - 1]: v for k, v in params.items() if k.endswith(f"_{lang}") and v}
        for key in ("years", "months"):
            if params.get(key) not in (None, ""):
                params[key] = params["count"] = int(params[key])
        return t(f"evidence.{flag}", lang, **params)
    except (KeyError, ValueError):
        return fallback
