"""The size limits of a package, in one place: what no real program needs,
so a hostile or broken file stops early.

Every reader and the package opener read :data:`LIMITS` when they run (so a test may swap it for smaller
values). Each limit is checked before the work it bounds — a zip member's declared size before it is
inflated, the nesting and expanded size of ``program.yaml`` before it is walked — so a refusal costs
milliseconds and little memory. ``docs/package-format.md`` ("Limits") lists them for users.

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


def current() -> Limits:
    """The limits in force (read at call time, so a test can replace :data:`LIMITS`)."""
    return LIMITS
