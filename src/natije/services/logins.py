"""Signing in with a password, rate-limited per account and per address, every attempt recorded.

The limits count failed logins in the record (``auth_events``) that every worker of the web app shares, so
they agree: an account that failed :attr:`LoginLimits.per_account` times within the window (since its last
good login) or an address that failed :attr:`LoginLimits.per_address` times is refused, unchecked, until the
oldest failure that keeps it over the limit leaves the window. Attempts on one account or from one address
wait for each other (a lock per key), so parallel guesses cannot slip past the count. An unknown account,
a wrong password and a disabled account get the same answer after the same work, and each counts as a
failure; a refused attempt does not (an attacker cannot keep an account shut for longer than the window by
going on trying).

Examples
--------
>>> import os; os.environ["NATIJE_PASSWORD_HASHING"] = "test"
>>> from natije.services.accounts import NewUser, add_user, local_operator
>>> from natije.services.stores import open_store
>>> store = open_store(":memory:")
>>> _ = add_user(store, NewUser("dana", "Dana A.", "analyst"), "correct horse battery", by=local_operator())
>>> login(store, "Dana", "correct horse battery", address="10.0.0.7").principal()
Principal(role='analyst', agency=None, name='dana', scopes=None)
>>> login(store, "dana", "wrong horse battery")
Traceback (most recent call last):
...
natije.errors.PermissionDenied: wrong login or password
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from natije.domain.accounts import PASSWORD_MAX, User, normal_login
from natije.errors import PermissionDenied, Text
from natije.services.credentials import hash_password, password_matches, spend_like_a_check
from natije.store import Store
from natije.store import accounts as rows
from natije.store.auth_events import AuthEvent, failures, record
from natije.store.staging import utcnow

__all__ = ["LoginLimits", "login"]


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins an account (since its last good login) and an address may have within
    ``window`` before further attempts are refused unchecked."""

    per_account: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)


def login(
    store: Store,
    login: str,
    password: str,
    *,
    address: str | None = None,
    limits: LoginLimits = LoginLimits(),
    now: datetime | None = None,
) -> User:
    """The account ``login`` (any letter case) when ``password`` is its password and it is active.

    Raises PermissionDenied: ``error.login_failed`` for a wrong login or password or a disabled account (the
    same words for each), ``error.login_limited`` (with ``retry_after`` in seconds) when the account or the
    ``address`` has failed too often lately. A hash made with older parameters is made again.
    """
    name, address = normal_login(login)[:64], address[:64] if address else None  # as the record keeps them
    now = now or utcnow()
    keys = [f"login:{name}"] + ([f"address:{address}"] if address else [])
    with store.keyed_transaction(*keys) as conn:
        outcome = _attempt(conn, name, password, address, limits, now)
    if isinstance(outcome, PermissionDenied):
        raise outcome
    return outcome


def _attempt(
    conn: Connection, name: str, password: str, address: str | None, limits: LoginLimits, now: datetime
) -> User | PermissionDenied:
    """One attempt, recorded; the refusal is returned, not raised, so that its record is committed."""
    until = limited_until(conn, name, address, limits, now)
    if until is not None:
        wait = max(1, int((until - now).total_seconds() + 0.999))
        record(
            conn, AuthEvent(now, "login_limited", None, name, address=address, detail={"until": str(until)})
        )
        text = Text("error.login_limited", time=until.strftime("%H:%M"))
        return PermissionDenied(text, retry_after=wait)
    if len(password) > PASSWORD_MAX:  # never hashed: a megabyte of "password" is work asked of the server
        return _failed(conn, name, address, now, "too_long")
    found = rows.password_hash(conn, name)
    if found is None:
        spend_like_a_check(password)
        return _failed(conn, name, address, now, "unknown")
    user, stored = found
    matches, stale = password_matches(stored, password)
    if not matches:
        return _failed(conn, name, address, now, "password")
    if not user.active:
        return _failed(conn, name, address, now, "disabled")
    if stale:
        rows.rehash_password(conn, name, hash_password(password))
    record(conn, AuthEvent(now, "login", name, name, address=address))
    return user


def _failed(conn: Connection, name: str, address: str | None, now: datetime, reason: str) -> PermissionDenied:
    record(conn, AuthEvent(now, "login_failed", None, name, address=address, detail={"reason": reason}))
    return PermissionDenied(Text("error.login_failed"))


def limited_until(
    conn: Connection, name: str, address: str | None, limits: LoginLimits, now: datetime
) -> datetime | None:
    """When the account ``name`` and the ``address`` may try again, or ``None`` when they may now."""
    since = now - limits.window
    counted = [(failures(conn, since, login=name), limits.per_account)]
    if address:
        counted.append((failures(conn, since, address=address), limits.per_address))
    lifts = [times[len(times) - limit] + limits.window for times, limit in counted if len(times) >= limit]
    return max(lifts, default=None)
