"""Numbers, money and dates written the way each interface language writes them.

One function per kind of value, so that every table, message and report formats it the same way. Kazakh and
Russian group thousands with a (no-break) space and use a decimal comma; English uses a comma and a point. The
locale data comes from CLDR through Babel.

>>> number(5606, "ru"), number(42.25, "kk", digits=1), number(5606, "en")
('5\\xa0606', '42,2', '5,606')
>>> money(36.4e9, "KZT", "ru"), money(1e9, "USD", "kk"), money(36.4e9, "KZT", "en")
('36,4\\xa0млрд тенге', '1\\xa0млрд АҚШ доллары', 'KZT 36.4 bn')
>>> date(datetime.date(2026, 12, 7), "kk"), date(datetime.date(2026, 12, 7), "en")
('07.12.2026', '2026-12-07')
"""

from __future__ import annotations

import datetime
import math

_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}

# Scale words after a money amount; CLDR's short forms are not what official texts write in kk and ru.
_SCALES = (
    (1e12, {"kk": "трлн", "ru": "трлн", "en": "tn"}),
    (1e9, {"kk": "млрд", "ru": "млрд", "en": "bn"}),
    (1e6, {"kk": "млн", "ru": "млн", "en": "mn"}),
)
_CURRENCIES = {
    "KZT": {"kk": "теңге", "ru": "тенге"},
    "USD": {"kk": "АҚШ доллары", "ru": "долларов США"},
    "EUR": {"kk": "еуро", "ru": "евро"},
    "RUB": {"kk": "Ресей рублі", "ru": "российских рублей"},
}


def number(value: float | None, lang: str, digits: int | None = None) -> str:
    """``value`` written in ``lang``: thousands grouped, ``digits`` decimals (as many as needed if None).

    Missing values (None, NaN) are an empty string; whole numbers print without a fraction.

    >>> number(1970.0, "en"), number(None, "en"), number(0.0004, "en", digits=3)
    ('1,970', '', '0')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if digits is None:
        pattern = "#,##0.######"
    else:
        pattern = "#,##0." + "#" * digits if digits else "#,##0"
    from babel.numbers import format_decimal  # Babel's CLDR data loads on the first number, not at start-up

    return format_decimal(value, format=pattern, locale=_LOCALES.get(lang, "en_GB"))


def money(amount: float | None, currency: str, lang: str, digits: int = 1) -> str:
    """An amount with a scale word and the currency's name: ``36,4 млрд тенге``, ``KZT 36.4 bn``.

    >>> money(2500, "KZT", "kk"), money(None, "KZT", "kk")
    ('2\\xa0500 теңге', '')
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return ""
    size, scale_word = scale(amount, lang)
    figure = number(amount / size, lang, digits=digits if scale_word else 0)
    if lang == "en":
        return f"{currency} {figure}" + (f" {scale_word}" if scale_word else "")
    name = currency_name(currency, lang)
    return f"{figure}\N{NO-BREAK SPACE}{scale_word} {name}" if scale_word else f"{figure} {name}"


def scale(amount: float, lang: str) -> tuple[float, str]:
    """The scale an amount is written in and its word: ``(1e9, "млрд")``; ``(1.0, "")`` below a million.

    >>> scale(36.4e9, "kk"), scale(2500, "en")
    ((1000000000.0, 'млрд'), (1.0, ''))
    """
    for size, words in _SCALES:
        if abs(amount) >= size:
            return size, words.get(lang, words["en"])
    return 1.0, ""


def currency_name(currency: str, lang: str) -> str:
    """A currency as the language names it after an amount (``теңге``, ``долларов США``);
    its ISO code in English."""
    return _CURRENCIES.get(currency, {}).get(lang, currency)


def fixed(x: float, lang: str, digits: int) -> str:
    """``x`` with exactly ``digits`` decimals in the style of ``lang`` (``0.050``, ``0,050``)."""
    text = number(round(x, digits), lang, digits=digits)
    if digits <= 0:
        return text
    sep = number(0.5, lang, digits=1)[1]  # the language's decimal separator
    whole, _, frac = text.partition(sep)
    return whole + sep + frac.ljust(digits, "0")


def p_text(p: float | None, lang: str) -> str:
    """A p-value for people: ``< 0.001`` below one in a thousand, otherwise three decimals; '' if missing.

    >>> p_text(5.9e-15, "en"), p_text(0.05, "en"), p_text(0.6875, "ru"), p_text(None, "kk")
    ('< 0.001', '0.050', '0,688', '')
    """
    if p is None or not math.isfinite(float(p)):
        return ""
    if float(p) < 0.001:
        return "< " + fixed(0.001, lang, 3)
    return fixed(min(float(p), 1.0), lang, 3)


def date(value: datetime.date | str | None, lang: str) -> str:
    """A date (or ISO 8601 text, or the day of a time) in the official form of ``lang``: ``07.12.2026`` in kk
    and ru, ISO 8601 in English; '' when there is none.

    >>> date("2026-12-07T10:00", "kk"), date(datetime.date(2026, 12, 7), "en"), date("", "ru")
    ('07.12.2026', '2026-12-07', '')
    >>> date(datetime.datetime(2026, 12, 7, 10, 30, 5, 123), "en")
    '2026-12-07'
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    elif isinstance(value, datetime.datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if lang in ("kk", "ru") else value.isoformat()


def d3_locale(lang: str) -> dict:
    """The number and time locale of ``lang`` in the form Vega's ``config.locale`` takes
    (d3-format, d3-time-format).

    Charts write their axis numbers and month names with it, as the tables do:
    ``5 606`` and ``42,2`` in kk and ru.

    >>> d3_locale("ru")["number"]["decimal"], d3_locale("kk")["time"]["months"][0]
    (',', 'Қаңтар')
    """
    from babel import Locale
    from babel.dates import get_day_names, get_month_names

    code = _LOCALES.get(lang, "en_GB")
    symbols = Locale.parse(code).number_symbols["latn"]
    days = get_day_names("wide", locale=code)
    short_days = get_day_names("abbreviated", locale=code)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts from Monday, d3 from Sunday
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", ""],
        },
        "time": {
            "dateTime": "%x %X",
            "date": "%d.%m.%Y" if lang in ("kk", "ru") else "%Y-%m-%d",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": list(get_month_names("wide", context="stand-alone", locale=code).values()),
            "shortMonths": list(get_month_names("abbreviated", context="stand-alone", locale=code).values()),
        },
    }
