"""The interface language of a request, and the helpers templates write words, numbers and dates with.

Pages name their language in the path (``/ru/...``); the API takes ``?lang=`` or ``Accept-Language``. The last
page language is remembered in a cookie, which ``/`` follows. Templates get their words, numbers and dates
from :func:`natije.reports.words.helpers`, which the reports share; ``ENDONYMS`` names the languages.
"""

from __future__ import annotations

from starlette.requests import Request

from natije.locale import LANGUAGES

COOKIE = "natije_lang"
# Each language is offered under its own name, whatever the page's language (the same in every catalog)
ENDONYMS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
COOKIE_AGE = 365 * 24 * 3600


def accepted(header: str | None) -> str | None:
    """The first of kk, ru, en in an ``Accept-Language`` header, by quality (``ru-RU,ru;q=0.9`` → ``ru``)."""
    choices = []
    for order, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and quality > 0:
            choices.append((-quality, order, code))
    return min(choices)[2] if choices else None


def api_language(request: Request, default: str) -> str:
    """``?lang=`` when it names a language, else ``Accept-Language``, else ``default``."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    return accepted(request.headers.get("accept-language")) or default


def remembered(request: Request, default: str) -> str:
    """The language of the cookie, else ``Accept-Language``, else ``default`` (where ``/`` redirects)."""
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    return accepted(request.headers.get("accept-language")) or default
