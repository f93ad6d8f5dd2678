"""Fixtures over the shipped demo packages: parsed YAML and observation rows, read once per session."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from natije.demo import PROGRAMS, demo_paths


@dataclass(frozen=True)
class DemoPackage:
    """One demo package folder with its ``program.yaml`` and observation rows."""

    path: Path
    doc: dict[str, Any]
    rows: list[dict[str, str]]

    @property
    def code(self) -> str:
        return self.doc["program"]["code"] if "program" in self.doc else "reference"

    def sources(self) -> dict[str, dict[str, Any]]:
        return {s["code"]: s for s in self.doc.get("sources", [])}

    def indicators(self) -> dict[str, dict[str, Any]]:
        return {i["code"]: i for i in self.doc.get("indicators", [])}

    def national(self, indicator: str) -> dict[str, float]:
        """``{period: value}`` of an indicator for the whole country."""
        return {
            r["period"]: float(r["value"])
            for r in self.rows
            if r["indicator"] == indicator and r["territory"] == "000000000"
        }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def demo() -> dict[str, DemoPackage]:
    """Every demo package by code (``reference``, ``IK2020`` …)."""
    out = {}
    for path in demo_paths():
        doc = yaml.safe_load((path / "program.yaml").read_text(encoding="utf-8"))
        package = DemoPackage(path, doc, read_csv(path / "observations.csv"))
        out[package.code] = package
    assert list(out) == ["reference", *PROGRAMS]
    return out


@pytest.fixture(scope="session")
def territories(demo: dict[str, DemoPackage]) -> dict[str, dict[str, str]]:
    """Rows of the reference ``territories.csv`` by KATO code."""
    return {r["code"]: r for r in read_csv(demo["reference"].path / "territories.csv")}
