"""Secrets at rest: passwords hashed with Argon2id, API tokens made with :mod:`secrets` and kept as SHA-256.

Passwords use argon2-cffi with the RFC 9106 low-memory profile (Argon2id, 3 passes over 64 MiB, 4 lanes);
only tests set ``NATIJE_PASSWORD_HASHING=test`` for a profile that costs microseconds. A hash made with other
parameters than the ones in force verifies as before and is made again on the next good login
(:func:`password_matches` says so).

An API token is ``nj_`` + a public id of 12 hex digits + ``_`` + 32 random bytes in URL-safe base64: the
prefix makes a leaked token recognisable (secret scanners, logs), the id finds its row and names it in lists
and in the record, and the store keeps only the SHA-256 of the whole token. A slow hash would add nothing: the
token has 256 random bits, nobody can guess it from its digest.

>>> token = new_token()
>>> token.text.startswith("nj_") and token_id(token.text) == token.id and len(token.digest) == 64
True
>>> token_id("nj_zz_secret"), token_id("Bearer something")
(None, None)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from natije.errors import ConfigurationError, Text

if TYPE_CHECKING:
    from argon2 import PasswordHasher

HASHING_ENV = "NATIJE_PASSWORD_HASHING"
"""``test`` for cheap password hashing (tests only); unset for the real parameters."""
TOKEN_PREFIX = "nj_"
_TOKEN = re.compile(r"nj_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


@cache
def _hasher(profile: str) -> PasswordHasher:
    from argon2 import PasswordHasher, Type, profiles
    from argon2.profiles import Parameters

    if profile == "":
        return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    if profile == "test":
        cheap = Parameters(Type.ID, 19, salt_len=16, hash_len=32, time_cost=1, memory_cost=8, parallelism=1)
        return PasswordHasher.from_parameters(cheap)
    raise ConfigurationError(Text("error.password_hashing", value=profile, env=HASHING_ENV), value=profile)


def hasher() -> PasswordHasher:
    """The password hasher of the parameters in force (``NATIJE_PASSWORD_HASHING``)."""
    return _hasher(os.environ.get(HASHING_ENV, "").strip())


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` in PHC string form (salt and parameters included)."""
    return hasher().hash(password)


def password_matches(stored: str, password: str) -> tuple[bool, bool]:
    """Whether ``password`` matches the ``stored`` hash, and whether the hash should be made again with the
    parameters in force (only ever true for a match)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    current = hasher()
    try:
        current.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, current.check_needs_rehash(stored)


@cache
def _decoy(profile: str) -> str:
    return _hasher(profile).hash(secrets.token_urlsafe(16))


def spend_like_a_check(password: str) -> None:
    """Do the work of checking a password against a hash, for a login no account has: so how long a login
    takes does not tell whether the account exists."""
    password_matches(_decoy(os.environ.get(HASHING_ENV, "").strip()), password)


@dataclass(frozen=True)
class NewSecret:
    """A token as made: ``text`` is shown once and never stored; ``digest`` is what the store keeps."""

    id: str
    text: str
    digest: str


def token_digest(text: str) -> str:
    """The SHA-256 of a token, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_token() -> NewSecret:
    """A new API token: its public id, the token itself and its digest."""
    ident = secrets.token_hex(6)
    text = f"{TOKEN_PREFIX}{ident}_{secrets.token_urlsafe(32)}"
    return NewSecret(ident, text, token_digest(text))


def token_id(text: str) -> str | None:
    """The public id of a string shaped like a natije token, else ``None`` (nothing to look up)."""
    found = _TOKEN.fullmatch(text.strip())
    return found.group(1) if found else None


def digest_matches(text: str, stored: str) -> bool:
    """Whether ``text`` is the token whose digest is ``stored`` (compared in constant time)."""
    return hmac.compare_digest(token_digest(text.strip()), stored)
