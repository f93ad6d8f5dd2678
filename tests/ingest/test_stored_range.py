"""An observations-only import for a stored indicator is checked against the range the store kept for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from natije.cli.problems import problem_line
from natije.errors import ValidationError
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import GOOD, dump

HEADER = "indicator,territory,period,value,unit,source,note,as_of\n"
EDIT = (
    "    span: {from: 2010, to: 2022}\n    agency: MDDIAI",
    "    span: {from: 2010, to: 2022}\n    range: [-50, 200]\n    agency: MDDIAI",
)


def _declared(tmp_path: Path, range_line: str | None) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    if range_line is not None:
        text = (folder / "program.yaml").read_text(encoding="utf-8")
        assert EDIT[0] in text
        (folder / "program.yaml").write_text(
            text.replace(EDIT[0], EDIT[1].replace("[-50, 200]", range_line), 1), encoding="utf-8"
        )
    return folder


def _observations(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "program.yaml").write_text("format: natije-program/1\n", encoding="utf-8")  # declares nothing
    (folder / "observations.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder


def test_the_stored_range_is_what_a_later_observations_only_import_is_checked_against(
    store: Store, tmp_path: Path
) -> None:
    import_paths(store, [_declared(tmp_path, "[-50, 200]")])
    before = dump(store)
    folder = _observations(
        tmp_path,
        "TEST2020.INTERNET,000000000,2018,150,,,,\n"  # above 100 %, inside the range
        "TEST2020.INTERNET,000000000,2019,250,,,,\n",
    )  # above the range
    with pytest.raises(ValidationError) as info:
        import_paths(store, [folder])
    assert dump(store) == before
    problems = info.value.problems
    assert [(p.file, p.row, p.column, p.value, p.code) for p in problems] == [
        ("more/observations.csv", 3, "value", "250", "out_of_range")
    ]
    lines = {lang: problem_line(problems[0], lang) for lang in ("kk", "ru", "en")}
    assert "from -50 to 200 %" in lines["en"]
    for lang in ("kk", "ru"):
        assert "-50" in lines[lang] and "200" in lines[lang] and lines[lang] != lines["en"]
    (folder / "observations.csv").write_text(
        HEADER + "TEST2020.INTERNET,000000000,2018,150,,,,\n", encoding="utf-8"
    )
    import_paths(store, [folder])  # what the stored range allows goes in
    assert dump(store) != before


@pytest.mark.parametrize(
    "declared, value, refused",
    [
        (None, "101", True),  # no range stored: the unit's own (0 to 100 %)
        ("[null, 120]", "-1000", False),  # an open side stays open in the store
        ("[null, 120]", "121", True),
    ],
)
def test_an_open_or_missing_stored_range(
    store: Store, tmp_path: Path, declared: str | None, value: str, refused: bool
) -> None:
    import_paths(store, [_declared(tmp_path, declared)])
    folder = _observations(tmp_path, f"TEST2020.INTERNET,000000000,2018,{value},,,,\n")
    if refused:
        with pytest.raises(ValidationError) as info:
            import_paths(store, [folder])
        assert [p.code for p in info.value.problems] == ["out_of_range"]
    else:
        import_paths(store, [folder])
