"""Excel (.xlsx) reader: the first sheet, streamed row by row with openpyxl's read-only mode.

Cells become text the way a person reads them: ``2020`` (not ``2020.0``) for whole numbers, ISO dates,
and a month ``2024-03`` for a date cell in the ``period`` column (Excel turns a typed ``2024-03`` into
1 March 2024). A cell holding a formula is refused as a formula (its row is skipped): natije stores values,
and a formula's last computed value may be missing or stale. The workbook's own parts are size-checked
before openpyxl inflates them (an .xlsx is a zip).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from natije.errors import Expected
from natije.ingest import limits
from natije.ingest.package import Package, inflation_problem
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TableSpec, check_header, register_reader, shape_batch, too_many_columns

FORMULA = "f"


def cell_text(value: Any, column: str) -> str | None:
    """A cell value as text; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            str(int(value)) if value.is_integer() and abs(value) < 1e15 and column != "value" else repr(value)
        )
    if isinstance(value, dt.datetime):
        if column == "period" and value.day == 1 and value.time() == dt.time():
            return f"{value.year:04d}-{value.month:02d}"
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _parts_too_big(path: Path, label: str, log: ProblemLog) -> bool:
    """Whether a part of the workbook would inflate past the limits (logged); ``False`` for a non-zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                expected = inflation_problem(info)
                if expected is not None:
                    log.add(label, None, None, info.filename, expected, "too_large")
                    return True
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # openpyxl reports the file as not a workbook
    return False


@register_reader(".xlsx")
def read_xlsx(
    package: Package, member: str, spec: TableSpec, log: ProblemLog, batch_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream the first worksheet of an .xlsx workbook; row numbers are the sheet's own."""
    import openpyxl

    label = package.label(member)
    limit = limits.current()
    with package.local_path(member) as path:
        if _parts_too_big(path, label, log):
            return
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            log.add(label, None, None, member, Expected("expected.xlsx"), "format")
            return
        try:
            header = next(
                wb.worksheets[0].iter_rows(max_row=1, max_col=limit.columns + 1, values_only=True), None
            )
            if header is None or all(v is None for v in header):
                log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
                return
            width = len(header)
            while width and header[width - 1] is None:
                width -= 1
            if width > limit.columns:
                too_many_columns(label, width, log)
                return
            names = [str(h) if h is not None else "" for h in header[:width]]
            rename = check_header(names, spec, label, log)
            if rename is None:
                return
            index = {name: names.index(raw) for name, raw in rename.items()}
            yield from _batches(
                wb.worksheets[0].iter_rows(min_row=2, max_col=width),
                index,
                rename,
                spec,
                label,
                log,
                batch_rows,
            )
        finally:
            wb.close()


def _batches(
    rows: Iterator[tuple[Any, ...]],
    index: dict[str, int],
    rename: dict[str, str],
    spec: TableSpec,
    label: str,
    log: ProblemLog,
    batch_rows: int,
) -> Iterator[pl.DataFrame]:
    """Data rows as batches; rows holding a formula are reported and left out."""
    row_limit = limits.current().rows
    any_rows = skipped = False
    number = 1
    while True:
        cols: dict[str, list[str | None]] = {name: [] for name in index}
        row_numbers: list[int] = []
        for cells in rows:
            number += 1
            if number - 1 > row_limit:
                log.add(
                    label, number, None, None, Expected("expected.rows_at_most", limit=row_limit), "too_large"
                )
                return
            picked = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
            formulas = [
                name for name, cell in picked.items() if cell is not None and cell.data_type == FORMULA
            ]
            for name in formulas:
                log.add(
                    label,
                    number,
                    name,
                    str(getattr(picked[name], "value", "")),
                    Expected("expected.no_formula"),
                    "formula",
                )
            if formulas:
                skipped = True
                continue
            row_numbers.append(number)
            for name, cell in picked.items():
                cols[name].append(cell_text(cell.value if cell is not None else None, name))
            if len(row_numbers) >= batch_rows:
                break
        else:
            if not row_numbers:
                break
        frame = pl.DataFrame(
            {rename[n]: v for n, v in cols.items()}, schema={rename[n]: pl.String for n in cols}
        )
        batch = shape_batch(frame, rename, spec, pl.Series("row", row_numbers, dtype=pl.Int64))
        if batch.height:
            any_rows = True
            yield batch
    if not any_rows and not skipped:
        log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
