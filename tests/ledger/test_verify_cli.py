"""The standalone verifier: one file, run as a third party would, on proofs natije made."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import natije.ledger.verify as verify_module
from natije.ledger.canonical import Entry
from natije.ledger.checkpoint import Checkpoint, generate_key, save_public_key, sign
from natije.ledger.merkle import CompactRange, consistency_proof, inclusion_proof, leaf_nodes
from natije.ledger.verify import ConsistencyProof, InclusionProof

ORIGIN = "natije.example/log"
START = datetime(2026, 12, 7, 9, tzinfo=UTC)


def _entries(n: int) -> list[bytes]:
    return [
        Entry(
            "insert",
            "observations",
            {"indicator": "I1", "territory": "000000000", "period": f"{2000 + i}"},
            None,
            {"value": Decimal(f"{i}.50"), "as_of": START.date(), "source": "stat.gov.kz"},
            START + timedelta(seconds=i),
            "import 7",
            i // 10,
        ).encode()
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the verifier copied alone, the log's public key, checkpoints at 13 and 30 and proofs."""
    folder = tmp_path_factory.mktemp("log")
    shutil.copy(verify_module.__file__, folder / "verify.py")
    key = generate_key()
    save_public_key(key.public_key(), folder / "log.pub")
    save_public_key(generate_key().public_key(), folder / "other.pub")
    entries = _entries(30)
    leaves = [verify_module.leaf_hash(e) for e in entries]
    tree = CompactRange()
    for size in (13, 30):
        tree.extend(leaves[tree.size : size])
        head = Checkpoint(ORIGIN, size, tree.root(), START + timedelta(hours=size))
        (folder / f"checkpoint.{size}").write_text(sign(head, key))
    nodes = leaf_nodes(leaves)
    proof = InclusionProof(30, 11, entries[11], tuple(inclusion_proof(11, 30, nodes)))
    (folder / "inclusion.json").write_text(proof.to_json())
    (folder / "consistency.json").write_text(
        ConsistencyProof(13, 30, tuple(consistency_proof(13, 30, nodes))).to_json()
    )
    return folder


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """python -I: no PYTHONPATH, no user site, the working directory not on the path: only the copied file."""
    command = [sys.executable, "-I", "verify.py", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False, timeout=60)


def test_an_inclusion_proof_verifies_and_shows_the_entry(log: Path) -> None:
    done = _run(log, "inclusion", "checkpoint.30", "inclusion.json", "--key", "log.pub")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"OK: entry 11 is in {ORIGIN} at size 30 (2026-12-08T15:00:00.000000Z)\n")
    assert '"value": "11.5"' in done.stdout and '"time": "2026-12-07T09:00:11.000000Z"' in done.stdout


def test_a_consistency_proof_verifies(log: Path) -> None:
    done = _run(log, "consistency", "checkpoint.13", "checkpoint.30", "consistency.json", "--key", "log.pub")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"OK: {ORIGIN} at size 30 extends its checkpoint at size 13\n"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("inclusion", "checkpoint.30", "inclusion.json", "--key", "other.pub"), "signature"),
        (("inclusion", "checkpoint.13", "inclusion.json", "--key", "log.pub"), "mismatch"),
        (("inclusion", "checkpoint.30", "tampered.json", "--key", "log.pub"), "mismatch"),
        (("inclusion", "checkpoint.30", "changed-entry.json", "--key", "log.pub"), "mismatch"),
        (("inclusion", "checkpoint.30", "consistency.json", "--key", "log.pub"), "malformed"),
        (("inclusion", "checkpoint.30", "missing.json", "--key", "log.pub"), "file"),
        (("inclusion", "checkpoint.30", "inclusion.json", "--key", "checkpoint.30"), "file"),
        (
            ("consistency", "checkpoint.30", "checkpoint.13", "consistency.json", "--key", "log.pub"),
            "mismatch",
        ),
        (("consistency", "checkpoint.13", "forged.30", "consistency.json", "--key", "log.pub"), "signature"),
    ],
)
def test_what_does_not_verify_fails_with_its_reason(log: Path, args: tuple[str, ...], reason: str) -> None:
    proof = (log / "inclusion.json").read_text()
    entry = InclusionProof.from_json(proof)
    flipped = entry.hashes[2].hex()[:-1] + ("1" if entry.hashes[2].hex()[-1] == "0" else "0")
    (log / "tampered.json").write_text(proof.replace(entry.hashes[2].hex(), flipped))
    changed = InclusionProof(30, 11, entry.entry.replace(b"stat.gov.kz", b"stat.gov.kk"), entry.hashes)
    (log / "changed-entry.json").write_text(changed.to_json())
    (log / "forged.30").write_text((log / "checkpoint.30").read_text().replace("\n30\n", "\n31\n"))
    done = _run(log, *args)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"FAILED ({reason}): "), done.stderr


def test_bad_usage_exits_2(log: Path) -> None:
    done = _run(log, "inclusion", "checkpoint.30")
    assert done.returncode == 2 and "usage: verify.py" in done.stderr


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(Path(verify_module.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}, imported
