"""Query parameters every page and API route spells the same way: the language, ``as_of``, ``basis`` and
periods."""

from __future__ import annotations

import datetime
from typing import Annotated

from fastapi import Path

from natije.domain.periods import Period
from natije.errors import Expected, NotFound, Problem, Text, ValidationError, choice
from natije.locale import LANGUAGES

BASES = ("current", "first")
# the id of a row keyed by an INTEGER column (evaluations, submissions): PostgreSQL's integer holds 32 bits,
# so a larger number is refused as invalid (422) before a query would fail on it
StoredId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def language(lang: str) -> str:
    """``lang`` when it is kk, ru or en; ``NotFound`` otherwise (a page in the default language says so)."""
    if lang not in LANGUAGES:
        raise NotFound(Text("error.unknown_language", code=lang), lang=lang)
    return lang


def as_of(text: str | None) -> datetime.date | None:
    """``YYYY-MM-DD`` as a date; empty is today's view (``None``); anything else a ``ValidationError``."""
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            Problem("as_of", None, None, text, Expected("expected.date_ymd"), code="query"), "bad query"
        ) from None


def basis(text: str | None) -> str:
    """``current`` (default) or ``first``; anything else is a ``ValidationError``."""
    if not text:
        return "current"
    if text not in BASES:
        raise ValidationError(Problem("basis", None, None, text, choice(*BASES), code="query"), "bad query")
    return text


def period(name: str, text: str | None) -> Period | None:
    """A period in SDMX notation (``2024``, ``2024-Q1``, ``2024-03``) named by query parameter ``name``;
    empty is ``None``; anything else a ``ValidationError`` naming the parameter."""
    if not text:
        return None
    try:
        return Period.parse(text)
    except ValidationError:
        raise ValidationError(
            Problem(name, None, None, text, Expected("expected.period"), code="query"), "bad query"
        ) from None
