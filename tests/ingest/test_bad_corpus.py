"""The bad-input corpus (tests/data/bad): each defect is reported exactly, and the store is left as it was."""

from __future__ import annotations

import json

import pytest

from natije.errors import ValidationError
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import BAD, GOOD, dump

CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def test_corpus_has_one_case_per_error_type() -> None:
    codes = [json.loads((BAD / c / "expected.json").read_text(encoding="utf-8"))["code"] for c in CASES]
    assert len(CASES) >= 20
    for needed in (
        "unknown_indicator",
        "unknown_territory",
        "unit_mismatch",
        "not_a_number",
        "duplicate_key",
        "outside_span",
        "frequency",
        "territory_not_valid",
        "encoding",
        "empty",
        "unknown_source",
        "missing_column",
        "unknown_column",
        "period",
        "schema",
        "yaml",
    ):
        assert needed in codes


@pytest.mark.parametrize("case", CASES)
def test_bad_package_is_refused_naming_file_row_column_and_store_is_unchanged(
    store: Store, case: str
) -> None:
    import_paths(store, [GOOD])
    before = dump(store)
    expected = json.loads((BAD / case / "expected.json").read_text(encoding="utf-8"))
    with pytest.raises(ValidationError) as info:
        import_paths(store, [BAD / case])
    problems = info.value.problems
    assert [p.code for p in problems] == [expected["code"]], [p.describe() for p in problems]
    problem = problems[0]
    assert problem.file == expected["file"]
    assert problem.row == expected["row"]
    assert problem.column == expected["column"]
    assert expected["expected"] in problem.expected
    assert expected["file"] in info.value.message and expected["expected"] in info.value.message
    assert dump(store) == before
