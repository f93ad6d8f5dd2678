"""Tables as downloads: one writer per format, registered by name (``csv``, ``xlsx``, ``json``).

A text cell a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-`` or ``@``, or a tab or
carriage return) is neutralised: in CSV it gets a leading apostrophe, in XLSX it is written as a string with
Excel's quote prefix (never as a formula). Numbers stay numbers; headers are in the page's language.

>>> neutral("=HYPERLINK(1)"), neutral("-5"), neutral("@SUM"), neutral("river")
("'=HYPERLINK(1)", '-5', "'@SUM", 'river')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from natije.errors import NotFound, Text
from natije.web import etags
from natije.web.data import Reader
from natije.web.tables import Table, TableQuery, plain, producer

RISKY = ("=", "+", "-", "@", "\t", "\r")
CREATED = datetime(2000, 1, 1, tzinfo=UTC)
"""The creation time every downloaded workbook states (the time it was written would change its bytes)."""


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def risky(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (a number written as text is safe)."""
    return text.startswith(RISKY) and not _number(text)


def neutral(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could take it for a formula."""
    return "'" + text if risky(text) else text


@dataclass(frozen=True)
class Writer:
    """A format: its media type and how a table and its headers become the file's bytes."""

    media_type: str
    write: Callable[[Table, list[str]], bytes]


WRITERS: dict[str, Writer] = {}


Write = Callable[[Table, list[str]], bytes]


def writer(name: str, media_type: str) -> Callable[[Write], Write]:
    """Register the decorated function as the writer of format ``name`` (the URL's suffix)."""

    def register(write: Write) -> Write:
        WRITERS[name] = Writer(media_type, write)
        return write

    return register


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutral(value) if isinstance(value, str) else value


@writer("csv", "text/csv; charset=utf-8")
def write_csv(table: Table, headers: list[str]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets then read Kazakh and Russian right); null as empty."""
    out = io.StringIO()
    sheet = csv.writer(out, lineterminator="\r\n")
    sheet.writerow([neutral(h) for h in headers])
    for row in table.rows:
        sheet.writerow([_csv_cell(plain(row.get(c))) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@writer("json", "application/json")
def write_json(table: Table, headers: list[str]) -> bytes:
    """``{"columns": [{"name", "title"}], "rows": [{name: value}]}``: values as they are (no neutralising)."""
    body = {
        "columns": [{"name": c, "title": h} for c, h in zip(table.columns, headers, strict=True)],
        "rows": [{c: plain(row.get(c)) for c in table.columns} for row in table.rows],
    }
    return json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")


@writer("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def write_xlsx(table: Table, headers: list[str]) -> bytes:
    """One sheet: bold, frozen headers; text as strings (formula-like ones quote-prefixed), numbers as
    numbers, true/false as booleans. The same table gives the same bytes (the workbook's creation time is
    fixed), so that one ETag names one file."""
    import xlsxwriter  # only when a workbook is asked for

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet(table.stem[:31].translate(str.maketrans("[]:*?/\\", "_______")))
    bold, quoted = book.add_format({"bold": True}), book.add_format({"quote_prefix": True})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, quoted if risky(header) else bold)
    for number, row in enumerate(table.rows, start=1):
        for col, value in enumerate(plain(row.get(c)) for c in table.columns):
            if isinstance(value, bool):
                sheet.write_boolean(number, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(number, col, value)
            elif value is not None:
                sheet.write_string(number, col, str(value), quoted if risky(str(value)) else None)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def download(request: Request, reader: Reader, page: str, name: str, fmt: str, query: TableQuery) -> Response:
    """The table ``name`` of ``page`` in format ``fmt`` as an attachment with an ETag (``If-None-Match``
    → 304). Raises ``NotFound`` for an unknown table or format."""
    chosen = WRITERS.get(fmt)
    if chosen is None:
        raise NotFound(Text("error.unknown_format", format=fmt, formats=", ".join(WRITERS)), format=fmt)
    make = producer(page, name)
    tag = etags.tag_of(request, reader.state, query.lang)
    unchanged = etags.not_modified(request, tag)  # before the table is built: a tag served once is valid
    if unchanged is not None:
        return unchanged
    table = make(reader, query)
    return Response(
        chosen.write(table, table.headers(query.lang)),
        media_type=chosen.media_type,
        headers={**etags.headers(tag), "Content-Disposition": f'attachment; filename="{table.stem}.{fmt}"'},
    )
