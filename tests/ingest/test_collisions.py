"""Zips whose entries leave their folder, and packages that collide:
refused with every problem of the import."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.errors import ValidationError
from natije.ingest.package import open_package
from natije.store import Store

from .conftest import BAD, GOOD, refused_after_good


def _zip(path: Path, extra: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(GOOD.iterdir()):
            zf.writestr(f"pkg/{f.name}", f.read_bytes())
        for name, text in extra.items():
            zf.writestr(zipfile.ZipInfo(name), text)  # ZipInfo keeps the name exactly as given
    return path


@pytest.mark.parametrize(
    "name",
    [
        "../program.yaml",
        "pkg/../../observations_x.csv",
        "/etc/observations.csv",
        "C:\\Users\\observations.csv",
        "pkg\\..\\..\\x.csv",
        "\\\\server\\share\\x",
    ],
)
def test_zip_entry_outside_its_folder_refuses_the_whole_zip(store: Store, tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "p.zip", {name: "indicator,territory,period,value\n"})
    problems = refused_after_good(store, archive)
    assert [(p.file, p.code, p.value) for p in problems] == [("p.zip", "zip_unsafe", name)]
    assert "no absolute paths" in problems[0].expected


part = st.text(st.sampled_from("ab._"), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.one_of(part, st.just("..")), min_size=1, max_size=5),
    lead=st.sampled_from(["", "/", "\\", "C:", "C:\\"]),
    sep=st.sampled_from(["/", "\\"]),
)
def test_a_zip_opens_exactly_when_no_entry_can_leave_it(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], lead: str, sep: str
) -> None:
    name = (lead or "pkg/") + sep.join(parts)
    archive = _zip(tmp_path_factory.mktemp("z") / "p.zip", {name: "x"})
    escapes = bool(lead) or ".." in parts
    try:
        open_package(archive).close()
        opened = True
    except ValidationError as exc:
        assert [p.code for p in exc.problems] == ["zip_unsafe"]
        opened = False
    assert opened is not escapes, name


def test_two_packages_with_one_program_code_report_every_problem_of_both(
    store: Store, tmp_path: Path
) -> None:
    shutil.copytree(BAD / "unknown_indicator", tmp_path / "a")
    shutil.copytree(BAD / "text_in_number", tmp_path / "b")
    problems = refused_after_good(store, tmp_path)
    found = {(p.file, p.code) for p in problems}
    assert ("a/observations.csv", "unknown_indicator") in found  # the first package is validated too
    assert ("b/observations.csv", "not_a_number") in found
    assert ("b/program.yaml", "duplicate_program") in found


def test_two_programs_declaring_one_indicator_code_arerefused_after_good(
    store: Store, tmp_path: Path
) -> None:
    shutil.copytree(GOOD, tmp_path / "a")
    shutil.copytree(GOOD, tmp_path / "b")
    (tmp_path / "a" / "program.yaml").write_text(
        (GOOD / "program.yaml")
        .read_text(encoding="utf-8")
        .replace("  code: TEST2020\n", "  code: TEST2030\n"),
        encoding="utf-8",
    )
    (tmp_path / "a" / "observations.csv").unlink()
    problems = refused_after_good(store, tmp_path)
    twice = [(p.file, p.column, p.value) for p in problems if p.extra.get("key") == "expected.indicator_once"]
    assert twice == [
        ("b/program.yaml", f"indicators[{i}].code", code)
        for i, code in enumerate(["TEST2020.INTERNET", "TEST2020.VILLAGES", "TEST2020.SPEND"])
    ]
    assert all(
        p.code == "indicator_owner" and "also declared in a" in p.expected
        for p in problems
        if p.extra.get("key") == "expected.indicator_once"
    )
