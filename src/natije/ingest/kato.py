"""KATO codes that a spreadsheet or YAML turned into numbers: recognised, and the code they probably were.

A KATO code has nine digits, often starting with a zero (``075000000``). A spreadsheet column not formatted
as Text stores it as a number, so it comes back as ``75000000``, ``7.5E+07`` or ``75000000.0``.

Examples
--------
>>> looks_like_number("7.5E+07"), guess("7.5E+07")
(True, '075000000')
"""

from __future__ import annotations

import re

from natije.errors import Expected

# fewer than nine digits (leading zeros lost), a decimal part, or an exponent
NUMBER_LIKE_CODE = r"^(?:[0-9]{1,8}|[0-9]+[.,][0-9]*|[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+)$"
_NUMBER_LIKE = re.compile(NUMBER_LIKE_CODE)


def looks_like_number(text: str) -> bool:
    """Whether ``text`` is a KATO code as a spreadsheet writes it once the code became a number."""
    return bool(_NUMBER_LIKE.match(text))


def guess(text: str) -> str | None:
    """The nine-digit code ``text`` probably was (``75000000`` → ``075000000``), or ``None``."""
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return f"{int(number):09d}" if 0 <= number < 1e9 and number.is_integer() else None


def as_number_expected(text: str) -> Expected:
    """What was expected of a KATO code that became a number, naming the likely code when there is one."""
    code = guess(text)
    return (
        Expected("expected.kato_as_number_guess", code=code) if code else Expected("expected.kato_as_number")
    )
