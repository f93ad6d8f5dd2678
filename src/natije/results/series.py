"""Series as contiguous row ranges, so that per-series quantities need no hashing of any key.

Observations come from the store sorted by indicator, territory and period; then each series
(indicator × territory) is one run of rows, found by comparing each row with the one before it
(:func:`series_runs`). The loops of :mod:`natije.results.loops` then walk the runs. Input in another
order is sorted once (stable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

KEY = ["indicator", "territory"]


@dataclass(frozen=True)
class Runs:
    """Rows in series order: ``frame``, each series' first row (``starts``) and its key (``keys``: indicator,
    territory per series)."""

    frame: pl.DataFrame
    starts: np.ndarray
    keys: pl.DataFrame


def _runs(frame: pl.DataFrame) -> tuple[bool, Runs]:
    """Whether rows are in series order (indicator, territory, period_end), and the runs they form.

    One pass over the rows finds where a series starts (its key differs from the row before, nulls compared as
    values; the first row starts one) and checks that periods rise within each series; whether the series
    themselves are in key order is then checked on their first rows only.
    """
    i, t, e = pl.col("indicator"), pl.col("territory"), pl.col("period_end")
    pi, pt = i.shift(), t.shift()
    first = pl.int_range(pl.len()) == 0
    new = i.ne_missing(pi) | t.ne_missing(pt)  # null-aware: rows with a null territory form one series too
    out = (
        frame.lazy()
        .select(new.alias("new"), (new | (e > e.shift())).fill_null(True).all().alias("rising"))
        .collect()
    )
    starts = np.flatnonzero(out["new"].to_numpy())
    if not len(starts) or starts[0] != 0:  # the first row starts a series whatever its key
        starts = np.concatenate([[0], starts]).astype(np.int64)
    keys = frame.select(KEY).gather(pl.Series(starts, dtype=pl.Int64))
    runs = Runs(frame, starts, keys)
    if not out["rising"][0]:
        return False, runs
    # series in key order, null territories last (as the sort puts them)
    later = (t > pt) | (t.is_null() & pt.is_not_null())
    ordered = keys.select((first | ((i > pi) | ((i == pi) & later)).fill_null(False)).all()).item()
    return bool(ordered), runs


def series_runs(frame: pl.DataFrame) -> Runs:
    """``frame`` in series order (sorted only when it is not), with its runs."""
    if frame.height == 0:
        return Runs(frame, np.zeros(0, dtype=np.int64), frame.select(KEY))
    ordered, runs = _runs(frame)
    if not ordered:
        runs = _runs(frame.sort(*KEY, "period_end", maintain_order=True, nulls_last=True))[1]
    return runs


def key_hash(keys: list[str]) -> pl.Expr:
    """One 64-bit hash of several key columns, per row: a cheap test for duplicated keys.

    Equal keys hash equal, so rows whose hash is unique have a unique key; a repeated hash may be a collision,
    which callers treat as "maybe duplicated" and settle with an exact (slower) method.
    """
    return pl.reduce(lambda a, b: a * 1_000_003 ^ b, [pl.col(k).hash(i) for i, k in enumerate(keys)])


def maybe_duplicated(frame: pl.DataFrame, keys: list[str]) -> pl.Series | None:
    """Rows whose key may be repeated (a superset: their :func:`key_hash` repeats), or ``None`` when every key
    is unique — the common case, settled by counting distinct hashes without building a mask."""
    hashes = frame.select(key_hash(keys)).to_series()
    if frame.height < 2 or hashes.n_unique() == frame.height:
        return None
    return hashes.is_duplicated()
