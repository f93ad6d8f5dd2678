"""Excel (.xlsx) reader: the first sheet, streamed row by row with openpyxl's read-only mode.

Cells become text the way a person reads them: ``2020`` (not ``2020.0``) for whole numbers, ISO dates,
and a month ``2024-03`` for a date cell in the ``period`` column (Excel turns a typed ``2024-03`` into
1 March 2024).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from typing import Any

import polars as pl

from natije.errors import Expected
from natije.ingest.package import Package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TableSpec, check_header, register_reader, shape_batch


def cell_text(value: Any, column: str) -> str | None:
    """A cell value as text; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 and column != "value" else repr(value)
    if isinstance(value, dt.datetime):
        if column == "period" and value.day == 1 and value.time() == dt.time():
            return f"{value.year:04d}-{value.month:02d}"
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@register_reader(".xlsx")
def read_xlsx(
    package: Package, member: str, spec: TableSpec, log: ProblemLog, batch_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream the first worksheet of an .xlsx workbook; row numbers are the sheet's own."""
    import openpyxl

    label = package.label(member)
    with package.local_path(member) as path:
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            log.add(label, None, None, member, Expected("expected.xlsx"), "format")
            return
        try:
            rows = wb.worksheets[0].iter_rows(values_only=True)
            header = next(rows, None)
            if header is None or all(v is None for v in header):
                log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
                return
            width = len(header)
            while width and header[width - 1] is None:
                width -= 1
            names = [str(h) if h is not None else "" for h in header[:width]]
            rename = check_header(names, spec, label, log)
            if rename is None:
                return
            index = {name: names.index(raw) for name, raw in rename.items()}
            any_rows = False
            number = 1
            while True:
                cols: dict[str, list[str | None]] = {name: [] for name in index}
                row_numbers: list[int] = []
                for values in rows:
                    number += 1
                    row_numbers.append(number)
                    for name, i in index.items():
                        cols[name].append(cell_text(values[i], name) if i < len(values) else None)
                    if len(row_numbers) >= batch_rows:
                        break
                if not row_numbers:
                    break
                frame = pl.DataFrame({rename[n]: v for n, v in cols.items()}, schema={rename[n]: pl.String for n in cols})
                batch = shape_batch(frame, rename, spec, pl.Series("row", row_numbers, dtype=pl.Int64))
                if batch.height:
                    any_rows = True
                    yield batch
            if not any_rows:
                log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
        finally:
            wb.close()
