"""natije verify, checkpoint export and proof: exit codes, and a proof the standalone verifier accepts."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import natije.ledger.verify as standalone


@pytest.fixture
def loaded(cli: Callable[..., tuple[int, str]], program_dir: Callable[[str], Path], tmp_path: Path) -> Path:
    db = tmp_path / "natije.db"
    code, out = cli("--db", str(db), "import", str(program_dir("P1")))
    assert code == 0, out
    return db


def test_verify_is_intact_after_an_import(cli: Callable[..., tuple[int, str]], loaded: Path) -> None:
    code, out = cli("--lang", "en", "--db", str(loaded), "verify")
    assert code == 0 and "Intact" in out, out
    assert Path(f"{loaded}.ledger-key.pem").exists() and Path(f"{loaded}.ledger-key.pub").exists()


def test_verify_exits_1_naming_the_altered_row(cli: Callable[..., tuple[int, str]], loaded: Path) -> None:
    with sqlite3.connect(loaded) as conn:
        conn.execute("UPDATE observations SET value = value * 10 WHERE id = 1")
    code, out = cli("--lang", "en", "--db", str(loaded), "verify")
    assert code == 1 and "altered" in out and "observations" in out and "value" in out, out
    code, out = cli("--db", str(loaded), "verify", "--format", "json")
    assert code == 1 and '"intact": false' in out


def test_a_printed_proof_verifies_with_the_standalone_script(
    cli: Callable[..., tuple[int, str]], loaded: Path, tmp_path: Path
) -> None:
    checkpoint, proof = tmp_path / "checkpoint.txt", tmp_path / "proof.json"
    assert cli("--db", str(loaded), "checkpoint", "export", "-o", str(checkpoint))[0] == 0
    code, out = cli("--db", str(loaded), "proof", "1")
    assert code == 0, out
    proof.write_text(out, encoding="utf-8")
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(standalone.__file__, alone / "verify.py")
    key = f"{loaded}.ledger-key.pub"
    run = [
        sys.executable,
        "-I",
        str(alone / "verify.py"),
        "inclusion",
        str(checkpoint),
        str(proof),
        "--key",
        key,
    ]
    done = subprocess.run(run, capture_output=True, text=True, cwd=alone, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: entry") and '"table": "observations"' in done.stdout
    # a checkpoint exported later is of the same size while nothing was written: the pair still verifies
    assert cli("--db", str(loaded), "checkpoint", "export")[1] == checkpoint.read_text(encoding="utf-8")
    # an edited proof does not
    proof.write_text(out.replace('"index": ', '"index": 1'), encoding="utf-8")
    assert subprocess.run(run, capture_output=True, text=True, cwd=alone, check=False).returncode == 1


def test_proof_of_an_unknown_value_is_not_found(cli: Callable[..., tuple[int, str]], loaded: Path) -> None:
    code, out = cli("--lang", "en", "--db", str(loaded), "proof", "999999")
    assert code == 3 and "999999" in out
