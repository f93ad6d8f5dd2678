"""PyYAML's syntax errors as problems a person can act on: line, position in the line, what was expected.

PyYAML describes an error in English (``mapping values are not allowed here``) with a mark (0-based line and
column) and, for errors that span text, a second mark where the construct began. :func:`yaml_problem` matches
the English description against one table of kinds and returns an :class:`~natije.errors.Expected` whose
``expected.yaml_<kind>`` text exists in every catalog; a description the table does not know still gets
``expected.yaml_syntax``, which names the position too.

Examples
--------
>>> import yaml
>>> from natije.ingest.yaml_source import load_yaml
>>> text = "format: natije-program/1\\nname: a: b\\n"
>>> try:
...     load_yaml(text)
... except yaml.YAMLError as exc:
...     line, value, expected = yaml_problem(exc, text)
>>> line, value, expected.key, expected.params
(2, 'name: a: b', 'expected.yaml_mapping_value', {'position': 8})
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from natije.errors import Expected


@dataclass(frozen=True)
class _Kind:
    """One class of PyYAML error: its description (``problem``), and whether it is named where it began."""

    key: str
    problem: re.Pattern[str]
    at_start: bool = False  # unclosed quotes and brackets: the end of the file says nothing, the opening does


def _kind(key: str, pattern: str, at_start: bool = False) -> _Kind:
    return _Kind(key, re.compile(pattern), at_start)


# First match wins; every kind's key exists in kk, ru and en (tests/ingest/test_yaml_errors.py checks).
KINDS: tuple[_Kind, ...] = (
    _kind("expected.yaml_tab", r"found character '\\t' that cannot start any token|tab character"),
    _kind("expected.yaml_bad_start", r"found character .* that cannot start any token"),
    _kind("expected.yaml_colon", r"could not find expected ':'"),
    _kind("expected.yaml_mapping_value", r"mapping values are not allowed here"),
    _kind(
        "expected.yaml_unclosed_quote", r"found unexpected (end of stream|document separator)", at_start=True
    ),
    _kind("expected.yaml_unclosed_sequence", r"expected ',' or '\]'", at_start=True),
    _kind("expected.yaml_unclosed_mapping", r"expected ',' or '\}'", at_start=True),
    _kind("expected.yaml_after_quoted", r"expected <block end>, but found '<scalar>'"),
    _kind(
        "expected.yaml_indent",
        r"expected <block end>|sequence entries are not allowed|mapping keys are not allowed|"
        r"invalid indentation",
    ),
    _kind("expected.yaml_escape", r"unknown escape character|escape sequence"),
    _kind("expected.yaml_one_document", r"another document|expected '<document start>'"),
    _kind("expected.yaml_alias", r"undefined alias|alphabetic or numeric character"),
    _kind("expected.yaml_tag", r"constructor for the tag|tag handle|non-specific tag"),
    _kind("expected.yaml_key", r"unhashable key"),
)
FALLBACK = "expected.yaml_syntax"
CONTROL = "expected.yaml_control_character"


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    shown = lines[line].strip() if 0 <= line < len(lines) else ""
    return shown if len(shown) <= 60 else shown[:57] + "..."


def yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str, Expected]:
    """The 1-based line, the text of that line and what was expected, for a PyYAML error raised on ``text``.

    The expected-text names the 1-based position in the line (``position``), so the line, the column and the
    kind of mistake reach the user in their language.
    """
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, found before any parsing
        before = text[: exc.position]
        line = before.count("\n")
        position = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return line + 1, _line_text(text, line), Expected(CONTROL, position=position, code=f"U+{char:04X}")
    problem = str(getattr(exc, "problem", None) or exc)
    kind = next((k for k in KINDS if k.problem.search(problem)), None)
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    if kind is not None and kind.at_start and opened is not None:
        mark = opened
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    return line + 1, _line_text(text, line), Expected(kind.key if kind else FALLBACK, position=column + 1)
