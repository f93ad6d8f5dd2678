"""A malformed program.yaml is reported with its line,
the position in the line and what was expected, in kk/ru/en.

The table covers PyYAML's kinds of syntax error; a property test feeds arbitrary YAML-like text and checks
that every syntax problem still names a line and a position and has its text in all three catalogs.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.cli.problems import problem_line
from natije.errors import Problem
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml
from natije.ingest.yaml_errors import FALLBACK, KINDS
from natije.locale import catalog, t

HEAD = "format: natije-program/1\n"
LANGS = ("kk", "ru", "en")

# name, text after HEAD, expected key, line (1-based, HEAD is line 1), position in that line (1-based)
CASES = [
    ("colon_in_value", "name: a: b\n", "expected.yaml_mapping_value", 2, 8),
    ("value_indented_under_value", "name: a\n  sub: b\n", "expected.yaml_mapping_value", 3, 6),
    ("key_without_colon", "program:\n  code: A\n  name\n  kind: x\n", "expected.yaml_colon", 5, 3),
    ("tab_indentation", "program:\n\tcode: A\n", "expected.yaml_tab", 3, 1),
    ("value_starts_with_at", "name: @home\n", "expected.yaml_bad_start", 2, 7),
    ("value_starts_with_backtick", "name: `x`\n", "expected.yaml_bad_start", 2, 7),
    ("unclosed_double_quote", 'name: "abc\nkind: x\n', "expected.yaml_unclosed_quote", 2, 7),
    ("unclosed_single_quote", "kind: x\nname: 'abc\n", "expected.yaml_unclosed_quote", 3, 7),
    ("unclosed_bracket", "years: [2018, 2019\nkind: x\n", "expected.yaml_unclosed_sequence", 2, 8),
    ("unclosed_brace", "names: {kk: a\nkind: x\n", "expected.yaml_unclosed_mapping", 2, 8),
    ("text_after_quoted_value", 'name: "a" b\n', "expected.yaml_after_quoted", 2, 11),
    ("key_indented_less", "program:\n    code: A\n  name: b\n", "expected.yaml_indent", 4, 3),
    ("list_item_outdented", "list:\n  - a\n - b\n", "expected.yaml_indent", 4, 2),
    ("unknown_escape", 'name: "C:\\data"\n', "expected.yaml_escape", 2, 11),
    ("second_document", "---\nname: b\n", "expected.yaml_one_document", 2, 1),
    ("undefined_alias", "name: *nope\n", "expected.yaml_alias", 2, 7),
    ("python_tag", "name: !!python/object:os.system x\n", "expected.yaml_tag", 2, 7),
    ("list_as_key", "? [a]\n: 1\n", "expected.yaml_key", 2, 3),
    ("control_character", "name: a\x07b\n", "expected.yaml_control_character", 2, 8),
    ("duplicate_directive", "%YAML 1.1\n%YAML 1.1\n---\n", "expected.yaml_syntax", 3, 1),
]


def _problems(text: str) -> list[Problem]:
    log = ProblemLog()
    parse_program_yaml(text.encode(), "pkg/program.yaml", log)
    return log.items


def _latin_words(text: str) -> set[str]:
    # what a kk/ru line may hold in Latin letters: the file name, YAML, codes shown in «…» and the line itself
    plain = re.sub(r"«[^»]*»|'[^']*'|pkg/program\.yaml|U\+[0-9A-F]+|\bYAML\b", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", plain))


@pytest.mark.parametrize(("name", "body", "key", "line", "position"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("lang", LANGS)
def test_syntax_error_names_line_position_and_expectation_in_the_language(
    name: str, body: str, key: str, line: int, position: int, lang: str
) -> None:
    (problem,) = _problems(HEAD + body)
    assert problem.code == "yaml"
    assert problem.extra["key"] == key, problem.describe()
    assert problem.row == line, problem.describe()
    assert problem.extra["params"]["position"] == position, problem.describe()
    shown = problem_line(problem, lang)
    assert shown.startswith("pkg/program.yaml, " + t("problem.row", lang, row=line)), shown
    assert str(position) in shown.split(":")[-1] or f": {position})" in shown, shown
    assert t(key, lang, **problem.extra["params"]) in shown
    if lang != "en":
        assert not _latin_words(shown), (lang, shown)  # PyYAML's English never reaches a kk or ru reader


@pytest.mark.parametrize("lang", LANGS)
def test_duplicate_key_names_its_line_and_field(lang: str) -> None:
    problems = [
        p for p in _problems(HEAD + "format: natije-program/1\nprogram: x\n") if p.code == "duplicate_field"
    ]
    (problem,) = problems
    assert problem.row == 2 and problem.column == "format"
    assert t("expected.field_once", lang) in problem_line(problem, lang)


def test_every_kind_has_its_text_in_every_catalog_with_the_position() -> None:
    keys = {k.key for k in KINDS} | {FALLBACK}
    assert keys <= {c[2] for c in CASES} | {FALLBACK}, "a kind without a case in the table"
    for lang in LANGS:
        for key in keys:
            assert "{position}" in catalog(lang)[key], (lang, key)


YAMLISH = st.lists(
    st.sampled_from(list("ab: -\t\n'\"[]{},#&*!?%@`|>\\\x07") + ["  ", "\n  ", "---", "k: "]), max_size=30
).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_any_malformed_text_gets_a_line_a_position_and_a_catalog_text(body: str) -> None:
    text = HEAD + body
    log = ProblemLog()
    parse_program_yaml(text.encode(), "pkg/program.yaml", log)  # never raises, whatever the text
    for problem in (
        p for p in log.items if p.code == "yaml" and p.extra.get("key") != "expected.yaml_mapping"
    ):
        assert 1 <= problem.row <= text.count("\n") + 1
        assert problem.extra["params"]["position"] >= 1
        for lang in LANGS:
            assert problem.extra["key"] in catalog(lang)
            assert str(problem.extra["params"]["position"]) in t(
                problem.extra["key"], lang, **problem.extra["params"]
            )
