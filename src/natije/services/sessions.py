"""Signed-in sessions of the web app: begun at a good login, found again on each request, ended at logout.

The browser holds a random session id (:data:`ID_BYTES` random bytes); the store keeps only its SHA-256, so
a copy of the table opens no session. A session is refused, and its row deleted, once it is past its
absolute end, idle for longer than :attr:`SessionPolicy.idle`, or when its user has been disabled or given a
new password since it began: each request reads the session with its user in one query. Each session has its
own CSRF secret, which the forms carry (:func:`csrf_matches`).

Examples
--------
>>> import os; os.environ["NATIJE_PASSWORD_HASHING"] = "test"
>>> from natije.services.accounts import NewUser, add_user, local_operator
>>> from natije.services.stores import open_store
>>> store = open_store(":memory:")
>>> _ = add_user(store, NewUser("dana", "Dana A.", "analyst"), "correct horse battery", by=local_operator())
>>> begun = sign_in(store, "dana", "correct horse battery")
>>> found = current_session(store, begun.text)
>>> found.principal.name, csrf_matches(found, begun.session.csrf_secret)
('dana', True)
>>> sign_out(store, begun.text); current_session(store, begun.text) is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.exc import InternalError, OperationalError

from natije.domain.access import Principal
from natije.services.logins import LoginLimits, login
from natije.store import Store
from natije.store import web_sessions as rows
from natije.store.auth_events import AuthEvent, record
from natije.store.staging import utcnow

__all__ = [
    "BegunSession",
    "Session",
    "SessionPolicy",
    "csrf_matches",
    "current_session",
    "new_secret",
    "sign_in",
    "sign_out",
]

ID_BYTES = 32
TOUCH_WAIT_MS = 200
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``idle`` without a request, ``absolute`` at most from its login."""

    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Session:
    """A session in force: who (``principal``, ``display_name``), its CSRF secret and when it ends."""

    principal: Principal
    display_name: str
    csrf_secret: str
    expires_at: datetime


@dataclass(frozen=True)
class BegunSession:
    """A session just begun: ``text`` is its id, for the cookie only (the store keeps its SHA-256)."""

    session: Session
    text: str


def new_secret() -> str:
    """A random URL-safe secret (:data:`ID_BYTES` bytes): a session id, a CSRF secret."""
    return secrets.token_urlsafe(ID_BYTES)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sign_in(
    store: Store,
    login_name: str,
    password: str,
    *,
    address: str | None = None,
    limits: LoginLimits | None = None,
    policy: SessionPolicy | None = None,
    now: datetime | None = None,
) -> BegunSession:
    """Check the password (:func:`natije.services.logins.login`: rate-limited, every attempt recorded) and
    begin a session of the user. Raises PermissionDenied (``error.login_failed``, or ``error.login_limited``
    with ``retry_after``)."""
    limits, policy = limits or LoginLimits(), policy or SessionPolicy()
    user = login(store, login_name, password, address=address, limits=limits, now=now)
    now = now or utcnow()
    text, csrf = new_secret(), new_secret()
    expires = now + policy.absolute
    with store.keyed_transaction(f"login:{user.login}") as conn:
        rows.end_stale(conn, now, policy.idle)
        rows.begin(conn, _digest(text), user.login, csrf, now, expires)
    return BegunSession(Session(user.principal(), user.display_name, csrf, expires), text)


def current_session(
    store: Store, text: str, *, policy: SessionPolicy | None = None, now: datetime | None = None
) -> Session | None:
    """The session whose id is ``text``, or ``None`` (no such session, ended, expired, idle too long, its
    user disabled or given a new password since it began: such a row is deleted)."""
    if not text or len(text) > 128:
        return None
    now, policy = now or utcnow(), policy or SessionPolicy()
    digest = _digest(text)
    with store.connect() as conn:
        found = rows.find(conn, digest)
    if found is None:
        return None
    user = found.user
    if (
        now >= found.expires_at
        or now - found.last_seen_at >= policy.idle
        or not user.active
        or user.password_set_at != found.password_set_at
    ):
        _write(store, lambda conn: rows.end(conn, digest))
        return None
    if now - found.last_seen_at >= timedelta(minutes=1):
        _write(store, lambda conn: rows.touch(conn, digest, now))
    return Session(user.principal(), user.display_name, found.csrf_secret, found.expires_at)


def sign_out(store: Store, text: str, *, now: datetime | None = None) -> None:
    """End the session ``text`` (its row deleted) and record the sign-out; nothing for an unknown one."""
    digest = _digest(text)
    with store.keyed_transaction(f"session:{digest}") as conn:
        found = rows.find(conn, digest)
        if found is None:
            return
        rows.end(conn, digest)
        login_name = found.user.login
        record(conn, AuthEvent(now or utcnow(), "logout", login_name, login_name))


def csrf_matches(session: Session, token: str | None) -> bool:
    """Whether a form's ``token`` is the session's CSRF secret (compared in constant time)."""
    return token is not None and hmac.compare_digest(session.csrf_secret.encode(), token.encode())


def _write(store: Store, change: Callable[[Connection], object]) -> None:
    """A write a reader may leave for the next request when another writer holds the store."""
    try:
        with store.skippable_transaction(TOUCH_WAIT_MS) as conn:
            change(conn)
    except (OperationalError, InternalError) as exc:
        log.info("session bookkeeping left for later: %s", exc.orig)
