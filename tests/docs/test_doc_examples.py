"""The examples in the docs are real: every YAML/CSV block is imported into a fresh store (or, marked as a
fragment, uses only fields the format has), so the codes they show exist and they validate.

A block stands for a file when the line before it is ``<!-- file: NAME -->`` (``NAME`` may be ``pkg/NAME`` to
put it in a package folder ``pkg``); ``<!-- fragment -->`` marks a piece of a file. A block with neither
fails, so a new example cannot slip in untested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from doc_text import ROOT, Block, blocks, read

from natije.ingest.program_yaml import program_schema
from natije.ingest.readers import OBSERVATIONS, REVISIONS, TERRITORIES, TERRITORY_CHANGES
from natije.services.ingestion import import_paths
from natije.store import Store
from natije.store.reads import get_package
from natije.store.streams import iter_observations

DOCS = ["package-format.md", "results-rules.md", "cli.md", "evaluation.md", "evaluation-registry.md"]
ALL = [(name, read(name)) for name in DOCS] + [
    ("README.md", (ROOT / "README.md").read_text(encoding="utf-8"))
]
CSV_COLUMNS = {c for spec in (OBSERVATIONS, REVISIONS, TERRITORIES, TERRITORY_CHANGES) for c in spec.columns}


def _schema_keys(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        out.update(node.get("properties", {}))
        for value in node.values():
            _schema_keys(value, out)
    elif isinstance(node, list):
        for value in node:
            _schema_keys(value, out)
    return out


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def _write(root: Path, examples: list[Block]) -> list[Path]:
    """Write the file blocks under ``root``; the package folders to import
    (reference packages need no order)."""
    folders: set[Path] = set()
    for b in examples:
        assert b.file is not None
        path = root / "example" / b.file
        path.parent.mkdir(parents=True, exist_ok=True)
        assert not path.exists(), f"two examples are {b.file}"
        path.write_text(b.text, encoding="utf-8")
        folders.add(path.parent)
    return sorted(folders)


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_every_example_block_says_what_it_is(name: str, text: str) -> None:
    for b in blocks(text):
        assert b.file or b.fragment, (
            f"{name}:{b.line}: mark the block <!-- file: NAME --> or <!-- fragment -->"
        )


@pytest.mark.parametrize(("name", "text"), ALL, ids=[n for n, _ in ALL])
def test_fragments_use_only_fields_of_the_format(name: str, text: str) -> None:
    accepted = _schema_keys(program_schema(), set())
    for b in blocks(text):
        if not b.fragment:
            continue
        if b.lang == "yaml":
            unknown = _keys(yaml.safe_load(b.text)) - accepted
            assert not unknown, f"{name}:{b.line}: fields the schema does not accept: {sorted(unknown)}"
        else:
            header = set(b.text.splitlines()[0].split(","))
            assert header <= CSV_COLUMNS, f"{name}:{b.line}: unknown columns {sorted(header - CSV_COLUMNS)}"


@pytest.mark.parametrize("name", [n for n, t in ALL if any(b.file for b in blocks(t))])
def test_examples_import_into_a_fresh_store(store: Store, tmp_path: Path, name: str) -> None:
    examples = [b for b in blocks(dict(ALL)[name]) if b.file]
    report = import_paths(store, _write(tmp_path, examples))
    rows = sum(
        len(b.text.splitlines()) - 1 for b in examples if Path(b.file or "").name.startswith("observations")
    )
    assert report.totals()["observations_inserted"] == rows


def test_package_format_example_stores_what_the_doc_says(store: Store, tmp_path: Path) -> None:
    import_paths(store, _write(tmp_path, [b for b in blocks(read("package-format.md")) if b.file]))
    with store.connect() as conn:
        package = get_package(conn, "TEST2020")
        obs = pl.concat(list(iter_observations(conn, program="TEST2020")))
    # "1.2 bn KZT → 1200 mn KZT": a value given in a compatible unit is stored in the indicator's unit
    spend = obs.filter(pl.col("indicator") == "TEST2020.SPEND")
    assert spend["value"].to_list() == [1200.0]
    # the source defaults to the indicator's; two entries for one key are two versions in decision order
    assert obs.filter(pl.col("indicator") == "TEST2020.INTERNET")["source"].unique().to_list() == ["stat"]
    versions = sorted(
        (c.version, c.value)
        for c in package.commitments
        if c.indicator == "TEST2020.INTERNET" and c.kind.value == "target"
    )
    assert versions == [(1, 82.0), (2, 85.0)]
