"""A key file is written whole or not at all: a process killed while writing it leaves no truncated key,
and the next store that needs the key makes it (a truncated one would refuse every later import and
checkpoint)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from natije.ledger.checkpoint import generate_key, load_private_key, load_public_key, save_private_key
from natije.services.ledger_keys import ensure_key, public_path
from natije.store import Store

# the child stalls once the key's file is open, before a byte of it is written, until it is killed
STALLED_WRITER = """
import os, sys, time
from pathlib import Path
real = os.fdopen
def stalled(*args, **kwargs):
    print("open", flush=True)
    time.sleep(60)
    return real(*args, **kwargs)
os.fdopen = stalled
from natije.ledger.checkpoint import generate_key, save_private_key
save_private_key(generate_key(), Path(sys.argv[1]))
"""


def test_a_writer_killed_mid_write_leaves_no_key_file(tmp_path: Path) -> None:
    path = tmp_path / "store.db.ledger-key.pem"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", STALLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None and child.stdout.readline() == "open\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not path.exists()
    key = generate_key()
    save_private_key(key, path)  # the stray temporary file does not stand in the way
    assert load_private_key(path).private_bytes_raw() == key.private_bytes_raw()


def test_an_interrupted_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_private_key(generate_key(), tmp_path / "log.pem")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_public_key_is_made_from_the_signing_key(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "natije.db"))
    path = ensure_key(store)
    assert path is not None and public_path(path).exists()
    public_path(path).unlink()  # as a process stopped between the two files leaves it
    assert ensure_key(store) == path
    assert load_public_key(public_path(path)) == load_private_key(path).public_key()
