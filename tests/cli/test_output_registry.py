"""One renderer per format, shared by every command: a format without a renderer, or one a command does not
offer, is a usage error (exit code 2), never a table."""

from __future__ import annotations

import pytest

from natije.cli.output import RENDERERS, emit
from natije.errors import ValidationError


def test_the_formats_are_registered_by_name() -> None:
    assert set(RENDERERS) == {"table", "json", "csv"}


@pytest.mark.parametrize("fmt", ["xml", "csv", ""])
def test_a_format_not_offered_is_an_error_not_a_table(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    printed: list[str] = []
    with pytest.raises(ValidationError) as info:
        emit(fmt, table=lambda: printed.append("table"), json=list)
    assert info.value.exit_code == 2 and printed == [] and capsys.readouterr().out == ""
    assert info.value.problems[0].file == "--format" and info.value.problems[0].value == fmt


def test_each_form_is_computed_only_for_its_format(capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []
    emit(
        "csv",
        table=lambda: asked.append("table"),
        json=lambda: asked.append("json"),
        csv=lambda: (["code", "end"], [["DK2018", None]]),
    )
    assert asked == [] and capsys.readouterr().out == "code,end\nDK2018,\n"
