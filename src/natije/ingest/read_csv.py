"""CSV reader: pyarrow's streaming CSV reader, every column as text, row numbers kept exact.

Rows with the wrong number of fields are reported (with their line number) and skipped; row numbers of
the rows after them are corrected so every message points at the line a person sees. Text that is not
UTF-8 is reported at the first line where it occurs.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pcsv

from natije.errors import Expected
from natije.ingest.package import Package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TableSpec, check_header, register_reader, shape_batch

ENCODING_EXPECTED = Expected("expected.utf8_csv")


def _header(package: Package, member: str) -> tuple[list[str], str, float] | None | bool:
    """Header fields, delimiter and mean bytes per line; ``None`` if empty, ``False`` if the header is not UTF-8.

    Spreadsheets in Kazakh and Russian locales save "CSV" with semicolons (and decimal commas), so a header
    with semicolons and no commas is read as semicolon-separated.
    """
    with package.open(member) as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        return None
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    delimiter = ";" if text.count(";") > text.count(",") else ","
    per_line = len(head) / max(1, head.count(b"\n"))
    return next(csv.reader([text], delimiter=delimiter), []), delimiter, per_line


def _first_bad_line(package: Package, member: str) -> tuple[int, str]:
    """Line number (1-based) and a snippet of the first line that is not valid UTF-8 (error path only)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with package.open(member) as fh:
        for number, line in enumerate(fh, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number, line[:60].decode("utf-8", errors="replace").strip()
    return 0, ""


@register_reader(".csv")
def read_csv(
    package: Package, member: str, spec: TableSpec, log: ProblemLog, batch_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream a UTF-8 CSV file with a header row (comma- or semicolon-separated, ``"``-quoted)."""
    label = package.label(member)
    header = _header(package, member)
    if header is None:
        log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
        return
    if header is False:
        log.add(label, 1, None, "", ENCODING_EXPECTED, "encoding")
        return
    assert isinstance(header, tuple)
    names, delimiter, per_line = header
    rename = check_header(names, spec, label, log)
    if rename is None:
        return
    skipped: list[int] = []
    raw_names = list(names)

    def on_invalid(row: pcsv.InvalidRow) -> str:
        number = row.number if row.number is not None else -1
        skipped.append(number)
        key = "expected.fields_semicolon" if delimiter == ";" else "expected.fields_comma"
        log.add(label, number, None, (row.text or "")[:80],
                Expected(key, count=row.expected_columns, got=row.actual_columns), "malformed_row")
        return "skip"

    wanted = list(rename.values())
    # blocks sized from the first lines so that one block is about one batch
    block = int(batch_rows * max(per_line, 8.0) * 1.02) + 4096
    read_opts = pcsv.ReadOptions(block_size=max(1 << 16, block), use_threads=False)
    parse_opts = pcsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=False)
    # with semicolons, a comma in a number is the decimal separator ("12,5")
    decimal_comma = [pl.col(c).str.replace(",", ".", literal=True) for c in spec.numeric] if delimiter == ";" else []
    convert = pcsv.ConvertOptions(
        include_columns=wanted,
        column_types={c: pa.string() for c in raw_names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    kept = 0
    any_rows = False
    with package.open(member) as fh:
        try:
            reader = pcsv.open_csv(fh, read_options=read_opts, parse_options=parse_opts, convert_options=convert)
            for record_batch in reader:
                n = record_batch.num_rows
                k = np.arange(kept, kept + n, dtype=np.int64)
                if skipped:
                    marks = np.asarray(sorted(skipped), dtype=np.int64) - 2 - np.arange(len(skipped))
                    k = k + np.searchsorted(marks, k, side="right")
                kept += n
                frame = pl.from_arrow(record_batch)
                assert isinstance(frame, pl.DataFrame)
                step = n if n <= batch_rows * 3 // 2 else batch_rows  # no tiny remainder batches
                for start in range(0, n, step):
                    batch = shape_batch(frame.slice(start, step), rename, spec,
                                        pl.Series("row", k[start : start + step] + 2))
                    if decimal_comma:
                        batch = batch.with_columns(decimal_comma)
                    if batch.height:
                        any_rows = True
                        yield batch
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "utf8" in str(exc).lower():
                line, snippet = _first_bad_line(package, member)
                log.add(label, line or None, None, snippet, ENCODING_EXPECTED, "encoding")
                return
            log.add(label, None, None, str(exc)[:120], Expected("expected.csv"), "malformed")
            return
    if not any_rows and not skipped:
        log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
