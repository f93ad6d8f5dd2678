"""``continues``: an indicator carrying on a predecessor's indicator is parsed,
checked against the chain and exported."""

from __future__ import annotations

from pathlib import Path

import pytest

from natije.errors import ValidationError
from natije.ingest.export import program_yaml_text
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import dump

NAMES = "{kk: Атау, ru: Название, en: Name}"


def _program(
    code: str,
    start: int,
    predecessors: list[str],
    indicator: str,
    continues: str | None = None,
    name: str | None = None,
) -> str:
    preds = f"  predecessors: [{', '.join(predecessors)}]\n" if predecessors else ""
    cont = f"    continues: {continues}\n" if continues else ""
    return (
        "format: natije-program/1\n"
        "sources:\n  - {code: stat, title: Statistics}\n"
        f"program:\n  code: {code}\n  names: {NAMES}\n  kind: state_program\n  start_year: {start}\n"
        f"  end_year: {start + 4}\n  status: in_force\n{preds}"
        f"indicators:\n  - code: {indicator}\n    names: {{kk: {name or indicator}, ru: {name or indicator}, "
        f"en: {name or indicator}}}\n    unit: '%'\n    direction: increase\n    source: stat\n{cont}"
    )


def _write(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "program.yaml").write_text(text, encoding="utf-8")
    return folder


def _refused(store: Store, paths: list[Path]) -> list:
    before = dump(store)
    with pytest.raises(ValidationError) as info:
        import_paths(store, paths)
    assert dump(store) == before
    return info.value.problems


def test_continues_is_parsed_and_exported() -> None:
    text = _program("NEW", 2021, ["OLD"], "NEW.ESERV", continues="OLD.EGOV")
    log = ProblemLog()
    parsed = parse_program_yaml(text.encode(), "new/program.yaml", log)
    assert parsed is not None and not log
    assert parsed.package.indicators[0].continues == "OLD.EGOV"
    exported = program_yaml_text(parsed.package)
    assert "continues: OLD.EGOV" in exported
    again = parse_program_yaml(exported.encode(), "again/program.yaml", ProblemLog())
    assert again is not None and again.package.indicators == parsed.package.indicators


def test_continues_must_be_a_code() -> None:
    log = ProblemLog()
    parse_program_yaml(_program("NEW", 2021, ["OLD"], "NEW.X", continues="'not a code'").encode(), "p", log)
    assert [(p.column, p.code) for p in log.items] == [("indicators[0].continues", "schema")]


def test_continuing_an_indicator_of_a_predecessor_in_the_same_import(store: Store, tmp_path: Path) -> None:
    old = _write(tmp_path, "old", _program("OLD", 2016, [], "OLD.EGOV"))
    new = _write(tmp_path, "new", _program("NEW", 2021, ["OLD"], "NEW.ESERV", continues="OLD.EGOV"))
    import_paths(store, [new, old])


def test_continuing_through_the_chain_in_the_store(store: Store, tmp_path: Path) -> None:
    # A <- B <- C: C may continue an indicator of A, which only the store knows as B's predecessor
    import_paths(
        store,
        [
            _write(tmp_path, "a", _program("A", 2010, [], "A.TV")),
            _write(tmp_path, "b", _program("B", 2015, ["A"], "B.NET")),
        ],
    )
    import_paths(store, [_write(tmp_path, "c", _program("C", 2020, ["B"], "C.TV2", continues="A.TV"))])


def test_unknown_continued_indicator_is_refused_in_every_language(store: Store, tmp_path: Path) -> None:
    old = _write(tmp_path, "old", _program("OLD", 2016, [], "OLD.EGOV"))
    new = _write(tmp_path, "new", _program("NEW", 2021, ["OLD"], "NEW.ESERV", continues="OLD.EGOVV"))
    (problem,) = _refused(store, [old, new])
    assert (problem.file, problem.row, problem.column, problem.value, problem.code) == (
        "new/program.yaml",
        18,
        "indicators[0].continues",
        "OLD.EGOVV",
        "unknown_indicator",
    )
    assert problem.extra["key"] == "expected.predecessor_indicator"
    assert "OLD" in problem.expected_in("en")
    texts = {lang: problem.expected_in(lang) for lang in ("kk", "ru", "en")}
    assert len(set(texts.values())) == 3 and all("OLD" in v for v in texts.values())


@pytest.mark.parametrize(
    ("predecessors", "continues", "key"),
    [
        (["OLD"], "OTHER.X", "expected.predecessor_indicator"),  # a program outside the chain
        (["OLD"], "NEW.SELF", "expected.predecessor_indicator"),  # itself
        ([], "OLD.EGOV", "expected.predecessors_none"),  # no chain at all
    ],
)
def test_continuing_outside_the_chain_is_refused(
    store: Store, tmp_path: Path, predecessors: list[str], continues: str, key: str
) -> None:
    old = _write(tmp_path, "old", _program("OLD", 2016, [], "OLD.EGOV"))
    other = _write(tmp_path, "other", _program("OTHER", 2016, [], "OTHER.X"))
    new = _write(tmp_path, "new", _program("NEW", 2021, predecessors, "NEW.SELF", continues=continues))
    (problem,) = _refused(store, [old, other, new])
    assert (problem.column, problem.code, problem.extra["key"]) == (
        "indicators[0].continues",
        "continues",
        key,
    )
