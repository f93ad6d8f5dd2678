"""Parquet reader: row-group batches through pyarrow, only the columns natije knows.

Numeric columns the spec declares numeric (``value``) stay numeric; every other column becomes text so
the same checks apply as for CSV. Row numbers count as in a spreadsheet export: the first data row is 2.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from natije.errors import Expected
from natije.ingest import limits
from natije.ingest.package import Package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import TableSpec, check_header, register_reader, shape_batch, too_many_columns


def _as_text(frame: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        if name.strip().lower() in spec.numeric and dtype.is_numeric():
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype.is_temporal():
            casts.append(pl.col(name).dt.to_string("iso"))
        elif dtype != pl.String:
            casts.append(pl.col(name).cast(pl.String))
    return frame.with_columns(casts) if casts else frame


@register_reader(".parquet")
def read_parquet(
    package: Package, member: str, spec: TableSpec, log: ProblemLog, batch_rows: int
) -> Iterator[pl.DataFrame]:
    """Stream a Parquet file in batches of at most ``batch_rows`` rows."""
    label = package.label(member)
    with package.local_path(member) as path:
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError):
            log.add(label, None, None, member, Expected("expected.parquet"), "format")
            return
        limit = limits.current()
        if len(pf.schema_arrow.names) > limit.columns:
            too_many_columns(label, len(pf.schema_arrow.names), log)
            return
        if pf.metadata.num_rows > limit.rows:  # checked on the footer, before a row is decoded
            log.add(
                label,
                limit.rows + 2,
                None,
                pf.metadata.num_rows,
                Expected("expected.rows_at_most", limit=limit.rows),
                "too_large",
            )
            return
        rename = check_header(list(pf.schema_arrow.names), spec, label, log)
        if rename is None:
            return
        if pf.metadata.num_rows == 0:
            log.add(label, None, None, "", Expected("expected.data_rows"), "empty")
            return
        start = 2
        for record_batch in pf.iter_batches(batch_size=batch_rows, columns=list(rename.values())):
            try:  # Polars takes text bytes as they are and fails later on invalid UTF-8: check them first
                record_batch.validate(full=True)
            except pa.ArrowInvalid:
                log.add(label, None, None, member, Expected("expected.utf8"), "encoding")
                return
            frame = pl.from_arrow(record_batch)
            assert isinstance(frame, pl.DataFrame)
            frame = _as_text(frame, spec)
            rows = pl.int_range(start, start + frame.height, dtype=pl.Int64, eager=True)
            start += frame.height
            batch = shape_batch(frame, rename, spec, rows)
            if batch.height:
                yield batch
