"""Frames to the loops' arrays and back (:mod:`natije.results.loops`): nulls as NaN in, NaN as null out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import polars as pl

from natije.results.rules import DECREASE, INCREASE, MAINTAIN

T = TypeVar("T")


def direction_code(column: str = "direction") -> pl.Expr:
    """:data:`~natije.results.rules.INCREASE` / ``DECREASE`` / ``MAINTAIN`` of a direction column (null:
    increase)."""
    return pl.col(column).replace_strict(
        {"decrease": DECREASE, "maintain": MAINTAIN}, default=INCREASE, return_dtype=pl.Int8
    )


def floats(expr: pl.Expr | str) -> pl.Expr:
    """A column as float64 (nulls become NaN in :func:`arrays_of`)."""
    return (pl.col(expr) if isinstance(expr, str) else expr).cast(pl.Float64)


def tolerance(maintain_tolerance: float) -> pl.Expr:
    """Half-width of a maintain target's band: the declared tolerance,
    else ``maintain_tolerance`` × |target|."""
    return pl.coalesce(pl.col("tolerance"), pl.col("target").abs() * maintain_tolerance).cast(pl.Float64)


def optional(frame: pl.DataFrame, column: str) -> pl.Expr:
    """``column`` as float64, or NaN everywhere when ``frame`` lacks it."""
    return floats(column) if column in frame.columns else pl.lit(np.nan, pl.Float64).alias(column)


def arrays_of(kind: Callable[..., T], frame: pl.DataFrame, columns: dict[str, pl.Expr | str]) -> T:
    """The named tuple ``kind`` of the ``columns`` of ``frame`` (one expression per field, by field name),
    each a contiguous numpy array: float nulls as NaN, boolean nulls as False, other nulls as 0."""
    selected = frame.select(**columns)
    fields: dict[str, Any] = {}
    for col in selected.get_columns():
        if col.null_count():
            col = (
                col.fill_null(np.nan)
                if col.dtype == pl.Float64
                else col.fill_null(False)
                if col.dtype == pl.Boolean
                else col.fill_null(0)
            )
        fields[col.name] = np.ascontiguousarray(col.to_numpy())
    return kind(**fields)


def met_column(codes: np.ndarray) -> pl.Series:
    """``met`` from :func:`~natije.results.rules.score_one`'s codes (-1 → null)."""
    s = pl.Series("met", codes)
    return pl.select(pl.when(s < 0).then(None).otherwise(s == 1).alias("met")).to_series()


def float_column(name: str, values: np.ndarray) -> pl.Series:
    """A float output column, NaN as null."""
    return pl.Series(name, values, nan_to_null=True)


def coded_column(name: str, codes: np.ndarray, labels: pl.Series) -> pl.Series:
    """Labels looked up by code (a gather from a few labels: no text built per row)."""
    return labels.gather(pl.Series(codes, dtype=pl.UInt32)).alias(name)
