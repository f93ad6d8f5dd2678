"""An uploaded workbook checked as a zip before anything inflates it: size, parts, macros.

An .xlsx is a zip of XML parts. Everything here reads the zip's central directory only — the declared sizes,
names, flags and methods of its entries — so a "zip bomb" is refused without a byte of it being inflated; only
``[Content_Types].xml`` (a few KiB, its size checked first) is read, to tell a macro-enabled workbook apart.

Examples
--------
>>> from natije.ingest.problems import ProblemLog
>>> log = ProblemLog()
>>> check_workbook(b"indicator,territory\\n", "values.csv", log), [p.code for p in log.items]
(False, ['format'])
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from natije.errors import Expected
from natije.ingest import limits
from natije.ingest.package import inflation_problem, size_text, unsafe_name
from natije.ingest.problems import ProblemLog

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CONTENT_TYPES_BYTES = 1 << 20
# parts a workbook of typed values never needs: code that runs, other programs' objects, links to files
_ACTIVE_PARTS = ("xl/vbaproject", "xl/activex/", "xl/embeddings/", "xl/externallinks/", "xl/macrosheets/")
_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".jar", ".docx", ".docm", ".7z", ".rar", ".gz", ".cab")
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def check_workbook(data: bytes, label: str, log: ProblemLog) -> bool:
    """Whether ``data`` may be opened as an .xlsx workbook; every reason it may not goes to ``log``."""
    limit = limits.upload()
    if len(data) > limit.upload_bytes:
        expected = Expected(
            "expected.file_at_most", size=size_text(limit.upload_bytes), got=size_text(len(data))
        )
        log.add(label, None, None, size_text(len(data)), expected, "too_large")
        return False
    declared = _declared_entries(data, limit.entries)
    if declared is not None and declared > limit.entries:
        expected = Expected("expected.zip_entries_at_most", limit=limit.entries, got=declared)
        log.add(label, None, None, declared, expected, "too_large")
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if not _entries_fit(infos, label, log):
                return False
            names = {i.filename for i in infos}
            if CONTENT_TYPES not in names or WORKBOOK not in names:
                log.add(label, None, None, label, Expected("expected.xlsx"), "format")
                return False
            if zf.getinfo(CONTENT_TYPES).file_size > CONTENT_TYPES_BYTES:
                log.add(label, None, None, CONTENT_TYPES, Expected("expected.xlsx"), "format")
                return False
            types = zf.read(CONTENT_TYPES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        log.add(label, None, None, label, Expected("expected.xlsx"), "format")
        return False
    if "macroenabled" in types.lower():
        log.add(label, None, None, CONTENT_TYPES, Expected("expected.xlsx_no_macros"), "macros")
        return False
    if SHEET_MAIN not in types:
        log.add(label, None, None, CONTENT_TYPES, Expected("expected.xlsx"), "format")
        return False
    return True


def _declared_entries(data: bytes, limit: int) -> int | None:
    """The entries the zip's end record declares, before Python's zip reader builds an object for each record
    of the central directory; ``None`` when there is no end record (the reader then refuses the file).

    The reader parses every record the directory holds, whatever count is declared, so a directory larger
    than ``limit`` records of 1 KiB counts as the most records it may hold (46 bytes each at least).
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - (1 << 16) - 22))
    if at < 0 or at + 22 > len(data):
        return None
    count = int.from_bytes(data[at + 10 : at + 12], "little")
    directory = int.from_bytes(data[at + 12 : at + 16], "little")
    return count if directory <= limit * 1024 else max(count, directory // 46)


def _entries_fit(infos: list[zipfile.ZipInfo], label: str, log: ProblemLog) -> bool:
    """Whether the zip's entries are few, plain and small enough once inflated (logged otherwise)."""
    limit = limits.upload()
    if len(infos) > limit.entries:
        expected = Expected("expected.zip_entries_at_most", limit=limit.entries, got=len(infos))
        log.add(label, None, None, len(infos), expected, "too_large")
        return False
    for info in infos:
        name = info.filename
        lowered = name.lower()
        if lowered.startswith(_ACTIVE_PARTS):
            log.add(label, None, None, name, Expected("expected.xlsx_no_macros"), "macros")
            return False
        odd = (
            unsafe_name(name)
            or PurePosixPath(lowered).suffix in _ARCHIVES
            or info.flag_bits & 0x1  # encrypted
            or info.compress_type not in _METHODS
        )
        if odd:
            log.add(label, None, None, name, Expected("expected.xlsx_plain_part"), "zip_unsafe")
            return False
        inflates = inflation_problem(info, limit)
        if inflates is not None:
            log.add(label, None, None, name, inflates, "too_large")
            return False
    total = sum(i.file_size for i in infos)
    if total > limit.total_bytes:
        expected = Expected(
            "expected.inflate_total_at_most", size=size_text(limit.total_bytes), got=size_text(total)
        )
        log.add(label, None, None, size_text(total), expected, "too_large")
        return False
    return True
