"""``natije import`` / ``natije export`` through the real entry point: summaries,
exit codes, no tracebacks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from natije.cli import main

from .conftest import BAD, files_of


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["natije", *args])
    with pytest.raises(SystemExit) as info:
        main()
        raise SystemExit(0)
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_import_prints_a_summary_then_says_nothing_changed(
    db_url: str, good: Path, monkeypatch, capsys
) -> None:
    code, out, _ = _run(monkeypatch, capsys, "--db", db_url, "--lang", "en", "import", str(good))
    assert code == 0 and "rows: 8 (new 8, revised 0, unchanged 0); new commitment versions: 3" in out
    code, out, _ = _run(monkeypatch, capsys, "--db", db_url, "--lang", "ru", "import", str(good))
    assert code == 0 and "Ничего не изменилось" in out


def test_import_json_report(db_url: str, good: Path, monkeypatch, capsys) -> None:
    code, out, _ = _run(monkeypatch, capsys, "--db", db_url, "import", str(good), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["totals"]["observations_inserted"] == 8 and data["changed"] is True


def test_bad_import_exits_non_zero_listing_problems_without_traceback(
    db_url: str, monkeypatch, capsys
) -> None:
    code, out, err = _run(
        monkeypatch, capsys, "--db", db_url, "--lang", "en", "import", str(BAD / "text_in_number")
    )
    assert code == 2
    assert "Import refused, the store is unchanged. Problems: 1" in err
    assert "text_in_number/observations.csv, row 10, column 'value': got '77 %'" in err
    assert "Traceback" not in err + out


def test_export_writes_the_package(db_url: str, good: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    _run(monkeypatch, capsys, "--db", db_url, "import", str(good))
    code, out, _ = _run(
        monkeypatch, capsys, "--db", db_url, "--lang", "en", "export", "TEST2020", str(tmp_path / "e")
    )
    assert code == 0 and "Exported TEST2020" in out
    assert set(files_of(tmp_path / "e")) == {
        "program.yaml",
        "observations.csv",
        "territories.csv",
        "territory_changes.csv",
    }
    code, _, err = _run(monkeypatch, capsys, "--db", db_url, "export", "NOPE", str(tmp_path / "n"))
    assert code == 3 and "Traceback" not in err


def test_import_csv_report_and_bad_format(db_url: str, good: Path, monkeypatch, capsys) -> None:
    code, out, _ = _run(monkeypatch, capsys, "--db", db_url, "import", str(good), "--format", "csv")
    assert (
        code == 0 and out.splitlines()[0] == "package,program,rows,inserted,revised,unchanged,commitments_new"
    )
    assert out.splitlines()[1] == "good,TEST2020,8,8,0,0,3"
    code, _, err = _run(monkeypatch, capsys, "--db", db_url, "import", str(good), "--format", "xml")
    assert code == 2 and "table, json, csv" in err  # the default language is Kazakh: "мына мәндердің бірі: …"


def test_problems_are_listed_in_the_interface_language(db_url: str, monkeypatch, capsys) -> None:
    code, _, err = _run(
        monkeypatch, capsys, "--db", db_url, "--lang", "ru", "import", str(BAD / "unknown_source")
    )
    assert code == 2 and "Импорт отклонён, база данных не изменена. Проблем: 1" in err
    assert "unknown_source/observations.csv, строка 10, столбец «source»: значение «wb»" in err
