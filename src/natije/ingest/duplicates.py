"""Duplicate keys across every batch of every file, in 8 bytes per row.

The first pass keeps only a 64-bit hash of each key; sorting the hashes once at the end finds the hashes
seen twice. Only if there are any does a second look at the data fetch the rows behind them and confirm
real duplicates by comparing the keys themselves (so a hash collision can never raise a false alarm).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from natije.errors import Expected
from natije.ingest.problems import ProblemLog

SEED = 20240101
SENTINEL = np.iinfo(np.uint64).max


class DuplicateKeys:
    """Collects key hashes batch by batch; :meth:`suspects` gives the hashes seen more than once."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self._chunks: list[np.ndarray] = []

    def hashes(self, batch: pl.DataFrame) -> np.ndarray:
        """uint64 key of each row: the exact ``_key`` column when the batch has one, else a 64-bit hash.

        Rows without an exact key (unknown codes: the import fails anyway) get a sentinel never reported.
        """
        if "_key" in batch.columns:
            return batch["_key"].fill_null(SENTINEL).to_numpy()
        return batch.select(pl.struct(list(self.columns)).hash(SEED)).to_series().to_numpy()

    def add(self, batch: pl.DataFrame) -> None:
        """Remember the keys of ``batch``."""
        if batch.height:
            self._chunks.append(self.hashes(batch))

    def suspects(self) -> np.ndarray:
        """Sorted distinct hashes that occurred more than once."""
        if not self._chunks:
            return np.empty(0, dtype=np.uint64)
        # move the chunks into one array, freeing each as it is copied: peak memory stays ~8 bytes per row
        allh = np.empty(sum(len(c) for c in self._chunks), dtype=np.uint64)
        pos = 0
        while self._chunks:
            chunk = self._chunks.pop(0)
            allh[pos : pos + len(chunk)] = chunk
            pos += len(chunk)
        allh.sort()
        self._chunks = [allh]
        repeated = allh[1:][allh[1:] == allh[:-1]]
        return np.unique(repeated[repeated != SENTINEL])

    def rows_of(self, batch: pl.DataFrame, suspects: np.ndarray, file: str) -> pl.DataFrame:
        """The rows of ``batch`` whose key hash is a suspect, with ``file``, ``row`` and the key columns."""
        mask = np.isin(self.hashes(batch), suspects)
        if not mask.any():
            return pl.DataFrame()
        return (
            batch.filter(pl.Series(mask))
            .select(*self.columns, "row")
            .with_columns(pl.lit(file).alias("file"))
        )


def report_duplicates(candidates: list[pl.DataFrame], columns: tuple[str, ...], log: ProblemLog) -> None:
    """Log every repeat of a key among ``candidates`` (rows from :meth:`DuplicateKeys.rows_of`),
    naming the first."""
    frames = [c for c in candidates if c.height]
    if not frames:
        return
    rows = pl.concat(frames, how="vertical_relaxed").with_row_index("order")
    ranked = (
        rows.with_columns(
            pl.col("order").rank("ordinal").over(list(columns)).alias("nth"),
            pl.col("file").first().over(list(columns), order_by="order").alias("first_file"),
            pl.col("row").first().over(list(columns), order_by="order").alias("first_row"),
        )
        .filter(pl.col("nth") > 1)
        .sort("order")
    )
    for rec in ranked.iter_rows(named=True):  # only the duplicated rows, capped by the log
        key = ", ".join(str(rec[c]) for c in columns)
        log.add(
            rec["file"],
            rec["row"],
            columns[0],
            key,
            Expected(
                "expected.key_once",
                columns=", ".join(columns),
                first_file=rec["first_file"],
                first_row=rec["first_row"],
            ),
            "duplicate_key",
        )
