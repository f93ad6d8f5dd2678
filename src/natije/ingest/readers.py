"""Tabular readers by file extension: stream a file as batches of string columns, never the whole file.

Every reader yields polars DataFrames holding the columns of a :class:`TableSpec` (missing optional columns
filled with nulls) plus ``row``: the row number a spreadsheet user sees (the header is row 1). File-level
problems — not UTF-8, empty, missing or unknown columns, malformed rows — go to the :class:`ProblemLog`.
New formats register with :func:`register_reader`.

Examples
--------
>>> from natije.demo import demo_paths
>>> from natije.ingest.package import open_package
>>> from natije.ingest.problems import ProblemLog
>>> pkg, log = open_package(next(p for p in demo_paths() if p.name == "DK2018")), ProblemLog()
>>> for batch in read_table(pkg, "observations.csv", OBSERVATIONS, log):
...     print(batch.height, batch.columns[:4], log.total)
65 ['indicator', 'territory', 'period', 'value'] 0
>>> pkg.close()
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import polars as pl

from natije.errors import Expected, NatijeError, ValidationError
from natije.ingest import limits
from natije.ingest.package import Package
from natije.ingest.problems import ProblemLog

BATCH_ROWS = 100_000


@dataclass(frozen=True)
class TableSpec:
    """Columns a kind of table must and may have."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


OBSERVATIONS = TableSpec(
    "observations",
    ("indicator", "territory", "period", "value"),
    ("unit", "source", "note", "status", "as_of"),
    ("value",),
)
REVISIONS = TableSpec(
    "revisions",
    ("indicator", "territory", "period", "value", "recorded_at"),
    ("reason", "author", "source"),
    ("value",),
)
TERRITORIES = TableSpec(
    "territories",
    ("code", "level", "name_kk", "name_ru", "name_en"),
    ("parent", "valid_from", "valid_to", "successors", "iso_code"),
)
TERRITORY_CHANGES = TableSpec("territory_changes", ("day", "kind", "source", "target"), ("share", "basis"))

Reader = Callable[[Package, str, TableSpec, ProblemLog, int], Iterator[pl.DataFrame]]
_READERS: dict[str, Reader] = {}


def register_reader(extension: str) -> Callable[[Reader], Reader]:
    """Register a reader for files ending in ``extension`` (e.g. ``".csv"``)."""

    def deco(fn: Reader) -> Reader:
        _READERS[extension.lower()] = fn
        return fn

    return deco


def supported_extensions() -> tuple[str, ...]:
    _load_builtin_readers()
    return tuple(sorted(_READERS))


def read_table(
    package: Package, member: str, spec: TableSpec, log: ProblemLog, batch_rows: int = BATCH_ROWS
) -> Iterator[pl.DataFrame]:
    """Stream ``member`` of ``package`` as batches shaped by ``spec``; problems go to ``log``."""
    _load_builtin_readers()
    ext = PurePosixPath(member).suffix.lower()
    reader = _READERS.get(ext)
    if reader is None:
        log.add(
            package.label(member),
            None,
            None,
            member,
            Expected("expected.file_kind", suffixes=", ".join(sorted(_READERS))),
            "format",
        )
        return iter(())
    return _guarded(reader(package, member, spec, log, batch_rows), package.label(member), ext, log)


def _guarded(
    batches: Iterator[pl.DataFrame], label: str, ext: str, log: ProblemLog
) -> Iterator[pl.DataFrame]:
    """A reader's batches; whatever a parsing library raises on a damaged file becomes a
    problem, not a traceback.

    Each reader reports the failures it knows by name (not UTF-8, malformed rows, …); this is the boundary
    for the rest — a truncated zip stream, an XML error deep inside a workbook, a corrupt Parquet page.
    """
    try:
        yield from batches
    except ValidationError as exc:  # e.g. a damaged zip entry: its problems join the rest
        log.extend(exc.problems)
    except NatijeError:
        raise
    except Exception as exc:  # noqa: BLE001 - the libraries' error classes are many and undocumented
        log.add(
            label,
            None,
            None,
            type(exc).__name__,
            Expected("expected.readable_file", kind=ext.lstrip(".")),
            "unreadable",
        )


def too_many_columns(label: str, count: int, log: ProblemLog) -> None:
    """Report a header with more columns than :attr:`Limits.columns`."""
    log.add(
        label,
        1,
        None,
        count,
        Expected("expected.columns_at_most", limit=limits.current().columns),
        "too_large",
    )


def check_header(header: list[str], spec: TableSpec, label: str, log: ProblemLog) -> dict[str, str] | None:
    """Map normalised names to the file's own header names; ``None`` (after logging) if unusable.

    Names match case-insensitively and ignoring surrounding spaces. Unknown columns and duplicates are
    problems; missing required columns make the file unreadable.
    """
    found: dict[str, str] = {}
    ok = True
    for raw in header:
        name = str(raw if raw is not None else "").strip().lower()
        if "\ufffd" in name:
            log.add(label, 1, None, raw, Expected("expected.utf8_csv"), "encoding")
            return None
        if name in found:
            log.add(label, 1, name, raw, Expected("expected.column_once"), "duplicate_column")
            ok = False
        elif name not in spec.columns:
            log.add(
                label,
                1,
                name or "(blank)",
                raw,
                Expected("expected.only_columns", columns=", ".join(spec.columns)),
                "unknown_column",
            )
            ok = False
        else:
            found[name] = str(raw)
    for col in spec.required:
        if col not in found:
            log.add(
                label,
                1,
                col,
                None,
                Expected("expected.column_required", column=col, required=", ".join(spec.required)),
                "missing_column",
            )
            ok = False
    return found if ok else None


def shape_batch(
    frame: pl.DataFrame, rename: dict[str, str], spec: TableSpec, rows: pl.Series
) -> pl.DataFrame:
    """Rename to spec names, add missing optional columns as nulls, attach ``row``, drop blank rows."""
    frame = frame.rename({raw: name for name, raw in rename.items() if raw != name})
    present = [c for c in spec.columns if c in frame.columns]
    strings = [c for c in present if frame.schema[c] == pl.String]
    # stripping is the costly part, so only columns that have a value with outer spaces are stripped
    padded = frame.select((pl.col(strings).str.starts_with(" ") | pl.col(strings).str.ends_with(" ")).any())
    strip = [c for c in strings if padded[c].item()]
    cleaned = [pl.col(c).str.strip_chars() if c in strip else pl.col(c) for c in strings]
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in spec.columns if c not in frame.columns]
    frame = frame.with_columns(
        *(pl.when(e != "").then(e).alias(c) for e, c in zip(cleaned, strings)), rows.alias("row")
    )
    blank = pl.all_horizontal(pl.col(present).is_null())
    if frame.select(blank.any()).item():
        frame = frame.filter(~blank)
    return frame.with_columns(*missing).select(*spec.columns, "row")


def _load_builtin_readers() -> None:
    # every time, not "when the registry is empty": one reader imported on its own must not hide the others
    from natije.ingest import read_csv, read_parquet, read_xlsx  # noqa: F401
