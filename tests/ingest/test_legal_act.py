"""``program.legal_act`` is one text or a text per language;
either form comes back out of the store as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from natije.cli.problems import problem_line
from natije.domain.names import Names
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml
from natije.services.ingestion import export_program, import_paths
from natije.store import Store

from .conftest import GOOD

PLAIN = "  legal_act: Test decree No. 1, 1 January 2018\n"
NAMES = (
    "  legal_act:\n    kk: Сынақ қаулысы № 1\n    ru: Тестовое постановление № 1\n"
    "    en: Test decree No. 1, 1 January 2018\n"
)


def _yaml(legal_act: str) -> str:
    text = (GOOD / "program.yaml").read_text(encoding="utf-8")
    assert PLAIN in text
    return text.replace(PLAIN, legal_act, 1)


@pytest.mark.parametrize(
    "given, parsed",
    [
        (PLAIN, "Test decree No. 1, 1 January 2018"),
        (
            NAMES,
            Names("Сынақ қаулысы № 1", "Тестовое постановление № 1", "Test decree No. 1, 1 January 2018"),
        ),
        ("  legal_act: {kk: Қ, ru: П, en: D}\n", Names("Қ", "П", "D")),
    ],
)
def test_one_text_or_three_are_read(given: str, parsed: str | Names) -> None:
    log = ProblemLog()
    result = parse_program_yaml(_yaml(given).encode(), "p/program.yaml", log)
    assert not log.items and result is not None and result.package.program is not None
    assert result.package.program.legal_act == parsed


@pytest.mark.parametrize(
    "given",
    [
        "  legal_act: {kk: Қ, ru: П}\n",
        "  legal_act: 827\n",
        "  legal_act: {kk: Қ, ru: П, en: D, de: X}\n",
        "  legal_act: [a, b]\n",
    ],
)
def test_anything_else_is_one_schema_problem_in_every_language(given: str) -> None:
    log = ProblemLog()
    parse_program_yaml(_yaml(given).encode(), "p/program.yaml", log)
    assert [(p.column, p.code) for p in log.items] == [("program.legal_act", "schema")]
    lines = {lang: problem_line(log.items[0], lang) for lang in ("kk", "ru", "en")}
    assert "one text, or the text in three languages" in lines["en"]
    assert "текст на трёх языках" in lines["ru"] and "үш тілдегі мәтін" in lines["kk"]


@pytest.mark.parametrize("given", [PLAIN, NAMES])
def test_export_from_the_store_writes_the_legal_act_back_as_given(
    store: Store, tmp_path: Path, given: str
) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    (folder / "program.yaml").write_text(_yaml(given), encoding="utf-8")
    import_paths(store, [folder])
    first = tmp_path / "first"
    export_program(store, "TEST2020", first)
    text = (first / "program.yaml").read_text(encoding="utf-8")
    assert ("Тестовое постановление № 1" in text) == (given == NAMES)
    store2 = Store.open(f"sqlite:///{tmp_path / 'again.db'}")
    import_paths(store2, [first])
    second = tmp_path / "second"
    export_program(store2, "TEST2020", second)
    assert (second / "program.yaml").read_bytes() == (first / "program.yaml").read_bytes()
