"""docs/ledger.md says what the code does: entry fields, type tags, the worked example, proof file fields and
the verifier's failure reasons."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from natije.ledger import verify
from natije.ledger.canonical import encode_value

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end > 0 else None]


def test_the_entry_fields_are_the_codes() -> None:
    table = re.findall(r"^\| `(\w+)` \|", _section("Entries"), flags=re.MULTILINE)
    assert tuple(sorted(table)) == verify.ENTRY_FIELDS
    assert "`4E 4A 45 01`" in DOC and verify.ENTRY_HEADER == bytes.fromhex("4E4A4501")


def test_the_type_tags_are_the_codes() -> None:
    row = re.compile(r"^\| (\w[\w /]*?) \| `(\w)` \(`[0-9A-F]{2}`\)", flags=re.MULTILINE)
    rows = dict(row.findall(_section("Entries")))
    tags = {
        "null": verify.NULL,
        "integer": verify.INT,
        "float": verify.FLOAT,
        "decimal": verify.DECIMAL,
        "string": verify.STRING,
        "bytes": verify.BYTES,
        "date": verify.DATE,
        "datetime": verify.DATETIME,
        "list": verify.LIST,
        "map": verify.MAP,
        "false / true": verify.FALSE,
    }
    assert {name: tag.encode() for name, tag in rows.items()} == tags
    assert "(`46`) / `T` (`54`)" in DOC and verify.TRUE == b"T"
    for tag, hex_code in re.findall(r"`(\w)` \(`([0-9A-F]{2})`\)", DOC):
        assert tag.encode().hex().upper() == hex_code


def test_the_worked_example_is_the_encoding() -> None:
    block = re.search(r"```\n(4D [0-9A-F ]+)\n```", DOC)
    assert block is not None
    assert bytes.fromhex(block.group(1).replace(" ", "")) == encode_value({"b": Decimal("1.50"), "a": None})


def test_the_proof_files_have_the_fields_shown() -> None:
    shown = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", DOC, flags=re.DOTALL)]
    made = [
        verify.InclusionProof(30, 11, b"", ()).to_json(),
        verify.ConsistencyProof(13, 30, ()).to_json(),
    ]
    assert [sorted(s) for s in shown] == [sorted(json.loads(m)) for m in made]
    assert [s["format"] for s in shown] == [verify.INCLUSION_FORMAT, verify.CONSISTENCY_FORMAT]


def test_the_failure_reasons_are_the_codes() -> None:
    listed = re.findall(r"`(\w+)` \(", _section("The verifier"))
    assert tuple(listed) == verify.REASONS


def test_the_logged_tables_and_keys_are_the_codes() -> None:
    from natije.store.ledger_views import VIEWS

    rows = re.findall(r"^\| (`[^|]+`) \| (`[^|]+`) \|", _section("natije's log"), flags=re.MULTILINE)
    documented = {
        table: tuple(re.findall(r"`(\w+)`", keys))
        for tables, keys in rows
        for table in re.findall(r"`(\w+)`", tables)
    }
    assert documented == {name: view.key for name, view in VIEWS.items()}
