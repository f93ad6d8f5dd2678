"""Signed checkpoints (signed tree heads) and the log's Ed25519 key files.

A checkpoint says: log ``origin`` had ``size`` entries with root hash ``root`` at ``time``. Its text and
signature follow the C2SP checkpoint and signed-note formats (docs/ledger.md), so tools made for those read it
too. Reading and verifying is :func:`natije.ledger.verify.verify_checkpoint`; this module signs, keeps keys.

Examples
--------
>>> from datetime import UTC, datetime
>>> key = generate_key()
>>> head = Checkpoint("natije.example/log", 0, EMPTY_ROOT, datetime(2026, 12, 7, tzinfo=UTC))
>>> verify_checkpoint(sign(head, key), key.public_key()) == head
True
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from natije.errors import ConfigurationError, Text
from natije.ledger.verify import EMPTY_ROOT, SIGNATURE_DASH, Checkpoint, key_id, verify_checkpoint

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "generate_key",
    "load_private_key",
    "load_public_key",
    "save_private_key",
    "save_public_key",
    "sign",
    "verify_checkpoint",
]


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey, name: str | None = None) -> str:
    """The checkpoint as a signed note: its text, a blank line, and the signature line of ``key``.

    ``name`` is the key's name in the note (no spaces or ``+``), by default the checkpoint's origin.
    """
    name = checkpoint.origin if name is None else name
    if not name or not name.isprintable() or " " in name or "+" in name:
        raise ValueError(f"key name {name!r}: printable, without spaces or '+'")
    body = checkpoint.body()
    signature = key_id(name, key.public_key()) + key.sign(body.encode())
    return f"{body}\n{SIGNATURE_DASH}{name} {base64.b64encode(signature).decode()}\n"


def generate_key() -> Ed25519PrivateKey:
    """A new Ed25519 signing key for a log."""
    return Ed25519PrivateKey.generate()


def save_private_key(key: Ed25519PrivateKey, path: Path) -> None:
    """Write ``key`` as unencrypted PKCS#8 PEM, readable by its owner only; never replaces a file."""
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_new(path, pem, 0o600)


def save_public_key(key: Ed25519PublicKey, path: Path) -> None:
    """Write the public key (SubjectPublicKeyInfo PEM) that verifiers are given; never replaces a file."""
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _write_new(path, pem, 0o644)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The signing key in ``path`` (PEM); raises ``ConfigurationError`` when it is missing or not Ed25519."""
    key = _parse(path, lambda pem: serialization.load_pem_private_key(pem, password=None))
    if isinstance(key, Ed25519PrivateKey):
        return key
    raise ConfigurationError(Text("error.ledger_key_invalid", path=str(path)))


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key in ``path`` (PEM); raises ``ConfigurationError`` when it is missing or not Ed25519."""
    key = _parse(path, serialization.load_pem_public_key)
    if isinstance(key, Ed25519PublicKey):
        return key
    raise ConfigurationError(Text("error.ledger_key_invalid", path=str(path)))


def _parse(path: Path, parse: Callable[[bytes], object]) -> object:
    try:
        return parse(_read(path))
    except (ValueError, TypeError) as exc:  # TypeError: an encrypted private key
        raise ConfigurationError(Text("error.ledger_key_invalid", path=str(path))) from exc


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            Text("error.ledger_key_unreadable", path=str(path), reason=exc.strerror or str(exc))
        ) from exc


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file ``path`` whole or not at all: a process killed while writing leaves at
    most a stray temporary file, never a truncated key that would refuse every later load."""
    path = Path(path)
    if path.exists():
        raise ConfigurationError(Text("error.ledger_key_exists", path=str(path)))
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)  # unlike a rename, a link never replaces a file another process made
    except FileExistsError as exc:
        raise ConfigurationError(Text("error.ledger_key_exists", path=str(path))) from exc
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    finally:
        os.unlink(temporary)


def _unwritable(path: Path, exc: OSError) -> ConfigurationError:
    return ConfigurationError(
        Text("error.ledger_key_unwritable", path=str(path), reason=exc.strerror or str(exc))
    )
