"""Series as contiguous row ranges: running sums and trend sums without hashing any key.

Observations come from the store sorted by indicator, territory and period; then each series
(indicator × territory) is one run of rows, found by comparing each row with the one before it. Per-series
quantities are then segment sums over numpy arrays (``np.add.reduceat``), and a cumulative indicator's running
sum is one ``cumsum`` minus its value at each series' start. Input in another order is sorted once (stable).
"""

from __future__ import annotations

import numpy as np
import polars as pl

KEY = ["indicator", "territory"]


def _order_and_starts(frame: pl.DataFrame) -> tuple[bool, np.ndarray]:
    """Whether rows are in series order (indicator, territory, period_end), and each series' first row.

    One pass over the rows finds where a series starts (its key differs from the row before) and checks that
    periods rise within each series; whether the series themselves are in key order is then checked on their
    first rows only.
    """
    i, t, e = pl.col("indicator"), pl.col("territory"), pl.col("period_end")
    pi, pt = i.shift(), t.shift()
    # the first row starts a series; a null key counts as a key of its own
    new = ((i != pi) | (t != pt) | pi.is_null() | pt.is_null()).fill_null(True)
    new = pl.when(pl.int_range(pl.len()) == 0).then(True).otherwise(new)
    out = frame.lazy().select(new.alias("new"), (new | (e > e.shift())).fill_null(True).all().alias("rising")) \
        .collect()
    starts = np.flatnonzero(out["new"].to_numpy())
    if not out.height or not out["rising"][0]:
        return not out.height, starts
    firsts = frame.select("indicator", "territory").gather(pl.Series(starts))
    ordered = firsts.select(((i > pi) | ((i == pi) & (t > pt))).fill_null(True).all()).item()
    return bool(ordered), starts


def in_series_order(frame: pl.DataFrame) -> tuple[pl.DataFrame, np.ndarray]:
    """``frame`` in series order (sorted only when it is not) and the index of each series' first row."""
    if frame.height == 0:
        return frame, np.zeros(0, dtype=np.int64)
    ordered, starts = _order_and_starts(frame)
    if not ordered:
        frame = frame.sort(*KEY, "period_end", maintain_order=True, nulls_last=True)
        starts = _order_and_starts(frame)[1]
    return frame, starts


def running_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-series running sum of ``values`` (no NaN) for rows in series order with series starting at ``starts``."""
    cs = np.cumsum(values)
    offset = cs[starts] - values[starts]
    lengths = np.diff(np.append(starts, len(values)))
    return cs - np.repeat(offset, lengths)


def last_k(starts: np.ndarray, n_rows: int, k: int) -> np.ndarray | None:
    """Boolean mask keeping each series' last ``k`` rows, or ``None`` when no series is longer."""
    lengths = np.diff(np.append(starts, n_rows))
    if n_rows == 0 or lengths.max() <= k:
        return None
    ends = np.repeat(starts + lengths, lengths)
    return (ends - np.arange(n_rows)) <= k


def segment_sums(starts: np.ndarray, *columns: np.ndarray) -> list[np.ndarray]:
    """Sum of each column over each series (rows ``starts[j]`` up to ``starts[j + 1]``)."""
    if len(starts) == 0:
        return [np.zeros(0) for _ in columns]
    return [np.add.reduceat(c, starts) for c in columns]


def key_hash(keys: list[str]) -> pl.Expr:
    """One 64-bit hash of several key columns, per row: a cheap test for duplicated keys.

    Equal keys hash equal, so rows whose hash is unique have a unique key; a repeated hash may be a collision,
    which callers treat as "maybe duplicated" and settle with an exact (slower) method.
    """
    return pl.reduce(lambda a, b: a * 1_000_003 ^ b, [pl.col(k).hash(i) for i, k in enumerate(keys)])
