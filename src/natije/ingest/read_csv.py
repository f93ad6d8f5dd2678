"""CSV reader: pyarrow's streaming CSV reader, every column as text, row numbers kept exact.

Rows with the wrong number of fields are reported (with their line number) and skipped; row numbers of
the rows after them are corrected so every message points at the line a person sees. Text that is not
UTF-8 is reported at the first line where it occurs.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pcsv

from natije.errors import Expected
from natije.ingest import limits
from natije.ingest.limits import MiB
from natije.ingest.package import Package, size_text
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TableSpec, check_header, register_reader, shape_batch, too_many_columns

ENCODING_EXPECTED = Expected("expected.utf8_csv")


def _header(package: Package, member: str) -> tuple[list[str], str, float] | None | bool:
    """Header fields, delimiter and mean bytes per line; ``None`` if empty,
    ``False`` if the header is not UTF-8.

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


def lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """(number, line, whole) for each line of a binary stream; a line past ``limit`` bytes comes cut
    (``whole`` false) and ends the iteration, so memory stays bounded."""
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            yield number, line, False
            return
        yield number, line, True


def _report_long_line(package: Package, member: str, log: ProblemLog) -> None:
    """Report the first line longer than :attr:`Limits.line_bytes`, showing how it starts."""
    limit = limits.current().line_bytes
    found: tuple[int | None, str] = (None, "")
    with package.open(member) as fh:
        for number, line, whole in lines(fh, limit):
            if not whole:
                found = (number, line[:40].decode("utf-8", errors="replace") + "…")
    log.add(
        package.label(member),
        found[0],
        None,
        found[1],
        Expected("expected.line_at_most", size=size_text(limit)),
        "too_large",
    )


def report_encoding(package: Package, member: str, log: ProblemLog) -> None:
    """Report every line that is not UTF-8; say so when the file is Windows-1251,
    as Excel saves Cyrillic "CSV".

    The value shown is the line decoded as Windows-1251, so a person recognises it.
    """
    label = package.label(member)
    bad: list[tuple[int, bytes]] = []
    cyrillic = True
    with package.open(member) as fh:
        for number, line, whole in lines(fh, limits.current().line_bytes):
            if not whole:
                _report_long_line(package, member, log)
                break
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append((number, line))
                cyrillic = cyrillic and _looks_cp1251(line)
    for number, line in bad:
        if cyrillic:
            log.add(
                label,
                number,
                None,
                line[:60].decode("cp1251", errors="replace").strip(),
                Expected("expected.cp1251_csv"),
                "encoding",
            )
        else:
            log.add(
                label,
                number,
                None,
                line[:60].decode("utf-8", errors="replace").strip(),
                ENCODING_EXPECTED,
                "encoding",
            )


def _looks_cp1251(line: bytes) -> bool:
    """Whether a line reads as Windows-1251 Cyrillic: words of Cyrillic letters, none mixed with Latin ones.

    Any byte above 0xC0 is a Cyrillic letter in Windows-1251, so Latin-1 "café" would pass a byte test; as
    Windows-1251 it reads "cafй", a word mixing scripts, which no real text has.
    """
    try:
        text = line.decode("cp1251")
    except UnicodeDecodeError:
        return False
    words = [w for w in _WORD.findall(text) if any("\u0400" <= c <= "\u04ff" for c in w)]
    return bool(words) and not any(re.search(r"[A-Za-z]", w) for w in words)


_WORD = re.compile(r"[^\W\d_]+")


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
        report_encoding(package, member, log)
        return
    assert isinstance(header, tuple)
    names, delimiter, per_line = header
    limit = limits.current()
    if len(names) > limit.columns:
        too_many_columns(label, len(names), log)
        return
    rename = check_header(names, spec, label, log)
    if rename is None:
        return
    skipped: list[int] = []
    raw_names = list(names)

    def on_invalid(row: pcsv.InvalidRow) -> str:
        if guard.tripped:  # the cut end of a line past the limit, reported as that
            return "skip"
        number = row.number if row.number is not None else -1
        skipped.append(number)
        key = "expected.fields_semicolon" if delimiter == ";" else "expected.fields_comma"
        log.add(
            label,
            number,
            None,
            (row.text or "")[:80],
            Expected(key, count=row.expected_columns, got=row.actual_columns),
            "malformed_row",
        )
        return "skip"

    wanted = list(rename.values())
    # blocks sized from the first lines so that one block is about one batch, and always longer than the
    # longest line allowed (a row must fit in a block) but bounded: a block is held in memory whole
    block = int(batch_rows * max(per_line, 8.0) * 1.02) + 4096
    block = min(max(block, 2 * limit.line_bytes + 4096), max(64 * MiB, 2 * limit.line_bytes + 4096))
    read_opts = pcsv.ReadOptions(block_size=block, use_threads=False)
    parse_opts = pcsv.ParseOptions(
        delimiter=delimiter, invalid_row_handler=on_invalid, ignore_empty_lines=False
    )
    # with semicolons, a comma in a number is the decimal separator ("12,5")
    decimal_comma = (
        [pl.col(c).str.replace(",", ".", literal=True) for c in spec.numeric] if delimiter == ";" else []
    )
    convert = pcsv.ConvertOptions(
        include_columns=wanted,
        column_types={c: pa.string() for c in raw_names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    kept = 0
    any_rows = False
    with package.open(member) as fh, _undecodable_rows(on_invalid) as undecodable:
        guard = BoundedLines(fh, limit.line_bytes)
        try:
            reader = pcsv.open_csv(
                guard, read_options=read_opts, parse_options=parse_opts, convert_options=convert
            )
            for record_batch in reader:
                if guard.tripped:  # rows from here on end in a cut line: the file is refused for it
                    break
                n = record_batch.num_rows
                if kept + n + len(skipped) > limit.rows:
                    log.add(
                        label,
                        limit.rows + 2,
                        None,
                        None,
                        Expected("expected.rows_at_most", limit=limit.rows),
                        "too_large",
                    )
                    return
                k = np.arange(kept, kept + n, dtype=np.int64)
                if skipped:
                    marks = np.asarray(sorted(skipped), dtype=np.int64) - 2 - np.arange(len(skipped))
                    k = k + np.searchsorted(marks, k, side="right")
                kept += n
                frame = pl.from_arrow(record_batch)
                assert isinstance(frame, pl.DataFrame)
                step = n if n <= batch_rows * 3 // 2 else batch_rows  # no tiny remainder batches
                for start in range(0, n, step):
                    batch = shape_batch(
                        frame.slice(start, step), rename, spec, pl.Series("row", k[start : start + step] + 2)
                    )
                    if decimal_comma:
                        batch = batch.with_columns(decimal_comma)
                    if batch.height:
                        any_rows = True
                        yield batch
        except pa.ArrowInvalid as exc:
            if guard.tripped:
                _report_long_line(package, member, log)
                return
            if undecodable or "UTF8" in str(exc) or "utf8" in str(exc).lower():
                report_encoding(package, member, log)
                return
            if "straddl" in str(
                exc
            ):  # a row longer than a block, which is longer than the longest line allowed
                _report_long_line(package, member, log)
                return
            log.add(label, None, None, str(exc)[:120], Expected("expected.csv"), "malformed")
            return
    if guard.tripped:
        _report_long_line(package, member, log)
    elif undecodable:
        report_encoding(package, member, log)
    elif not any_rows and not skipped:
        log.add(label, None, None, "", Expected("expected.data_rows"), "empty")


class BoundedLines(io.RawIOBase):
    """A binary stream that ends early (``tripped``) as soon as a line grows past ``limit`` bytes.

    pyarrow holds a whole row in memory, so a file whose last "line" is gigabytes long would be read whole;
    checked here as the bytes pass (one vectorised search for newlines per block), the stream stops at the
    limit. It ends rather than raising: pyarrow reads ahead on a thread of its own, and an exception raised
    there leaves that thread to abort the interpreter at exit.
    """

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        super().__init__()
        self.raw, self.limit, self.run, self.tripped = raw, limit, 0, False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.tripped:
            return b""
        data = self.raw.read(-1 if size is None else size)
        if self._too_long(data):
            self.tripped = True
            return b""
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _too_long(self, data: bytes) -> bool:
        if not data:
            return False
        newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
        if newlines.size == 0:
            self.run += len(data)
            longest = self.run
        else:
            longest = max(
                self.run + int(newlines[0]), int(np.diff(newlines).max()) if newlines.size > 1 else 0
            )
            self.run = len(data) - 1 - int(newlines[-1])
        return max(longest, self.run) > self.limit


@contextmanager
def _undecodable_rows(handler: Callable[..., str]) -> Iterator[list[BaseException]]:
    """Catch the errors pyarrow meets decoding a malformed row that is not UTF-8, before calling ``handler``.

    pyarrow cannot raise them from inside its parser, so it prints them ("Exception ignored in ...") through
    ``sys.unraisablehook``; collected here instead, they become the file's encoding problems.
    """
    caught: list[BaseException] = []
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if unraisable.object is handler and isinstance(unraisable.exc_value, UnicodeDecodeError):
            caught.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield caught
    finally:
        sys.unraisablehook = previous
