"""The log's signing key, kept outside the database, and the signed checkpoints made with it.

Where the key lives (docs/ledger.md, "Keys"): ``$NATIJE_LEDGER_KEY`` when set; beside a SQLite file
(``natije.db`` → ``natije.db.ledger-key.pem``); for any other store (PostgreSQL) in the user's configuration
folder (``$XDG_CONFIG_HOME`` or ``~/.config``, ``natije/ledger-<host>-<port>-<database>.pem``). The public key
is the same path with ``.pub`` in place of ``.pem``. A store in memory has no key unless the variable names
one: its checkpoints are skipped.

The key is made when a store is created (``natije init``, the first import, ``natije demo``); a checkpoint is
made by each import that changed something (inside its transaction) and by ``natije checkpoint export``.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, insert

from natije.errors import ConfigurationError
from natije.ledger.checkpoint import (
    Checkpoint,
    generate_key,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
    sign,
)
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_log import log_for
from natije.store.staging import utcnow

ENV = "NATIJE_LEDGER_KEY"


def key_path(store: Store) -> Path | None:
    """Where the store's signing key is kept (``None``: a store in memory, without ``$NATIJE_LEDGER_KEY``)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    url = store.engine.url
    if store.dialect == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return Path(url.database + ".ledger-key.pem")
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "natije"
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{url.host or 'local'}-{url.port or ''}-{url.database or ''}")
    return base / f"ledger-{name}.pem"


def public_path(private: Path) -> Path:
    """The public key's file beside the signing key's."""
    return private.with_suffix(".pub")


def ensure_key(store: Store) -> Path | None:
    """Make the store's signing key (and its public key) unless it exists; return its path."""
    path = key_path(store)
    if path is None:
        return None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = generate_key()
        save_private_key(key, path)
        if not public_path(path).exists():
            save_public_key(key.public_key(), public_path(path))
    elif not public_path(path).exists():  # a process stopped between the two files: best effort, since
        try:  # checkpoints verify with the signing key's public half when the file is missing
            save_public_key(load_private_key(path).public_key(), public_path(path))
        except ConfigurationError:
            pass
    return path


def signing_key(store: Store) -> Ed25519PrivateKey | None:
    """The signing key, or ``None`` when the store has none (in memory, or not made yet)."""
    path = key_path(store)
    return None if path is None or not path.exists() else load_private_key(path)


def public_key(store: Store) -> Ed25519PublicKey | None:
    """The public key checkpoints verify with (read from the public file, else from the signing key)."""
    path = key_path(store)
    if path is None:
        return None
    if public_path(path).exists():
        return load_public_key(public_path(path))
    return load_private_key(path).public_key() if path.exists() else None


def origin(key: Ed25519PublicKey) -> str:
    """The log's name in its checkpoints: ``natije/`` and the first 8 bytes of the public key's SHA-256."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"natije/{hashlib.sha256(raw).hexdigest()[:16]}"


def signed_head(key: Ed25519PrivateKey, size: int, root: bytes, time: datetime) -> tuple[Checkpoint, str]:
    """The checkpoint of the tree of ``size`` leaves with ``root``, made at ``time`` (UTC), and its signed
    note."""
    head = Checkpoint(origin(key.public_key()), size, root, time)
    return head, sign(head, key)


def store_checkpoint(conn: Connection, head: Checkpoint, note: str) -> None:
    """Keep a signed checkpoint in ``ledger_checkpoints``."""
    conn.execute(
        insert(T.ledger_checkpoints).values(size=head.size, root=head.root, made_at=utcnow(), note=note)
    )


def checkpoint_in(conn: Connection, key: Ed25519PrivateKey) -> str:
    """Sign the log as the transaction ``conn`` leaves it and store the checkpoint; return the signed note."""
    log = log_for(conn)
    head, note = signed_head(key, log.size, log.tree.root(), log.time)
    store_checkpoint(conn, head, note)
    return note


def make_checkpoint(store: Store) -> str | None:
    """A new signed checkpoint of the whole log, stored; ``None`` when the store has no signing key."""
    key = signing_key(store)
    if key is None:
        return None
    store.ensure_ready()
    with store.transaction() as conn:
        return checkpoint_in(conn, key)
