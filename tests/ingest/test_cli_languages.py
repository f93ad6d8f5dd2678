"""A refused import lists every problem with its expected-text in the interface language, not in English."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from natije.cli import main
from natije.errors import ValidationError
from natije.locale import t
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import BAD, GOOD

CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def _stderr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setattr(sys, "argv", ["natije", *args])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    return " ".join(capsys.readouterr().err.split())  # rich wraps long lines: compare words, not layout


@pytest.mark.parametrize("case", CASES)
def test_refused_import_prints_expected_text_in_kazakh_and_russian(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(tmp_path / "natije.db")
    store = Store.open(url)
    try:
        store.init()
        import_paths(store, [GOOD])
        with pytest.raises(ValidationError) as refused:
            import_paths(store, [BAD / case])
    finally:
        store.close()
    problems = refused.value.problems
    assert problems and all("key" in p.extra for p in problems), [p.describe() for p in problems]
    for lang in ("kk", "ru"):
        err = _stderr(monkeypatch, capsys, "--db", url, "--lang", lang, "import", str(BAD / case))
        for p in problems:
            local = " ".join(t(p.extra["key"], lang, **p.extra["params"]).split())
            assert local in err, (lang, local, err)
            assert " ".join(p.expected.split()) not in err, (lang, p.expected, err)
