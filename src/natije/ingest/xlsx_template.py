"""The agency's XLSX reporting template: written for exactly its indicators, territories and due periods, and
the filled workbook read back safely as observation rows.

:func:`write_template` makes one workbook: the sheet ``values`` (a localised header, one row for every due
indicator × territory × period with the value empty, drop-down lists for indicator, territory and period, a
decimal rule on value), a sheet of instructions in the agency's language and a hidden, protected ``lists``
sheet the drop-downs read (an inline list is limited to 255 characters). Each column's header cell carries a
workbook name (``natije_indicator``, …), so the reader finds the columns whatever the language or the order.

:func:`read_upload` reads a filled template into the columns of ``observations.csv``, so the same validation
as ``natije import`` runs on it. Nothing is trusted: the zip is checked before it inflates
(:mod:`natije.ingest.workbook_zip`), formulas are refused by cell (never evaluated), rows are bounded, rows
left empty are skipped, values stay what was typed — a number as a number, text as text for the checks to
report.

Examples
--------
>>> from natije.domain.names import Names
>>> from natije.domain.periods import Frequency
>>> births = TemplateIndicator("B1", Names("Ә", "Б", "Births"), "count", Frequency.ANNUAL, ("2024",))
>>> almaty = TemplateTerritory("750000000", Names("Алматы", "Алматы", "Almaty"))
>>> spec = TemplateSpec("MZ", "en", (births,), (almaty,), (("B1", "750000000", "2024"),))
>>> data = write_template(spec)
>>> read_upload(data, "template.xlsx").height  # the value is still empty
0
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from natije.domain.names import Names
from natije.domain.periods import Frequency
from natije.domain.unit_text import unit_name
from natije.errors import Expected
from natije.ingest import limits
from natije.ingest.problems import ProblemLog
from natije.ingest.read_xlsx import FORMULA, cell_text
from natije.ingest.readers import OBSERVATIONS, shape_batch
from natije.ingest.workbook_zip import check_workbook
from natije.locale import LANGUAGES, t

COLUMNS = ("indicator", "territory", "period", "value", "note")
REQUIRED = ("indicator", "territory", "period", "value")
SHEET, LISTS = "values", "lists"
NAME_PREFIX = "natije_"  # workbook names of the header cells: natije_indicator, …
SEPARATOR = " — "  # a list entry is "code — name"; the reader keeps the code
CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # the same spec gives the same bytes
EXTRA_ROWS = 1000  # rows below the pre-filled ones that keep the drop-downs, for values not asked for
_LISTED = {"indicator": "A", "territory": "B", "period": "C"}
_WIDTHS = {"indicator": 48, "territory": 40, "period": 12, "value": 16, "note": 48}


@dataclass(frozen=True)
class TemplateIndicator:
    """An indicator the agency reports: its code, names, unit, frequency and the periods it may hold."""

    code: str
    names: Names
    unit: str
    frequency: Frequency
    periods: tuple[str, ...]


@dataclass(frozen=True)
class TemplateTerritory:
    """A territory the agency reports for: its KATO code and names."""

    code: str
    names: Names


@dataclass(frozen=True)
class TemplateSpec:
    """What one agency's template holds: its indicators, territories, and the (indicator, territory, period)
    values due, pre-filled as rows in this order."""

    agency: str
    lang: str
    indicators: tuple[TemplateIndicator, ...]
    territories: tuple[TemplateTerritory, ...]
    due: tuple[tuple[str, str, str], ...]

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"template language {self.lang!r} is not one of {', '.join(LANGUAGES)}")
        periods = {i.code: set(i.periods) for i in self.indicators}
        territories = {tr.code for tr in self.territories}
        for indicator, territory, period in self.due:
            if period not in periods.get(indicator, ()) or territory not in territories:
                raise ValueError(f"due value {indicator}/{territory}/{period} is outside the template")

    @property
    def periods(self) -> tuple[str, ...]:
        """Every period any indicator may hold, once each, in the order first met."""
        return tuple(dict.fromkeys(p for i in self.indicators for p in i.periods))


def label(code: str, names: Names, lang: str) -> str:
    """A list entry: the code, then the name in ``lang`` (``B1 — Births``)."""
    name = names.get(lang)
    return f"{code}{SEPARATOR}{name}" if name else code


def write_template(spec: TemplateSpec) -> bytes:
    """The template of ``spec`` as .xlsx bytes; the same spec gives the same bytes."""
    import xlsxwriter  # only when a template is asked for

    lang = spec.lang
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"created": CREATED, "title": t("template.title", lang, agency=spec.agency)})
    values = book.add_worksheet(SHEET)
    notes = book.add_worksheet(t("template.sheet.instructions", lang)[:31])
    lists = book.add_worksheet(LISTS)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@"})
    indicators = {i.code: label(i.code, i.names, lang) for i in spec.indicators}
    territories = {tr.code: label(tr.code, tr.names, lang) for tr in spec.territories}
    entries = {"indicator": list(indicators.values()), "territory": list(territories.values())}
    entries["period"] = list(spec.periods)
    for column, letter in _LISTED.items():
        for row, entry in enumerate(entries[column]):
            lists.write_string(row, ord(letter) - ord("A"), entry)
    lists.hide()
    lists.protect()
    for col, column in enumerate(COLUMNS):
        values.write_string(0, col, t(f"template.column.{column}", lang), head)
        values.set_column(col, col, _WIDTHS[column], text if column != "value" else None)
        book.define_name(f"{NAME_PREFIX}{column}", f"={SHEET}!${chr(ord('A') + col)}$1")
    for row, (indicator, territory, period) in enumerate(spec.due, start=1):
        values.write_string(row, 0, indicators[indicator], text)
        values.write_string(row, 1, territories[territory], text)
        values.write_string(row, 2, period, text)
    last = len(spec.due) + EXTRA_ROWS
    for col, column in enumerate(COLUMNS[:3]):
        letter = _LISTED[column]
        values.data_validation(
            1, col, last, col,
            {
                "validate": "list",
                "source": f"={LISTS}!${letter}$1:${letter}${max(1, len(entries[column]))}",
                "error_title": t("template.error.list_title", lang)[:32],
                "error_message": t("template.error.list", lang)[:255],
            },
        )  # fmt: skip
    values.data_validation(
        1, 3, last, 3,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -(10**15),
            "maximum": 10**15,
            "error_title": t("template.error.value_title", lang)[:32],
            "error_message": t("template.error.value", lang)[:255],
        },
    )  # fmt: skip
    values.freeze_panes(1, 0)
    values.activate()
    _instructions(notes, spec, book.add_format({"bold": True}), text)
    book.close()
    return out.getvalue()


def _instructions(sheet: Any, spec: TemplateSpec, bold: Any, text: Any) -> None:
    """The instructions sheet: the steps, then the indicators and the territories of the template."""
    lang = spec.lang
    sheet.set_column(0, 0, 24, text)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 4, 18)
    sheet.write_string(0, 0, t("template.title", lang, agency=spec.agency), bold)
    row = 2
    for step in range(1, 7):
        sheet.write_string(row, 0, t(f"template.step.{step}", lang))
        row += 1
    row += 1
    sheet.write_string(row, 0, t("template.indicators", lang), bold)
    row += 1
    for col, key in enumerate(("code", "name", "unit", "frequency", "periods")):
        sheet.write_string(row, col, t(f"template.heading.{key}", lang), bold)
    for indicator in spec.indicators:
        row += 1
        cells = (
            indicator.code,
            indicator.names.get(lang),
            unit_name(indicator.unit, lang),
            t(f"template.frequency.{indicator.frequency.value}", lang),
            ", ".join(indicator.periods),
        )
        for col, cell in enumerate(cells):
            sheet.write_string(row, col, cell)
    row += 2
    sheet.write_string(row, 0, t("template.territories", lang), bold)
    row += 1
    sheet.write_string(row, 0, t("template.heading.code", lang), bold)
    sheet.write_string(row, 1, t("template.heading.name", lang), bold)
    for territory in spec.territories:
        row += 1
        sheet.write_string(row, 0, territory.code)
        sheet.write_string(row, 1, territory.names.get(lang))


def read_upload(data: bytes, label: str, log: ProblemLog | None = None) -> pl.DataFrame:
    """A filled template as a frame of the observations.csv columns plus ``row`` (the sheet's row number).

    Every problem names the file, and where it can the row, column and cell. With ``log``, problems go there
    and the rows read so far come back (none when the file itself is refused); without it, any problem raises
    :class:`~natije.errors.ValidationError` and nothing comes back.
    """
    own = log is None
    problems = ProblemLog() if log is None else log
    frame = _read(data, label, problems)
    if own:
        problems.raise_if_any()
    return frame


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={**{c: pl.String for c in OBSERVATIONS.columns}, "row": pl.Int64})


def _read(data: bytes, label: str, log: ProblemLog) -> pl.DataFrame:
    import openpyxl

    if not check_workbook(data, label, log):
        return _empty()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl's parse errors are many and undocumented
        log.add(label, None, None, label, Expected("expected.xlsx"), "format")
        return _empty()
    try:
        found = _columns(wb, label, log)
        if found is None:
            return _empty()
        sheet, header_row, index = found
        return _rows(sheet, header_row, index, label, log)
    except Exception:  # noqa: BLE001 - a damaged part deep inside the workbook: a problem, not a traceback
        log.add(label, None, None, label, Expected("expected.readable_file", kind="xlsx"), "unreadable")
        return _empty()
    finally:
        wb.close()


def _columns(wb: Any, label: str, log: ProblemLog) -> tuple[Any, int, dict[str, int]] | None:
    """The values sheet, its header row and each column's index: from the header cells' workbook names, else
    from a header in row 1 of the sheet ``values`` written in any language or as the column codes."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.utils.exceptions import CellCoordinatesException

    named: dict[str, tuple[str, int, int]] = {}
    for column in COLUMNS:
        name = wb.defined_names.get(NAME_PREFIX + column)
        try:
            for title, ref in name.destinations if name is not None else ():
                letter, number = coordinate_from_string(ref.replace("$", ""))
                named[column] = (title, number, column_index_from_string(letter) - 1)
        except (CellCoordinatesException, ValueError, TypeError, AttributeError):  # header deleted: #REF!
            named.pop(column, None)
    sheets = {s for s, _n, _c in named.values()}
    rows = {n for _s, n, _c in named.values()}
    if set(REQUIRED) <= set(named) and len(sheets) == 1 and len(rows) == 1 and sheets <= set(wb.sheetnames):
        return wb[sheets.pop()], rows.pop(), {c: i for c, (_s, _n, i) in named.items()}
    if SHEET not in wb.sheetnames:
        log.add(label, None, None, ", ".join(wb.sheetnames), Expected("expected.template_sheet", sheet=SHEET))
        return None
    sheet = wb[SHEET]
    header = next(sheet.iter_rows(max_row=1, max_col=limits.current().columns, values_only=True), ())
    titles = {c: c for c in COLUMNS} | {
        t(f"template.column.{c}", g).casefold(): c for c in COLUMNS for g in LANGUAGES
    }
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        code = titles.get(str(cell).strip().casefold()) if cell is not None else None
        if code is not None and code not in index:
            index[code] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        expected = Expected("expected.template_columns", columns=", ".join(missing))
        log.add(label, 1, missing[0], None, expected, "missing_column")
        return None
    return sheet, 1, index


def _rows(sheet: Any, header_row: int, index: dict[str, int], label: str, log: ProblemLog) -> pl.DataFrame:
    """The data rows below the header: formulas refused by cell, rows with no value skipped."""
    cols: dict[str, list[str | None]] = {c: [] for c in index}
    numbers: list[int] = []
    for number, cells in _sheet_rows(sheet, header_row, label, log):
        formulas = [c for c in cells if getattr(c, "data_type", None) == FORMULA]
        for cell in formulas:
            expected = Expected("expected.no_formula_cell", cell=f"{sheet.title}!{cell.coordinate}")
            column = next((c for c, i in index.items() if i == cell.column - 1), None)
            log.add(label, number, column, str(cell.value), expected, "formula")
        if formulas:
            continue
        picked = {c: cells[i].value if i < len(cells) else None for c, i in index.items()}
        if picked["value"] is None or str(picked["value"]).strip() == "":
            continue
        numbers.append(number)
        for column, value in picked.items():
            text = cell_text(value, column)
            if column in ("indicator", "territory") and text is not None:
                text = text.split(SEPARATOR, 1)[0]
            cols[column].append(text)
    frame = pl.DataFrame(cols, schema={c: pl.String for c in cols})
    rename = {c: c for c in cols}
    return shape_batch(frame, rename, OBSERVATIONS, pl.Series("row", numbers, dtype=pl.Int64))


def _sheet_rows(
    sheet: Any, header_row: int, label: str, log: ProblemLog
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows below the header with their numbers, every cell of each; stops (logged) past the limit of
    data rows."""
    limit = limits.upload().rows
    sheet.reset_dimensions()  # the cells themselves, not the extent the file claims
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number - header_row > limit:
            log.add(label, number, None, None, Expected("expected.rows_at_most", limit=limit), "too_large")
            return
        if number > header_row and cells:
            yield number, cells
