"""Parse and validate ``program.yaml`` into a domain :class:`~natije.domain.package.ProgramPackage`.

Two layers of checks, all problems collected in one run: the JSON Schema shipped in ``schema/`` (shape,
types, enumerations) and the domain rules (known units, parseable periods and dates, unique codes, goals
that exist, one commitment entry per key and decision date). Every problem names the YAML line and the
field path (``indicators[2].unit``). References to codes that may live in the store are checked later
(:mod:`natije.ingest.references`).

Examples
--------
>>> parsed = parse_program_yaml(b"format: natije-program/1\\n", "pkg/program.yaml", ProblemLog())
>>> parsed.package.program is None
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

from natije.domain.package import ProgramPackage
from natije.errors import Expected
from natije.ingest.build_objects import Builder
from natije.ingest.problems import ProblemLog
from natije.ingest.yaml_errors import yaml_problem
from natije.ingest.yaml_source import Path, YamlDocument, YamlTooLarge, dotted, load_yaml

FORMAT = "natije-program/1"
# the schema's own descriptions of a field's form, as message keys (looked up by their English text)
DESCRIBED = {
    str(e): e
    for e in (
        Expected("expected.period"),
        Expected("expected.kato_code"),
        Expected("expected.web_address", example="https://stat.gov.kz/"),
        Expected("expected.code_pattern"),
        Expected("expected.date_example", example="2017-12-12"),
        Expected("expected.currency"),
        Expected("expected.names", example="{kk: ..., ru: ..., en: ...}"),
        Expected("expected.range_pair"),
        Expected("expected.text_or_names", example="{kk: ..., ru: ..., en: ...}"),
    )
}


@lru_cache(maxsize=1)
def program_schema() -> dict[str, Any]:
    """The JSON Schema of ``program.yaml`` (shipped as ``natije/ingest/schema/program.schema.json``)."""
    text = resources.files("natije.ingest").joinpath("schema/program.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@dataclass
class ParsedProgram:
    """A parsed ``program.yaml``: the package, where it came from, and the YAML path of every object."""

    package: ProgramPackage
    label: str
    doc: YamlDocument
    origins: dict[str, list[Path]] = field(default_factory=dict)

    def declared(self, section: str) -> set[str]:
        """Codes the YAML declares in ``section`` (``indicators``, ``sources``,
        ``agencies``), valid or not."""
        items = self.doc.data.get(section) if isinstance(self.doc.data, dict) else None
        return {it["code"] for it in items or [] if isinstance(it, dict) and isinstance(it.get("code"), str)}

    def line(self, path: Path) -> int | None:
        return self.doc.line(path)


def _expected(err: jsonschema.ValidationError) -> tuple[Path, str, Any]:
    """(field path, what was expected, the offending value) for one schema error."""
    path: Path = tuple(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    described = schema.get("description")
    v = err.validator
    if v == "required":
        m = re.match(r"'(.+?)' is a required property", err.message)
        name = m.group(1) if m else "?"
        return path + (name,), Expected("expected.field_required", name=name), None
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed] if isinstance(err.instance, dict) else []
        return (
            path + (extra[0] if extra else "?",),
            Expected("expected.only_fields", fields=", ".join(allowed)),
            (extra[0] if extra else None),
        )
    if v == "enum":
        return (
            path,
            Expected("expected.one_of", values=", ".join(str(x) for x in err.validator_value)),
            err.instance,
        )
    if v == "const":
        return path, Expected("expected.exactly", value=repr(err.validator_value)), err.instance
    if v == "type" and path and path[-1] == "territory" and isinstance(err.instance, (int, float)):
        return path, Expected("expected.kato_quoted"), err.instance
    if v in ("type", "pattern", "minItems", "maxItems", "items", "oneOf") and described:
        return path, DESCRIBED.get(str(described), str(described)), err.instance
    if v == "type":
        kinds = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return path, Expected("expected.type", types=", ".join(map(str, kinds))), err.instance
    if v in ("minimum", "maximum", "exclusiveMinimum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">"}[v]
        return path, Expected("expected.number_bound", sign=sign, bound=err.validator_value), err.instance
    if v == "minLength":
        return path, Expected("expected.non_empty"), err.instance
    if v == "uniqueItems":
        return path, Expected("expected.unique_items"), err.instance
    return path, err.message, err.instance


def _short(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:77] + "..."
    return value


def parse_program_yaml(raw: bytes, label: str, log: ProblemLog) -> ParsedProgram | None:
    """Parse ``program.yaml`` bytes; every problem goes to ``log``. ``None`` when unreadable."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        log.add(label, line, None, raw[exc.start : exc.start + 20], Expected("expected.utf8"), "encoding")
        return None
    try:
        doc = load_yaml(text)
    except YamlTooLarge as exc:  # shown: how the offending line starts
        start = text.splitlines()[exc.line - 1][:60].strip() if exc.line <= text.count("\n") + 1 else ""
        log.add(label, exc.line, None, start, exc.expected, "too_large")
        return None
    except yaml.YAMLError as exc:
        line, shown, syntax = yaml_problem(exc, text)
        log.add(label, line, None, shown, syntax, "yaml")
        return None
    if not isinstance(doc.data, dict):
        log.add(label, 1, None, _short(doc.data), Expected("expected.yaml_mapping", format=FORMAT), "yaml")
        return None
    for path, line in doc.duplicates:
        log.add(label, line, dotted(path), path[-1], Expected("expected.field_once"), "duplicate_field")
    bad: set[Path] = set()
    bad_fields: set[Path] = set()
    validator = jsonschema.Draft202012Validator(program_schema())
    for err in sorted(validator.iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path]):
        path, expected, value = _expected(err)
        log.add(label, doc.line(path), dotted(path), _short(value), expected, "schema")
        bad.add(tuple(err.absolute_path)[:2])
        bad_fields.add(tuple(err.absolute_path))
    builder = Builder(doc, label, log, bad, bad_fields)
    package, origins = builder.build(doc.data)
    return ParsedProgram(package, label, doc, origins)
