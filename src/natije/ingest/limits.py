"""The size limits of a package, in one place: what no real program needs,
so a hostile or broken file stops early.

Every reader and the package opener read :data:`LIMITS` when they run (so a test may swap it for smaller
values; :data:`UPLOAD_LIMITS` bounds an uploaded workbook the same way). Each limit is checked before the
work it bounds — a zip member's declared size before it is inflated, the nesting and expanded size of
``program.yaml`` before it is walked — so a refusal costs milliseconds and little memory.
``docs/package-format.md`` ("Limits") lists them for users.

Examples
--------
>>> LIMITS.columns
64
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one package may hold.

    Attributes
    ----------
    file_bytes
        Size of one data file (a folder file, or a zip member once inflated): 4 GiB is ~60 million rows.
    inflate_ratio, inflate_floor_bytes
        A zip member larger than ``inflate_floor_bytes`` may inflate at most ``inflate_ratio`` times its
        compressed size (CSV compresses 5–20 times; a "zip bomb" about 1,000 times).
    yaml_bytes
        Size of ``program.yaml``.
    yaml_values
        Values in ``program.yaml`` once its aliases (``*name``) are expanded: a large program has a few
        thousand indicators and commitments, tens of thousands of values.
    yaml_depth
        Nesting of mappings and lists in ``program.yaml`` (the format itself needs six levels).
    line_bytes
        Length of one line (row) of a CSV file.
    columns
        Columns of a table (an observations file has at most nine).
    rows
        Data rows of one file.
    """

    file_bytes: int = 4 * GiB
    inflate_ratio: int = 100
    inflate_floor_bytes: int = 64 * MiB
    yaml_bytes: int = 16 * MiB
    yaml_values: int = 1_000_000
    yaml_depth: int = 32
    line_bytes: int = 1 * MiB
    columns: int = 64
    rows: int = 100_000_000


LIMITS = Limits()


@dataclass(frozen=True)
class UploadLimits:
    """Upper bounds on one uploaded workbook (a filled reporting template), far tighter than a package's:
    a template holds one agency's values for a few periods.

    Attributes
    ----------
    upload_bytes
        Size of the uploaded file itself, checked before anything is parsed.
    file_bytes
        Size of one part of the workbook once inflated.
    total_bytes
        Size of all its parts together once inflated.
    inflate_ratio, inflate_floor_bytes
        A part larger than ``inflate_floor_bytes`` may inflate at most ``inflate_ratio`` times its compressed
        size (a worksheet's XML compresses 10–30 times).
    entries
        Parts of the workbook (a workbook Excel saves has 10–20).
    rows
        Data rows of the values sheet (openpyxl reads some 3,000–10,000 a second).
    """

    upload_bytes: int = 16 * MiB
    file_bytes: int = 128 * MiB
    total_bytes: int = 256 * MiB
    inflate_ratio: int = 100
    inflate_floor_bytes: int = 1 * MiB
    entries: int = 256
    rows: int = 50_000


UPLOAD_LIMITS = UploadLimits()


def current() -> Limits:
    """The limits in force (read at call time, so a test can replace :data:`LIMITS`)."""
    return LIMITS


def upload() -> UploadLimits:
    """The upload limits in force (read at call time, so a test can replace :data:`UPLOAD_LIMITS`)."""
    return UPLOAD_LIMITS
