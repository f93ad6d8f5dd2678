"""program.yaml: schema and domain rules, every problem with its line and field path; versions numbered."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from natije.ingest.export import program_yaml_text
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml, program_schema

from .conftest import GOOD


def _parse(text: str) -> tuple[object, ProblemLog]:
    log = ProblemLog()
    return parse_program_yaml(text.encode(), "p/program.yaml", log), log


def test_schema_is_shipped_and_names_the_format() -> None:
    schema = program_schema()
    assert schema["properties"]["format"]["const"] == "natije-program/1"
    assert set(schema["$defs"]["indicator"]["properties"]) >= {
        "code",
        "unit",
        "span",
        "frequency",
        "direction",
    }


def test_good_package_parses_with_versions_numbered_by_decision_date() -> None:
    text = (GOOD / "program.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "commitments:\n",
        "commitments:\n  - {indicator: TEST2020.INTERNET, kind: target, period: 2022, "
        "value: 85, decided_on: 2020-05-01, document: Amendment}\n",
    )
    parsed, log = _parse(text)
    assert not log, [p.describe() for p in log.items]
    pkg = parsed.package  # type: ignore[attr-defined]
    assert pkg.program.code == "TEST2020" and [g.kind for g in pkg.program.goals] == ["goal", "task"]
    targets = sorted(
        (c.decided_on.isoformat(), c.version, c.value)
        for c in pkg.commitments
        if c.indicator == "TEST2020.INTERNET" and c.kind.value == "target"
    )
    assert targets == [("2017-12-12", 1, 82.0), ("2020-05-01", 2, 85.0)]


def test_every_problem_is_collected_with_line_and_path() -> None:
    text = """format: natije-program/1
program:
  code: X
  names: {kk: a, ru: b}
  kind: state_programme
  start_year: 2020
  end_year: 2019
  status: in_force
indicators:
  - code: I1
    names: {kk: a, ru: b, en: c}
    unit: parsecs
    direction: increase
    span: {from: 2010, to: 2005}
  - code: I1
    names: {kk: a, ru: b, en: c}
    unit: "%"
    direction: up
    colour: red
commitments:
  - {indicator: I1, kind: target, period: 2022-13, value: 1, decided_on: 2017-02-30, document: D}
"""
    _, log = _parse(text)
    got = {(p.row, p.column, p.code) for p in log.items}
    assert got == {
        (4, "program.names.en", "schema"),
        (5, "program.kind", "schema"),
        (12, "indicators[0].unit", "unit"),
        (14, "indicators[0].span.to", "span"),
        (18, "indicators[1].direction", "schema"),
        (19, "indicators[1].colour", "schema"),
        (21, "commitments[0].period", "schema"),
        (21, "commitments[0].decided_on", "date"),
    }


def test_domain_rules_on_an_otherwise_valid_file() -> None:
    text = """format: natije-program/1
program: {code: X, names: {kk: a, ru: b, en: c}, kind: project, start_year: 2020, end_year: 2019, \
status: draft}
indicators:
  - {code: I1, names: {kk: a, ru: b, en: c}, unit: "%", direction: increase, span: {from: 2010, to: 2005}, \
goal: G}
  - {code: I1, names: {kk: a, ru: b, en: c}, unit: "%", direction: increase}
commitments:
  - {indicator: I1, kind: target, period: 2022, value: 1, decided_on: 2017-02-01, document: D}
  - {indicator: I1, kind: target, period: 2022, value: 1, decided_on: 2017-02-01, document: E}
"""
    _, log = _parse(text)
    got = sorted((p.row, p.column, p.code) for p in log.items)
    assert got == [
        (2, "program.end_year", "rule"),
        (4, "indicators[0].span.to", "span"),
        (5, "indicators[1].code", "duplicate_code"),
        (8, "commitments[1]", "duplicate_commitment"),
    ]


def test_yaml_syntax_and_duplicate_keys() -> None:
    _, log = _parse("format: natije-program/1\nprogram: [\n")
    assert [p.code for p in log.items] == ["yaml"]
    _, log = _parse("format: natije-program/1\nformat: natije-program/1\n")
    assert [(p.row, p.code) for p in log.items] == [(2, "duplicate_field")]


codes = st.from_regex(r"[A-Z][A-Z0-9]{0,6}", fullmatch=True)


@settings(max_examples=40, deadline=None)
@given(
    unit=st.sampled_from(["%", "count", "KZT", "bn USD"]),
    frequency=st.sampled_from(["A", "Q", "M"]),
    value=st.floats(allow_nan=False, allow_infinity=False, width=64),
    code=codes,
    years=st.lists(st.integers(2000, 2030), min_size=1, max_size=4, unique=True),
)
def test_program_yaml_export_parse_round_trip(
    unit: str, frequency: str, value: float, code: str, years: list[int]
) -> None:
    commitments = "".join(
        f"  - {{indicator: {code}, kind: target, period: {y}, value: {value!r}, "
        f"decided_on: {y - 1}-01-01, document: D}}\n"
        for y in years
    )
    text = (
        f"format: natije-program/1\nindicators:\n  - {{code: {code}, names: {{kk: a, ru: b, en: c}}, "
        f"unit: '{unit}', direction: increase, frequency: {frequency}}}\ncommitments:\n{commitments}"
    )
    parsed, log = _parse(text)
    assert not log, [p.describe() for p in log.items]
    once = program_yaml_text(parsed.package)  # type: ignore[attr-defined]
    again, log2 = _parse(once)
    assert not log2
    a, b = again.package, parsed.package  # type: ignore[attr-defined]
    assert a.indicators == b.indicators and set(a.commitments) == set(b.commitments)
    assert program_yaml_text(again.package) == once  # type: ignore[attr-defined]


def test_schema_file_is_in_the_package_folder() -> None:
    import natije.ingest

    assert (Path(natije.ingest.__file__).parent / "schema" / "program.schema.json").is_file()


def test_a_source_url_must_be_a_web_address() -> None:
    good = (GOOD / "program.yaml").read_text(encoding="utf-8")
    plain = "  - {code: stat, title: Bureau of National Statistics, kind: official, publisher: BNS ASPR RK}"
    assert plain in good
    for url, accepted in (
        ("https://stat.gov.kz/", True),
        ("'http://example.org/a?b=1'", True),
        ("'javascript:alert(1)'", False),
        ("'https://x.org/\"><script>alert(1)</script>'", False),
        ("ftp://stat.gov.kz/", False),
        ("stat.gov.kz", False),
    ):
        _, log = _parse(good.replace(plain, plain[:-1] + f", url: {url}}}"))
        if accepted:
            assert not log, (url, [p.describe() for p in log.items])
        else:
            [problem] = log.items
            assert problem.column == "sources[0].url" and problem.extra["key"] == "expected.web_address"
