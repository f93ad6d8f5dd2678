"""The body of ``POST /api/v1/submissions`` read into the rows that
:func:`natije.services.submissions.submit` takes.

The body is ``{"rows": [{"indicator": …, "territory": …, "period": …, "value": …}, …]}``. It is counted before
anything else is done with its rows (more than the limit: :class:`~natije.errors.TooLarge`, 413); then every
row is looked at once, and every problem of shape (not an object, an unknown field, a list where a value goes)
is reported together, with its row (the place in ``rows``, from 1). Numbers become the text an import reads
(the service's checks then judge codes, periods and values as ``natije import`` does).
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from natije.errors import Expected, Problem, TooLarge, ValidationError

LABEL = "rows"
FIELDS = ("indicator", "territory", "period", "value", "unit", "source", "note")
"""The fields a row may have (``observations.csv``'s columns a submission takes)."""


def _text(value: Any) -> str | None:
    """A JSON scalar as the text an import reads; ``TypeError`` for an object or a list."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise TypeError(type(value).__name__)


def _body(data: bytes) -> list[Any]:
    """The ``rows`` list of the JSON body; ValidationError when it is not one."""
    try:
        parsed = json.loads(data or b"null")
    except (ValueError, UnicodeDecodeError):
        parsed = None
    rows = parsed.get("rows") if isinstance(parsed, dict) else None
    if not isinstance(rows, list) or (isinstance(parsed, dict) and set(parsed) != {"rows"}):
        raise ValidationError(Problem("body", None, None, None, Expected("expected.rows_body"), "body"))
    return rows


def read_rows(data: bytes, limit: int) -> pl.DataFrame:
    """The rows of the JSON body ``data`` as text columns with a ``row`` number, at most ``limit`` of them.

    Raises
    ------
    TooLarge
        When the body has more than ``limit`` rows.
    ValidationError
        When the body is not ``{"rows": [...]}``, or listing every row that is not an object of
        :data:`FIELDS` with text or numbers.
    """
    rows = _body(data)
    if len(rows) > limit:
        expected = Expected("expected.rows_per_request", limit=limit)
        raise TooLarge(Problem(LABEL, None, None, len(rows), expected, "too_many_rows"))
    columns: dict[str, list[str | None]] = {name: [] for name in FIELDS}
    problems = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            expected = Expected("expected.row_object", fields=", ".join(FIELDS))
            problems.append(Problem(LABEL, number, None, _text_of(row), expected, "row"))
            continue
        for name in row.keys() - set(FIELDS):
            expected = Expected("expected.only_fields", fields=", ".join(FIELDS))
            problems.append(Problem(LABEL, number, name, name, expected, "unknown_field"))
        for name in FIELDS:
            try:
                columns[name].append(_text(row.get(name)))
            except TypeError:
                columns[name].append(None)
                expected = Expected("expected.text_or_number")
                problems.append(Problem(LABEL, number, name, _text_of(row[name]), expected, "type"))
    if problems:
        raise ValidationError(problems)
    numbers = pl.Series("row", range(1, len(rows) + 1), dtype=pl.Int64)
    return pl.DataFrame(columns, schema=dict.fromkeys(FIELDS, pl.String)).with_columns(numbers)


def _text_of(value: Any) -> str:
    """A value a problem shows: its JSON, cut short."""
    return json.dumps(value, ensure_ascii=False)[:80]
