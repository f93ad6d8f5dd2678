"""Import and export use cases: packages in, packages out, all or nothing.

:func:`import_paths` validates every package completely first (nothing is written if anything is wrong),
then writes them all in ONE transaction: reference packages first, predecessors before successors. The same
transaction replaces the stored result snapshots by the present views of the programs it changed
(:func:`natije.services.snapshots.refresh`), so readers see new data and their results together. The
storage semantics — idempotent upserts, revisions for changed values, new versions for changed
commitments — live in the store's repositories; this module orchestrates.

Examples
--------
>>> from natije.demo import demo_paths
>>> from natije.services.catalog import initialise
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> _ = initialise(store)
>>> reference, dk2018 = [p for p in demo_paths() if p.name in ("reference", "DK2018")]
>>> report = import_paths(store, [dk2018, reference])      # the reference package is written first
>>> [p.name for p in report.packages], report.totals()["observations_inserted"]
(['reference', 'DK2018'], 613)
>>> import_paths(store, [dk2018, reference]).totals()["observations_unchanged"]   # imports are idempotent
613
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from natije.errors import Expected, Problem, ValidationError
from natije.ingest.export import (
    OBSERVATION_COLUMNS,
    REVISION_COLUMNS,
    changes_frame,
    program_yaml_text,
    territories_frame,
    write_csv_stream,
)
from natije.ingest.plan import ImportPlan, PlannedPackage, Progress, prepare
from natije.services import monitoring, snapshots
from natije.services.catalog import ensure_store
from natije.services.ledger_keys import checkpoint_in, signing_key
from natije.store import Store
from natije.store import observations as store_observations
from natije.store.catalog import lookup_catalog, write_package
from natije.store.imports import record_import
from natije.store.reads import get_package, get_reference_package
from natije.store.streams import iter_observations, iter_revisions


@dataclass(frozen=True)
class PackageReport:
    """What importing one package did."""

    name: str
    program: str | None
    digest: str
    rows: int
    catalog: dict[str, int] = field(default_factory=dict)
    observations: dict[str, int] = field(default_factory=dict)
    revisions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ImportReport:
    """What one import run did, per package; ``changed`` is False when the store was left as it was."""

    packages: tuple[PackageReport, ...]

    def totals(self) -> dict[str, int]:
        """Summed counts: rows read, observations new/revised/unchanged, commitment versions new, …"""
        out: dict[str, int] = {"packages": len(self.packages), "rows": sum(p.rows for p in self.packages)}
        for p in self.packages:
            for k, v in p.catalog.items():
                out[k] = out.get(k, 0) + v
            for k, v in p.observations.items():
                out[f"observations_{k}"] = out.get(f"observations_{k}", 0) + v
            for k, v in p.revisions.items():
                out[f"history_{k}"] = out.get(f"history_{k}", 0) + v
        return out

    @property
    def changed(self) -> bool:
        t = self.totals()
        return any(v for k, v in t.items() if k not in ("packages", "rows") and not k.endswith("_unchanged"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "packages": [p.to_dict() for p in self.packages],
            "totals": self.totals(),
            "changed": self.changed,
        }


def _stats(obj: Any) -> dict[str, int]:
    if obj is None:
        return {}
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return {k: int(v) for k, v in data.items() if isinstance(v, (int, float))}


def _counted(plan: ImportPlan, planned: PlannedPackage, progress: Progress) -> Iterator[pl.DataFrame]:
    for batch in plan.batches(planned):
        progress("write", batch.height)
        yield batch


def _write(conn: Any, plan: ImportPlan, now: datetime, progress: Progress) -> list[PackageReport]:
    reports = []
    for planned in plan.packages:
        catalog = write_package(conn, planned.package, now=now)
        history = None
        if planned.has_revisions:
            history = store_observations.merge_revisions(conn, plan.batches(planned, "revisions"), now=now)

        merged = store_observations.merge_observations(
            conn, _counted(plan, planned, progress), reason=f"import {planned.digest}", now=now
        )
        report = PackageReport(
            planned.files.name,
            planned.code,
            planned.digest,
            planned.rows,
            _stats(catalog),
            _stats(merged),
            _stats(history),
        )
        reports.append(report)
        if ImportReport((report,)).changed:
            record_import(
                conn, package_hash=planned.digest, program=planned.code, summary=report.to_dict(), now=now
            )
    return reports


@dataclass(frozen=True)
class ImportJob:
    """One import request, frozen: the package paths and the time stamped on rows without ``as_of``."""

    paths: tuple[str, ...]
    now: datetime

    @classmethod
    def of(cls, paths: Sequence[str | Path], now: datetime | None = None) -> ImportJob:
        """Freeze ``paths`` (at least one) and ``now`` (default: current UTC time, naive)."""
        if not paths:
            raise ValidationError(Problem("<paths>", None, None, "", Expected("expected.paths")))
        return cls(tuple(str(p) for p in paths), now or datetime.now(UTC).replace(tzinfo=None))

    def to_dict(self) -> dict[str, Any]:
        return {"paths": list(self.paths), "now": self.now.isoformat()}


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Validate, then import every package under ``paths`` in one transaction.

    Parameters
    ----------
    store
        An open :class:`natije.store.Store`.
    paths
        Package folders or zips, or folders holding several of them.
    progress
        Called as ``progress(phase, rows)`` after each batch (``phase`` is ``"validate …"`` or ``"write"``).
    now
        Time recorded for rows without ``as_of`` (default: current UTC time).

    Raises
    ------
    ValidationError
        Listing every problem found (file, row, column, value, expected); the store is left untouched.

    Imports running at the same time (other processes, other machines on one PostgreSQL) wait for each
    other's write transaction (see :meth:`natije.store.Store.transaction`), so shared agencies, sources and
    territories are written once, by whichever comes first.
    """
    job = ImportJob.of(paths, now)
    ensure_store(store)  # the first import creates the store: schema and built-in territories
    progress = progress or (lambda phase, rows: None)
    with store.connect() as conn:
        catalog = lookup_catalog(conn)
    plan = prepare(job.paths, catalog, progress=progress)
    key = signing_key(store)
    try:
        with store.transaction() as conn:
            reports = _write(conn, plan, job.now, progress)
            changed = [r.program for r in reports if ImportReport((r,)).changed]
            if changed:  # the present views it changes, stored with it or not at all
                snapshots.refresh(conn, changed, monitoring.today())
            if ImportReport(tuple(reports)).changed and key is not None:
                checkpoint_in(conn, key)  # the log as this import leaves it, signed with it
    finally:
        plan.close()
    return ImportReport(tuple(reports))


@dataclass(frozen=True)
class ExportReport:
    """Files written by :func:`export_program` and their row counts."""

    program: str
    directory: str
    files: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _closure(codes: set[str], territories: dict[str, Any]) -> set[str]:
    """``codes`` plus every parent and successor they lead to (an import must be able to resolve them)."""
    out: set[str] = set()
    todo = [c for c in codes if c in territories]
    while todo:
        code = todo.pop()
        if code in out:
            continue
        out.add(code)
        t = territories[code]
        todo.extend(c for c in ((t.parent,) if t.parent else ()) + t.successors if c in territories)
    return out


def export_program(store: Store, code: str, directory: str | Path) -> ExportReport:
    """Write program ``code`` as a package into ``directory`` (created if needed).

    The package holds ``program.yaml`` (every commitment version), ``observations.csv`` (current values,
    ``as_of`` = when each became known), ``revisions.csv`` (the full history, when any value was revised) and
    the territories it uses. Deterministic: the same store gives the same bytes.

    Raises
    ------
    NotFound
        When no program has this code.
    """
    out = Path(directory)
    files: dict[str, int] = {}
    with store.connect() as conn:
        package = get_package(conn, code)
        out.mkdir(parents=True, exist_ok=True)
        reference = get_reference_package(conn)
        catalog = lookup_catalog(conn)
        used = {c.territory for c in package.commitments if c.territory}
        sources = {s.code for s in package.sources} | {i.source for i in package.indicators if i.source}
        sources |= {b.source for b in package.budgets if b.source}

        def observations() -> Iterator[pl.DataFrame]:
            for batch in iter_observations(conn, program=code):
                used.update(batch["territory"].unique().to_list())
                sources.update(s for s in batch["source"].unique().to_list() if s)
                yield batch.rename({"recorded_at": "as_of"}) if "as_of" not in batch.columns else batch

        files["observations.csv"] = write_csv_stream(
            out / "observations.csv", observations(), OBSERVATION_COLUMNS, ("as_of",)
        )
        files["revisions.csv"] = write_csv_stream(
            out / "revisions.csv", iter_revisions(conn, program=code), REVISION_COLUMNS, ("recorded_at",)
        )
    if files["revisions.csv"] <= files["observations.csv"]:
        (out / "revisions.csv").unlink()  # no value was ever revised: the observations say everything
        del files["revisions.csv"]
    if files["observations.csv"] == 0:
        (out / "observations.csv").unlink()
        del files["observations.csv"]
    terr = {t.code: t for t in reference.territories} | {t.code: t for t in catalog.territories.values()}
    keep = _closure(used, terr)
    if keep:
        territories_frame(terr[c] for c in keep).write_csv(out / "territories.csv", line_terminator="\n")
        files["territories.csv"] = len(keep)
        changes = [c for c in reference.territory_changes if c.source in keep and set(c.shares) <= keep]
        if changes:
            changes_frame(changes).write_csv(out / "territory_changes.csv", line_terminator="\n")
            files["territory_changes.csv"] = len(changes)
    all_sources = {s.code: s for s in package.sources} | {
        c: catalog.sources[c] for c in sources if c in catalog.sources
    }
    package = dataclasses.replace(package, sources=tuple(all_sources.values()))
    (out / "program.yaml").write_text(program_yaml_text(package), encoding="utf-8", newline="\n")
    files["program.yaml"] = 1
    return ExportReport(code, str(out), dict(sorted(files.items())))
