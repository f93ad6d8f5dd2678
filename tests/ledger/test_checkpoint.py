"""Signed checkpoints: the C2SP note form, Ed25519 signatures, tampering, and the key files."""

from __future__ import annotations

import base64
import hashlib
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from natije.errors import ConfigurationError
from natije.ledger.checkpoint import (
    Checkpoint,
    generate_key,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
    sign,
    verify_checkpoint,
)
from natije.ledger.verify import VerificationError

SEED = bytes(range(32))
ROOT = hashlib.sha256(b"root").digest()
HEAD = Checkpoint("natije.example/log", 42, ROOT, datetime(2026, 12, 7, 18, 30, 5, 123, tzinfo=UTC))


def _reason(note: str, key: Ed25519PrivateKey, name: str | None = None) -> str | None:
    try:
        verify_checkpoint(note, key.public_key(), name)
    except VerificationError as exc:
        return exc.reason
    return None


def test_the_note_text_is_fixed_by_the_checkpoint_and_the_key() -> None:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    note = sign(HEAD, key)
    body = (
        "natije.example/log\n42\n" + base64.b64encode(ROOT).decode() + "\ntime 2026-12-07T18:30:05.000123Z\n"
    )
    assert note.startswith(body + "\n\u2014 natije.example/log ")
    signature = base64.b64decode(note.split(" ")[-1])
    raw = key.public_key().public_bytes_raw()
    assert signature[:4] == hashlib.sha256(b"natije.example/log\n\x01" + raw).digest()[:4]
    key.public_key().verify(signature[4:], body.encode())
    assert note == sign(HEAD, key)  # Ed25519 is deterministic
    assert verify_checkpoint(note, key.public_key()) == HEAD


def test_every_changed_character_is_refused() -> None:
    key = generate_key()
    note = sign(HEAD, key)
    for i, char in enumerate(note):
        other = "0" if char != "0" else "1"
        assert _reason(note[:i] + other + note[i + 1 :], key) is not None, i


def test_another_key_or_name_does_not_verify() -> None:
    key, other = generate_key(), generate_key()
    note = sign(HEAD, key, name="witness-1")
    assert verify_checkpoint(note, key.public_key(), "witness-1") == HEAD
    assert _reason(note, other, "witness-1") == "signature"
    assert _reason(note, key) == "signature"  # by default the key is named as the origin
    both = note + sign(HEAD, other).split("\n\n")[1]
    assert verify_checkpoint(both, other.public_key()) == HEAD
    assert verify_checkpoint(both, key.public_key(), "witness-1") == HEAD


def test_a_forged_signature_with_the_right_key_id_is_refused() -> None:
    key = generate_key()
    note = sign(HEAD, key)
    head, encoded = note.rsplit(" ", 1)
    signature = bytearray(base64.b64decode(encoded))
    signature[-1] ^= 1
    assert _reason(f"{head} {base64.b64encode(signature).decode()}\n", key) == "signature"


@pytest.mark.parametrize(
    "body",
    [
        "log\n42\n{root}\n",  # no time
        "log\n042\n{root}\ntime 2026-12-07T18:30:05.000000Z\n",
        "log\n42\n{root}\ntime 2026-12-07T18:30:05Z\n",
        "log\n42\n{root}\ntime 2026-12-07T18:30:05.000000Z\nextra\n",
        " log\n42\n{root}\ntime 2026-12-07T18:30:05.000000Z\n",
        "log\n42\nAAAA\ntime 2026-12-07T18:30:05.000000Z\n",
    ],
)
def test_a_checkpoint_text_not_in_canonical_form_is_refused(body: str) -> None:
    with pytest.raises(VerificationError) as caught:
        Checkpoint.from_body(body.format(root=base64.b64encode(ROOT).decode()))
    assert caught.value.reason == "malformed"


def test_checkpoint_fields_are_checked() -> None:
    assert (
        HEAD.time
        == Checkpoint(HEAD.origin, 42, ROOT, HEAD.time.astimezone(timezone(timedelta(hours=5)))).time
    )
    for change in ({"origin": ""}, {"origin": "a\nb"}, {"size": -1}, {"size": True}, {"root": b"x"}):
        with pytest.raises(ValueError):
            Checkpoint(**({"origin": "o", "size": 1, "root": ROOT, "time": HEAD.time} | change))
    with pytest.raises(TypeError):
        Checkpoint("o", 1, ROOT, datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        sign(HEAD, generate_key(), name="two words")


def test_keys_are_saved_and_loaded(tmp_path: Path) -> None:
    key = generate_key()
    save_private_key(key, tmp_path / "log.key")
    save_public_key(key.public_key(), tmp_path / "log.pub")
    assert stat.S_IMODE((tmp_path / "log.key").stat().st_mode) == 0o600
    note = sign(HEAD, load_private_key(tmp_path / "log.key"))
    assert verify_checkpoint(note, load_public_key(tmp_path / "log.pub")) == HEAD


def test_key_file_errors_are_in_the_users_language(tmp_path: Path) -> None:
    key = generate_key()
    save_private_key(key, tmp_path / "log.key")
    with pytest.raises(ConfigurationError) as exists:
        save_private_key(generate_key(), tmp_path / "log.key")
    assert load_private_key(tmp_path / "log.key").private_bytes_raw() == key.private_bytes_raw()
    assert "никогда не перезаписывает" in exists.value.message_in("ru")
    with pytest.raises(ConfigurationError) as missing:
        load_public_key(tmp_path / "none.pub")
    assert "кілт файлын оқу мүмкін емес" in missing.value.message_in("kk")
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(ConfigurationError) as junk:
        load_private_key(tmp_path / "junk.pem")
    assert junk.value.message == f"'{tmp_path / 'junk.pem'}' is not an unencrypted Ed25519 key in PEM form"
    with pytest.raises(ConfigurationError):
        load_public_key(tmp_path / "log.key")  # a private key where the public one belongs
    with pytest.raises(ConfigurationError):
        save_public_key(key.public_key(), tmp_path / "no" / "such" / "dir.pub")
