"""``natije report`` through the console-script entry point: a file written and said so, the document on
standard output, and mistakes answered in the interface language with the usual exit codes and no
traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from demo_store import demo_with_evaluation

from natije.locale import t

Cli = Callable[..., tuple[int, str]]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(demo_with_evaluation(tmp_path_factory.mktemp("report-cli") / "demo.db"))


def test_writes_the_file_it_is_given(cli: Cli, db: str, tmp_path: Path) -> None:
    out = tmp_path / "AI2023.pdf"
    code, output = cli("--db", db, "--lang", "ru", "report", "AI2023", "--format", "pdf", "-o", str(out))
    assert code == 0 and out.read_bytes().startswith(b"%PDF-")
    assert t("msg.report_written", "ru", path=str(out)) in output


def test_report_language_apart_from_the_interface(cli: Cli, db: str) -> None:
    code, output = cli("--db", db, "--lang", "en", "report", "TB2021", "--lang", "kk", "--format", "md")
    assert code == 0 and t("report.section.results", "kk") in output and "Traceback" not in output


def test_as_of_and_basis_reach_the_report(cli: Cli, db: str) -> None:
    args = ("report", "AI2023", "--lang", "en", "--format", "md", "--as-of", "2025-09-01", "--basis", "first")
    code, output = cli("--db", db, *args)
    assert code == 0 and "As of 2025-09-01; targets as first provided for." in output


def test_mistakes_are_answered_in_the_interface_language(cli: Cli, db: str) -> None:
    code, output = cli("--db", db, "--lang", "ru", "report", "AI2023", "--format", "docx")
    assert code == 2 and "docx" in output and "html, pdf, md" in output
    code, output = cli("--db", db, "--lang", "ru", "report", "NOPE")
    assert code == 3 and "NOPE" in output and t("msg.error", "ru") in output
    code, output = cli("--db", db, "--lang", "en", "report", "AI2023", "--as-of", "2025-13-01")
    assert code == 2 and "--as-of" in output
    assert "Traceback" not in output
