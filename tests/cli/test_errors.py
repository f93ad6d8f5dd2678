"""The console script turns every error into a message and a non-zero exit code, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import natije

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
