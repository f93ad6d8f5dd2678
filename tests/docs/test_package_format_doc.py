"""docs/package-format.md and the code agree: every field of the JSON Schema, every CSV column, every choice.

The field reference ("Fields of `program.yaml`") has one table per object of ``program.schema.json``. The
schema is walked at every nesting level (following ``$ref``; ``names`` is one shared table; a recursive object
such as a task is described once), and each object's properties must be exactly the fields of its table, with
the same required ones, every allowed value and every default. The CSV sections are checked against the
readers' column specs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from doc_text import Row, blocks, code_spans, field_tables, read, section, tables

from natije.domain import units
from natije.domain.observations import ObservationStatus
from natije.domain.territories import ChangeKind, TerritoryLevel
from natije.ingest.export import REVISION_COLUMNS
from natije.ingest.package import (
    CHANGES_FILE,
    OBSERVATION_PREFIX,
    OBSERVATION_SUFFIXES,
    PROGRAM_FILE,
    REVISIONS_FILE,
    TERRITORIES_FILE,
)
from natije.ingest.program_yaml import program_schema
from natije.ingest.readers import (
    OBSERVATIONS,
    REVISIONS,
    TERRITORIES,
    TERRITORY_CHANGES,
    TableSpec,
    supported_extensions,
)

DOC = read("package-format.md")
FIELDS = field_tables(section(DOC, "Fields of `program.yaml`"))
SHARED = {"names"}  # defs described once, under their own name, wherever they are used


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    name = None
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = defs[name]
    return name, node


def schema_objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Doc table key (``indicators[].ratio``; '' = top level) → the object schema found there."""
    defs = schema["$defs"]
    out: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()

    def visit(path: str, node: dict[str, Any], def_name: str | None) -> None:
        if def_name is not None:
            if def_name in seen:
                return
            seen.add(def_name)
        out[def_name if def_name in SHARED else path] = node
        for prop, sub in node.get("properties", {}).items():
            child = f"{path}.{prop}" if path else prop
            name, target = _resolve(sub, defs)
            # a list of objects is walked into; a tuple (prefixItems, items: false) or a list
            # of scalars is a leaf
            if target.get("type") == "array" and isinstance(target.get("items"), dict):
                name, target = _resolve(target["items"], defs)
                child += "[]"
            if target.get("type") == "object":
                visit(child, target, name)

    visit("", schema, None)
    return out


OBJECTS = schema_objects(program_schema())
PROPERTIES = [(key, prop) for key, node in OBJECTS.items() for prop in node.get("properties", {})]


def _row(key: str, prop: str) -> Row:
    assert key in FIELDS, f"docs/package-format.md has no field table for `{key or 'top level'}`"
    rows = {r.name: r for r in FIELDS[key]}
    assert prop in rows, f"`{prop}` of `{key or 'top level'}` is accepted by the schema but not documented"
    return rows[prop]


def _conditionally_required(node: dict[str, Any]) -> set[str]:
    return set(node.get("then", {}).get("required", []))


def test_the_walk_reaches_every_level() -> None:
    # the walk itself must not silently stop early: nested, array-item and shared objects are all found
    assert {
        "",
        "program",
        "program.goals[]",
        "indicators[]",
        "indicators[].span",
        "indicators[].ratio",
        "commitments[]",
        "budgets[]",
        "sources[]",
        "agencies[]",
        "names",
    } <= set(OBJECTS)
    assert len(PROPERTIES) > 60


@pytest.mark.parametrize(("key", "prop"), PROPERTIES, ids=[f"{k or 'top'}.{p}" for k, p in PROPERTIES])
def test_every_schema_field_is_documented_with_its_rules(key: str, prop: str) -> None:
    node = OBJECTS[key]
    row = _row(key, prop)
    required = row.cells["required"]
    if prop in _conditionally_required(node):
        assert required.startswith("when "), f"{key}.{prop} is required only conditionally: say when"
    else:
        expected = "yes" if prop in node.get("required", []) else "no"
        assert required == expected, f"{key}.{prop}: schema says required={expected}, docs say {required!r}"
    _, sub = _resolve(node["properties"][prop], program_schema()["$defs"])
    spans = set(code_spans(row.cells["meaning"]))
    for value in sub.get("enum", []):
        assert str(value) in spans, f"{key}.{prop}: allowed value `{value}` is not documented"
    if "const" in sub:
        assert str(sub["const"]) in spans
    if "default" in sub:
        default = re.escape(f"`{sub['default']}`")
        assert re.search(rf"{default} \(default|default {default}", row.cells["meaning"]), (
            f"{key}.{prop}: the default `{sub['default']}` is not documented"
        )


def test_every_documented_field_is_accepted_by_the_schema() -> None:
    for key, rows in FIELDS.items():
        assert key in OBJECTS, f"docs/package-format.md documents `{key}`, which the schema does not have"
        accepted = set(OBJECTS[key].get("properties", {}))
        for row in rows:
            assert row.name in accepted, f"`{key}.{row.name}` is documented but the schema refuses it"


def test_documented_enums_list_no_value_the_schema_refuses() -> None:
    defs = program_schema()["$defs"]
    for key, prop in PROPERTIES:
        _, sub = _resolve(OBJECTS[key]["properties"][prop], defs)
        if "enum" in sub:
            row = _row(key, prop)
            listed = {s for s in code_spans(row.cells["meaning"]) if re.fullmatch(r"[a-z_]+|[AQM]", s)}
            assert listed <= {str(v) for v in sub["enum"]}, f"{key}.{prop}: {listed - set(sub['enum'])}"


def test_units_documented_are_exactly_the_known_units() -> None:
    spans = code_spans(_row("indicators[]", "unit").cells["meaning"])
    assert all(units.resolve(s) is not None for s in spans), spans
    assert set(units.known_units()) <= set(spans)
    example = next(b for b in blocks(DOC) if b.file == "program.yaml")
    comment = re.search(r'unit: "%"\s+#\s*(.*)', example.text)
    assert comment is not None
    assert [u.strip() for u in comment.group(1).split(",")] == sorted(units.known_units(), key=spans.index)


# -- CSV files ---------------------------------------------------------------------------------------------


def _columns(rows: list[Row]) -> dict[str, str]:
    return {r.name: r.cells["required"] for r in rows}


def _spec(spec: TableSpec) -> dict[str, str]:
    return {**{c: "yes" for c in spec.required}, **{c: "no" for c in spec.optional}}


def _table_with(body: str, name: str) -> list[Row]:
    """The first table of ``body`` that has a row for ``name`` (other tables may come and go around it)."""
    found = [rows for rows in tables(body) if any(r.name == name for r in rows)]
    assert found, f"no table with a row for `{name}`"
    return found[0]


def _choices(rows: list[Row], name: str) -> set[str]:
    return set(code_spans(next(r for r in rows if r.name == name).cells["meaning"]))


def test_observation_columns_are_the_readers_columns() -> None:
    rows = _table_with(section(DOC, "`observations.csv` (and `.xlsx`, `.parquet`)"), "indicator")
    assert _columns(rows) == _spec(OBSERVATIONS)
    assert _choices(rows, "status") == {s.value for s in ObservationStatus}


def test_revision_columns_are_the_readers_and_the_writers() -> None:
    body = section(DOC, "`revisions.csv`")
    rows = _table_with(body, "recorded_at")
    assert _columns(rows) == _spec(REVISIONS)
    assert tuple(code_spans(body)[0].split(",")) == REVISION_COLUMNS


def test_reference_csv_columns_are_the_readers_with_documented_choices() -> None:
    body = section(DOC, "`territories.csv` and `territory_changes.csv`")
    territories, changes = _table_with(body, "level"), _table_with(body, "share")
    assert _columns(territories) == _spec(TERRITORIES)
    assert _columns(changes) == _spec(TERRITORY_CHANGES)
    assert _choices(territories, "level") == {v.value for v in TerritoryLevel}
    assert _choices(changes, "kind") == {v.value for v in ChangeKind}
    headers = {b.file: b.text.splitlines()[0].split(",") for b in blocks(body)}
    assert set(headers["territories.csv"]) == set(TERRITORIES.columns)
    assert set(headers["territory_changes.csv"]) == set(TERRITORY_CHANGES.columns)


def test_the_package_files_are_the_ones_import_reads() -> None:
    intro = DOC[: DOC.index("## `program.yaml`")]
    rows = _table_with(intro, PROGRAM_FILE)
    names = {r.name for r in rows}
    observations = next(r for r in rows if r.name.startswith(OBSERVATION_PREFIX))
    assert names - {observations.name} == {PROGRAM_FILE, REVISIONS_FILE, TERRITORIES_FILE, CHANGES_FILE}
    suffixes = {s.rsplit(".", 1)[-1] for s in code_spans(observations.cells["file"]) if "." in s}
    assert {f".{s}" for s in suffixes} == set(OBSERVATION_SUFFIXES) == set(supported_extensions())


def test_choices_listed_in_the_example_comments_are_the_schemas() -> None:
    # "kind: stock  # periodic | cumulative | stock": the comment lists every choice of that field, no other
    defs = program_schema()["$defs"]
    enums: dict[str, list[set[str]]] = {}
    for node in OBJECTS.values():
        for prop, sub in node.get("properties", {}).items():
            values = _resolve(sub, defs)[1].get("enum")
            if values:
                enums.setdefault(prop, []).append({str(v) for v in values})
    example = next(b for b in blocks(DOC) if b.file == "program.yaml")
    listed = re.findall(r"^\s*-?\s*(\w+): [^#\n]*#\s*(\w+(?: \| \w+)+)", example.text, re.MULTILINE)
    assert len(listed) >= 5
    for field, comment in listed:
        choices = {c.strip() for c in comment.split("|")}
        assert choices in enums.get(field, []), f"{field}: {sorted(choices)} is not the schema's list"
