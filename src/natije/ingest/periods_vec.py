"""Vectorised SDMX period parsing for polars columns (the row-at-a-time form is ``Period.parse``).

Only the distinct period texts of a batch are parsed (a million rows rarely hold more than a few hundred
periods) and joined back, so the cost does not grow with the row count.
"""

from __future__ import annotations

import polars as pl

_ANNUAL = r"^\d{4}$"
_QUARTER = r"^\d{4}-Q[1-4]$"
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def parse_periods(texts: pl.Series) -> pl.DataFrame:
    """For each distinct text: ``period``, ``freq`` (A|Q|M or null if unparseable),
    ``start_month``, ``end_month``.

    Examples
    --------
    >>> parse_periods(pl.Series(["2024-Q2", "x"])).sort("period").row(0)
    ('2024-Q2', 'Q', 24291, 24294)
    """
    p = pl.col("period")
    year = p.str.slice(0, 4).cast(pl.Int64, strict=False)
    freq = (
        pl.when(p.str.contains(_ANNUAL))
        .then(pl.lit("A"))
        .when(p.str.contains(_QUARTER))
        .then(pl.lit("Q"))
        .when(p.str.contains(_MONTH))
        .then(pl.lit("M"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    frame = pl.DataFrame({"period": texts.unique()}).with_columns(freq.alias("freq"))
    sub = pl.col("period").str.slice(5).str.replace("Q", "").cast(pl.Int64, strict=False)
    f = pl.col("freq")
    start = (
        pl.when(f == "A")
        .then(year * 12)
        .when(f == "Q")
        .then(year * 12 + (sub - 1) * 3)
        .when(f == "M")
        .then(year * 12 + sub - 1)
    )
    length = pl.when(f == "A").then(12).when(f == "Q").then(3).when(f == "M").then(1)
    return frame.with_columns(start.alias("start_month")).with_columns(
        (pl.col("start_month") + length).alias("end_month")
    )


def month_to_date(months: pl.Expr) -> pl.Expr:
    """First day of the month ``months`` counted from year 0 (as in ``Period.start_month``)."""
    return pl.date(months // 12, months % 12 + 1, 1)
