"""Build the Kazakhstan demo packages shipped in ``src/natije/demo/data`` from ``../shared/data/kz``.

Entry point: :func:`build`. The curated facts (names, legal acts, targets and the documents that set them)
live in ``specs/``; the numbers come from the shared files, read by :mod:`demo_build.readers`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from demo_build import attribution, geo, outcomes, packages, readers, territories
from demo_build.writers import OBSERVATION_HEADER, sort_observations, write_csv, write_yaml

SPECS = Path(__file__).parent / "specs"
LINEAGE = ("IK2020", "DK2018", "TB2021", "AI2023")
FORMAT = "natije-program/1"


def _load(name: str) -> Any:
    return yaml.safe_load((SPECS / name).read_text(encoding="utf-8"))


def _sources(catalogue: list[dict[str, Any]], used: set[str]) -> list[dict[str, Any]]:
    known = {s["code"] for s in catalogue}
    if used - known:
        raise ValueError(f"sources used but not in specs/sources.yaml: {sorted(used - known)}")
    return [s for s in catalogue if s["code"] in used]


def _agencies(codes: list[str]) -> list[dict[str, Any]]:
    return [a for a in _load("agencies.yaml") if a["code"] in codes]


def _observations(
    shared: Path,
    program: str,
    declared: list[dict[str, Any]],
    spec_items: list[dict[str, Any]],
    shares: dict[str, dict[str, float]],
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for decl, item in zip(declared, spec_items):
        for entry in item.get("data", []):
            found = packages.data_rows(shared, program, decl["code"], decl["unit"], entry, shares)
            start = entry.get("from", decl["span"]["from"])
            rows.extend(r for r in found if packages.in_span(r, {"from": start, "to": decl["span"]["to"]}))
    for row in rows:
        if not row["as_of"]:
            row["as_of"] = readers.known_by(row["source"], int(row["period"][:4]))
    return sort_observations(rows)


def build_reference(shared: Path, out: Path) -> dict[str, dict[str, float]]:
    """Write ``reference/``; return the reform shares (old code → successor → share)."""
    spec, catalogue = _load("reference.yaml"), _load("sources.yaml")
    target = out / "reference"
    population = territories.population_rows(shared)
    changes = territories.change_rows(population)
    write_csv(target / "territories.csv", territories.HEADER, territories.territory_rows(shared))
    write_csv(
        target / "territory_changes.csv", ["day", "kind", "source", "target", "share", "basis"], changes
    )
    declared = [{k: v for k, v in ind.items() if k != "data"} for ind in spec["indicators"]]
    rows = _observations(shared, "", declared, spec["indicators"], {})
    write_csv(target / "observations.csv", OBSERVATION_HEADER, rows)
    used = {r["source"] for r in rows} | {d["source"] for d in declared} | {"geokz"}
    write_yaml(
        target / "program.yaml",
        {
            "format": FORMAT,
            "agencies": _agencies(spec["agencies"]),
            "sources": _sources(catalogue, used),
            "indicators": declared,
        },
    )
    for year, valid in ((2018, "2018-06-19 to 2022-06-08"), (2024, "from 2022-06-08")):
        geo.simplify_file(
            shared / "geo" / "geokz_shapes" / f"kaz_admbnda_adm1_{year}",
            target / "geo" / f"regions_{year}.geojson",
            valid,
        )
    return territories.split_shares(changes)


def build_program(shared: Path, out: Path, code: str, shares: dict[str, dict[str, float]]) -> None:
    """Write ``programs/<code>/`` (``program.yaml`` and ``observations.csv``)."""
    spec, catalogue = _load(f"{code}.yaml"), _load("sources.yaml")
    declared = packages.indicator_entries(spec, _load("indicators.yaml"))
    rows = _observations(shared, code, declared, spec["indicators"], shares)
    budgets = packages.budget_lines(code, spec.get("budgets", {}))
    codes = {d["code"] for d in declared}
    for c in spec["commitments"]:
        if c["indicator"] not in codes:
            raise ValueError(f"{code}: commitment on undeclared indicator {c['indicator']}")
    used = {r["source"] for r in rows} | {d["source"] for d in declared} | {b["source"] for b in budgets}
    used |= set(spec.get("also_cites", []))  # sources named only in commitment documents
    document = {
        "format": FORMAT,
        "agencies": _agencies(spec["agencies"]),
        "sources": _sources(catalogue, used),
        "program": spec["program"],
        "indicators": declared,
        "commitments": spec["commitments"],
        "budgets": budgets,
    }
    write_yaml(out / "programs" / code / "program.yaml", document)
    write_csv(out / "programs" / code / "observations.csv", OBSERVATION_HEADER, rows)


def build(shared: Path, out: Path) -> list[Path]:
    """Build every demo package from ``shared`` into ``out``; return the files written, sorted."""
    shares = build_reference(shared, out)
    for code in LINEAGE:
        build_program(shared, out, code, shares)
    # not a package: the cohort file `natije evaluation run --cohort-file` takes for the planted fibre effect
    write_csv(
        out / "evaluations" / "fibre_cohorts.csv", ["territory", "first_period"], outcomes.cohort_rows(shares)
    )
    attribution.check_facts(shared, out)
    attribution.write(out.parent / "ATTRIBUTION.md", out)
    return sorted(p for p in out.rglob("*") if p.is_file())
