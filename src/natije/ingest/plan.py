"""Validate whole packages before anything is written: the first of an import's two passes.

:func:`prepare` opens every package, parses ``program.yaml`` and the reference CSVs, merges their
declarations over the store's catalog, streams every observation and revision file through the vectorised
checks and looks for duplicate keys across all of them. Any problem → one :class:`ValidationError` listing
them all. Otherwise the returned :class:`ImportPlan` replays the files, normalised, for the write pass.

Examples
--------
>>> from natije.demo import demo_paths
>>> reference, dk2018 = [p for p in demo_paths() if p.name in ("reference", "DK2018")]
>>> plan = prepare([dk2018, reference], catalog=None)      # no store: the reference package declares all
>>> [(p.code, p.rows) for p in plan.packages]               # reference packages first
[(None, 548), ('DK2018', 65)]
>>> plan.close()
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from natije.domain.package import ProgramPackage
from natije.domain.territories import Territory
from natije.errors import Expected, ValidationError
from natije.ingest.duplicates import DuplicateKeys, report_duplicates
from natije.ingest.known import CatalogLike, Known
from natije.ingest.package import (
    CHANGES_FILE,
    REVISIONS_FILE,
    TERRITORIES_FILE,
    Package,
    discover,
    open_package,
)
from natije.ingest.prefetch import prefetch
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import ParsedProgram, parse_program_yaml
from natije.ingest.readers import OBSERVATIONS, REVISIONS, TableSpec, read_table
from natije.ingest.reference_csv import read_changes, read_territories
from natije.ingest.references import check_references, check_shared_indicators
from natije.ingest.validate import check_batch

Progress = Callable[[str, int], None]
OBS_KEY = ("indicator", "territory", "period")
REV_KEY = ("indicator", "territory", "period", "recorded_at")


def _quiet(phase: str, rows: int) -> None:
    return None


@dataclass
class PlannedPackage:
    """One validated package: its files, its parsed declarations and its content hash."""

    files: Package
    package: ProgramPackage
    digest: str
    parsed: ParsedProgram | None = None
    rows: int = 0
    broken: bool = False  # declarations unreadable: its observations cannot be checked until that is fixed
    loose: dict[str, set[str]] = dataclasses.field(default_factory=dict)

    @property
    def code(self) -> str | None:
        return self.package.program.code if self.package.program else None

    @property
    def has_revisions(self) -> bool:
        return self.files.has(REVISIONS_FILE)


@dataclass
class ImportPlan:
    """Validated packages in write order (reference packages first, predecessors before successors).

    The validation pass spills each normalised batch to an Arrow IPC file in a temporary folder, so the
    write pass replays them (memory-mapped) instead of parsing and checking the files again.
    """

    packages: list[PlannedPackage]
    known: Known
    spill: Path | None = None
    spilled: dict[tuple[int, str], list[Path]] = dataclasses.field(default_factory=dict)

    def keep(self, planned: PlannedPackage, kind: str, batch: pl.DataFrame) -> None:
        """Spill one normalised batch for the write pass."""
        if self.spill is None:
            self.spill = Path(tempfile.mkdtemp(prefix="natije-import-"))
        files = self.spilled.setdefault((id(planned), kind), [])
        path = self.spill / f"{len(self.spilled)}-{kind}-{len(files)}.arrow"
        batch.drop("row").write_ipc(path, compression="uncompressed")
        files.append(path)

    def batches(self, planned: PlannedPackage, kind: str = "observations") -> Iterator[pl.DataFrame]:
        """Normalised batches of a package's observation (or ``"revisions"``) files, for the write pass."""
        for path in self.spilled.get((id(planned), kind), []):
            yield pl.read_ipc(path)

    def close(self) -> None:
        for p in self.packages:
            p.files.close()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)
            self.spill = None


def _order(packages: list[PlannedPackage]) -> list[PlannedPackage]:
    """Reference packages first, then programs with their in-run predecessors before them.

    Every package stays in the plan, even two that declare the same program code (already a problem): each is
    still validated so that all of its problems are reported in the same run.
    """
    ref = [p for p in packages if p.code is None]
    progs: dict[str, list[PlannedPackage]] = {}
    for p in packages:
        if p.code is not None:
            progs.setdefault(p.code, []).append(p)
    out: list[PlannedPackage] = []
    done: set[str] = set()

    def visit(code: str, stack: tuple[str, ...]) -> None:
        if code in done or code in stack or code not in progs:
            return
        for planned in progs[code]:
            program = planned.package.program
            for pred in program.predecessors if program else ():
                visit(pred, stack + (code,))
        done.add(code)
        out.extend(progs[code])

    for p in packages:
        if p.code is not None:
            visit(p.code, ())
    return ref + out


def _parse_package(files: Package, catalog: CatalogLike | None, log: ProblemLog) -> PlannedPackage:
    parsed = None
    broken = False
    package = ProgramPackage()
    loose: dict[str, set[str]] = {}
    raw = _read_or_log(files, files.program_file, log) if files.program_file else None
    if files.program_file:
        parsed = parse_program_yaml(raw, files.label(files.program_file), log) if raw is not None else None
        if parsed is None:
            broken = True
        else:
            package = parsed.package
            built = {
                "indicators": {i.code for i in package.indicators},
                "sources": {s.code for s in package.sources},
                "agencies": {a.code for a in package.agencies},
            }
            for section, made in built.items():
                loose[section] = parsed.declared(section) - made
    codes = set(catalog.territories) if catalog else set()
    territories: list[Territory] = []
    if files.has(TERRITORIES_FILE):
        declared: set[str] = set()
        read = read_territories(files, log, codes, declared)
        broken = broken or read is None
        territories = read or []
        loose["territories"] = declared - {t.code for t in territories}
    codes |= {t.code for t in territories} | loose.get("territories", set())
    changes = read_changes(files, log, codes) if files.has(CHANGES_FILE) else []
    package = dataclasses.replace(package, territories=tuple(territories), territory_changes=tuple(changes))
    try:
        digest = files.digest()
    except ValidationError as exc:  # a damaged zip entry: reported, and the package is not read further
        log.extend(exc.problems)
        digest, broken = "", True
    return PlannedPackage(files, package, digest, parsed, broken=broken, loose=loose)


def _read_or_log(files: Package, member: str, log: ProblemLog) -> bytes | None:
    """A small member's bytes; ``None`` (after logging) for a damaged zip entry."""
    try:
        return files.read_text(member)
    except ValidationError as exc:
        log.extend(exc.problems)
        return None


def _scan(
    plan: ImportPlan, kind: str, spec: TableSpec, key: tuple[str, ...], log: ProblemLog, progress: Progress
) -> None:
    """Validation pass over every file of ``kind``; then the duplicate-key check across all of them."""
    dups = DuplicateKeys(key)
    time_col = "as_of" if kind == "observations" else "recorded_at"
    for planned in plan.packages:
        if planned.broken:
            continue
        members = (
            planned.files.observation_files
            if kind == "observations"
            else ((REVISIONS_FILE,) if planned.has_revisions else ())
        )
        for member in members:
            label = planned.files.label(member)
            for batch in prefetch(read_table(planned.files, member, spec, log)):
                clean = check_batch(batch, plan.known, label, log, time_col)
                dups.add(clean)
                if not log:
                    plan.keep(planned, kind, clean.drop("_key", strict=False))
                if kind == "observations":
                    planned.rows += batch.height
                progress(f"validate {kind}", batch.height)
    suspects = dups.suspects()
    if suspects.size:
        found = []
        quiet = ProblemLog(cap=0)
        for planned in plan.packages:
            members = (
                planned.files.observation_files
                if kind == "observations"
                else ((REVISIONS_FILE,) if planned.has_revisions else ())
            )
            for member in members if not planned.broken else ():
                for batch in read_table(planned.files, member, spec, quiet):
                    clean = check_batch(batch, plan.known, "", quiet, time_col)
                    found.append(dups.rows_of(clean, suspects, planned.files.label(member)))
        report_duplicates(found, key, log)


def prepare(
    paths: Sequence[str | Path],
    catalog: CatalogLike | None,
    *,
    progress: Progress | None = None,
    cap: int = 1000,
) -> ImportPlan:
    """Open and validate every package under ``paths``;
    raise :class:`ValidationError` listing all problems."""
    progress = progress or _quiet
    log = ProblemLog(cap)
    opened: list[Package] = []
    for path in paths:
        for found in discover(path):
            try:
                opened.append(open_package(found))
            except ValidationError as exc:  # not a package: report it with everything else
                log.extend(exc.problems)
    try:
        planned = [_parse_package(files, catalog, log) for files in opened]
    except BaseException:
        for files in opened:
            files.close()
        raise
    seen: dict[str, str] = {}
    for p in planned:
        if p.code is not None and p.code in seen:
            log.add(
                p.files.label("program.yaml"),
                None,
                "program.code",
                p.code,
                Expected("expected.program_once", other=seen[p.code]),
                "duplicate_program",
            )
        elif p.code is not None:
            seen[p.code] = p.files.name
    check_shared_indicators([(p.code, p.files.name, p.parsed) for p in planned if p.parsed is not None], log)
    loose: dict[str, set[str]] = {}
    for p in planned:
        for section, codes in p.loose.items():
            loose.setdefault(section, set()).update(codes)
    known = Known.merge(catalog, [p.package for p in planned], loose)
    for p in planned:
        if p.parsed is not None:
            check_references(p.parsed, known, log)
    plan = ImportPlan(_order(planned), known)
    try:
        _scan(plan, "observations", OBSERVATIONS, OBS_KEY, log, progress)
        _scan(plan, "revisions", REVISIONS, REV_KEY, log, progress)
        log.raise_if_any()
    except BaseException:
        plan.close()
        raise
    return plan
