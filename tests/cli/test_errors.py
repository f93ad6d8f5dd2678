"""The console script turns every error into a message and a non-zero exit code, never a traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

import natije
from natije.locale import t

SCRIPT = [sys.executable, "-c", "from natije.cli import main; main()"]
SOURCES = str(Path(natije.__file__).resolve().parents[1])  # the sources under test, not an installed copy


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by ``natije init``, once for the module (each test works on a copy)."""
    db = tmp_path_factory.mktemp("init") / "natije.db"
    subprocess.run([*SCRIPT, "--db", str(db), "init"], check=True, capture_output=True)
    return db


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["nosuch"], 2, "«nosuch» командасы жоқ"),
        (["results"], 2, "«БАҒДАРЛАМА» берілмеген"),
        (["results", "NOPE"], 5, "natije demo"),  # an empty store says how to fill it
        (["--db", "mysql+nodriver://x/y", "programs"], 5, "Қате:"),
        (["import", "/no/such/package"], 2, "Қате:"),
    ],
)
def test_errors_exit_non_zero_with_a_message(
    initialised: Path, tmp_path: Path, args: list[str], code: int, text: str
) -> None:
    db = str(shutil.copy(initialised, tmp_path / "natije.db"))
    full = args if args[0] == "--db" else ["--db", db, *args]
    done = subprocess.run(
        [*SCRIPT, *full],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "", "PYTHONPATH": SOURCES},
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert text in done.stderr + done.stdout


def test_a_defect_prints_a_short_message_and_keeps_the_details(
    cli: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from natije.services import catalog

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a defect")

    monkeypatch.setattr(catalog, "list_programs", broken)
    monkeypatch.delenv("NATIJE_DEBUG", raising=False)
    code, output = cli("--db", ":memory:", "--lang", "ru", "programs")
    assert code == 70 and "Traceback" not in output
    path = re.search(r"natije-crash-\S+\.txt", output)
    assert path is not None and t("msg.error", "ru") in output
    details = Path(tempfile.gettempdir(), path.group(0)).read_text()
    assert "ZeroDivisionError: a defect" in details and "Traceback" in details
