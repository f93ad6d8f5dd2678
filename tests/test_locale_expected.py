"""Every expected-text message key the code uses exists in the Kazakh, Russian and English catalogs."""

from __future__ import annotations

import re
from pathlib import Path

from natije.domain.periods import Frequency
from natije.errors import Expected, Problem, choice
from natije.locale import LANGUAGES, catalog, t

SRC = Path(__file__).resolve().parents[1] / "src" / "natije"
LITERAL = re.compile(r"""["'](expected\.[A-Za-z0-9_.{}]+)["']""")
# keys built at run time from a literal with a placeholder: every value the placeholder takes
EXPANSIONS = {
    "expected.frequency_{}": [f.value for f in Frequency],
    "expected.declared_{what}": ["agency", "source", "indicator", "territory"],
}


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        for literal in LITERAL.findall(path.read_text(encoding="utf-8")):
            if "{" not in literal:
                keys.add(literal)
                continue
            assert literal in EXPANSIONS, (
                f"{path}: dynamic key {literal!r} needs its values listed in EXPANSIONS"
            )
            head = literal[: literal.index("{")]
            keys.update(head + value for value in EXPANSIONS[literal])
    return keys


def test_every_expected_key_in_the_code_exists_in_all_catalogs() -> None:
    used = _used_keys()
    assert len(used) > 40  # the scan found the call sites
    for lang in LANGUAGES:
        missing = sorted(used - set(catalog(lang)))
        assert not missing, f"{lang}: {missing}"


def test_every_expected_key_in_the_catalogs_is_used() -> None:
    stale = sorted(k for k in catalog("en") if k.startswith("expected.") and k not in _used_keys())
    assert not stale


def test_problem_keeps_english_expected_and_the_key_to_translate_it() -> None:
    p = Problem("a.csv", 3, "value", "77 %", Expected("expected.number"), code="not_a_number")
    assert type(p.expected) is str and p.expected.startswith("a number such as 12.5")
    assert p.extra == {"key": "expected.number", "params": {}}
    assert p.to_dict()["key"] == "expected.number" and p.to_dict()["expected"] == p.expected
    assert p.expected_in("ru").startswith("число") and p.expected_in("kk").startswith("сан")
    plain = Problem("a.csv", None, None, "x", "something")
    assert plain.expected_in("ru") == "something" and "key" not in plain.to_dict()


def test_parameters_are_formatted_in_every_language() -> None:
    e = Expected("expected.unit_compatible", unit="%", indicator="DK.X")
    assert str(e) == "a unit compatible with '%', the unit of indicator DK.X"
    for lang in LANGUAGES:
        assert "DK.X" in t(e.key, lang, **e.params)
    assert str(choice("table", "json", "csv")) == "table, json or csv"


def test_schema_descriptions_of_a_fields_form_have_message_keys() -> None:
    from natije.ingest.program_yaml import DESCRIBED

    schema = (SRC / "ingest" / "schema" / "program.schema.json").read_text(encoding="utf-8")
    forms = set(re.findall(r'"description": "([a-z][^"]*)"', schema))  # lower-case: a field's form, not prose
    assert forms and forms <= set(DESCRIBED), sorted(forms - set(DESCRIBED))
