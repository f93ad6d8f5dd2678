"""User accounts: add, list, disable, enable, change rights or password; the record of logins and changes.

Every function takes the principal acting (``by``) and asks the permission table (:mod:`natije.domain.access`)
first. Each change runs in one transaction that also appends it to the tamper-evident log (the actor is
``by.name``; never a password or its hash) and to the record of logins and changes of rights
(``auth_events``). Checking a password at login is :mod:`natije.services.logins`; API tokens are
:mod:`natije.services.tokens`.

Examples
--------
>>> import os; os.environ["NATIJE_PASSWORD_HASHING"] = "test"
>>> from natije.services.stores import open_store
>>> store, me = open_store(":memory:"), local_operator()
>>> add_user(store, NewUser("dana", "Dana A.", "analyst"), "correct horse battery", by=me).role
'analyst'
>>> grant(store, Grant("dana", "auditor"), by=me).role
'auditor'
>>> [(u.login, u.role, u.active) for u in list_users(store, by=me)]
[('dana', 'auditor', True)]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, select

from natije.domain.access import Principal, require
from natije.domain.accounts import Grant, NewUser, User, password_problems
from natije.errors import Expected, NotFound, PermissionDenied, Problem, Text, ValidationError
from natije.services.credentials import hash_password
from natije.services.ledger_keys import checkpoint_in, signing_key
from natije.store import Store
from natije.store import accounts as rows
from natije.store import tables as T
from natije.store.auth_events import AuthEvent, events, record
from natije.store.ledger_log import log_for
from natije.store.staging import utcnow

__all__ = [
    "AuthEvent",
    "Grant",
    "NewUser",
    "User",
    "add_user",
    "auth_events",
    "disable_user",
    "enable_user",
    "grant",
    "list_users",
    "local_operator",
    "set_password",
]


def local_operator() -> Principal:
    """Whoever runs natije on the store's own machine: they hold the database and so every right (``admin``);
    the log and the record name them ``cli:USER`` after their operating-system account."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        user = "unknown"
    return Principal("admin", name=f"cli:{user}")


@contextmanager
def changing(store: Store, by: Principal, action: str) -> Iterator[Connection]:
    """The transaction of a change of accounts or tokens by ``by`` (allowed ``action`` or PermissionDenied):
    the store made or migrated first (so rows it held before it had a log are logged before this change),
    the log's actor named, and the log signed as the change leaves it (a checkpoint, when the store has a
    key), as an import signs it."""
    from natije.services.catalog import ensure_store

    require(by, action)
    ensure_store(store)
    key = signing_key(store)
    with store.transaction() as conn:
        log = log_for(conn, by.name)
        size = log.size
        yield conn
        if key is not None and log.size > size:
            checkpoint_in(conn, key)


def check_agency(conn: Connection, agency: str | None) -> None:
    """ValidationError unless ``agency`` is ``None`` or an agency the store knows."""
    if agency is None:
        return
    if conn.execute(select(T.agencies.c.id).where(T.agencies.c.code == agency)).first() is None:
        expected = Expected("expected.code_known", column="agency")
        raise ValidationError(Problem("agency", None, None, agency, expected, code="agency"))


def _check_password(password: str, login: str) -> None:
    problems = password_problems(password, login)
    if problems:
        raise ValidationError(problems)


def _existing(conn: Connection, login: str) -> User:
    user = rows.get_user(conn, login)
    if user is None:
        raise NotFound(Text("error.user_not_found", login=login), login=login)
    return user


def _rights(user: User) -> dict[str, Any]:
    return {"role": user.role, "agency": user.agency}


def add_user(store: Store, request: NewUser, password: str, *, by: Principal) -> User:
    """Add the account ``request`` with ``password`` (hashed with Argon2id; never stored or logged as
    given). Raises ValidationError (a login taken or malformed, name, role, agency, password) and
    PermissionDenied."""
    _check_password(password, request.login)
    hashed = hash_password(password)  # before the transaction: seconds of work under no lock
    with changing(store, by, "manage_users") as conn:
        check_agency(conn, request.agency)
        if rows.get_user(conn, request.login) is not None:
            raise ValidationError(
                Problem("login", None, None, request.login, Expected("expected.login_free"), code="login")
            )
        now = utcnow()
        user = User(request.login, request.display_name, request.role, request.agency, now, by.name, now)
        rows.insert_user(conn, user, hashed)
        record(conn, AuthEvent(now, "user_added", by.name, user.login, detail=_rights(user)))
    return user


def list_users(store: Store, *, by: Principal) -> list[User]:
    """Every account, by login (PermissionDenied unless ``by`` may read the audit record)."""
    require(by, "read_audit")
    with store.connect() as conn:
        return rows.list_users(conn)


def _set_disabled(store: Store, login: str, disabled: bool, by: Principal) -> User:
    with changing(store, by, "manage_users") as conn:
        user = _existing(conn, login)
        if user.active == (not disabled):
            return user
        if disabled and user.role == "admin" and rows.count_admins(conn) <= 1:
            raise PermissionDenied(Text("error.last_admin", login=login), login=login)
        now = utcnow()
        rows.update_user(conn, login, disabled_at=now if disabled else None)
        kind = "user_disabled" if disabled else "user_enabled"
        record(conn, AuthEvent(now, kind, by.name, login))
        return _existing(conn, login)


def disable_user(store: Store, login: str, *, by: Principal) -> User:
    """Disable the account ``login``: it can no longer sign in (kept, with its history). Raises NotFound,
    PermissionDenied (also for the last active administrator)."""
    return _set_disabled(store, login.strip().casefold(), True, by)


def enable_user(store: Store, login: str, *, by: Principal) -> User:
    """Let the disabled account ``login`` sign in again. Raises NotFound, PermissionDenied."""
    return _set_disabled(store, login.strip().casefold(), False, by)


def grant(store: Store, request: Grant, *, by: Principal) -> User:
    """Give the account ``request.login`` a new role (and agency). Raises NotFound, ValidationError (an
    agency role without an agency, an unknown agency), PermissionDenied (also for demoting the last active
    administrator)."""
    with changing(store, by, "manage_users") as conn:
        user = _existing(conn, request.login)
        role, agency = request.applied_to(user)
        check_agency(conn, agency)
        if (role, agency) == (user.role, user.agency):
            return user
        if user.role == "admin" and role != "admin" and user.active and rows.count_admins(conn) <= 1:
            raise PermissionDenied(Text("error.last_admin", login=user.login), login=user.login)
        rows.update_user(conn, user.login, role=role, agency=agency)
        after = _existing(conn, user.login)
        detail = {"before": _rights(user), "after": _rights(after)}
        record(conn, AuthEvent(utcnow(), "user_granted", by.name, user.login, detail=detail))
        return after


def set_password(store: Store, login: str, password: str, *, by: Principal) -> User:
    """Give the account ``login`` a new password (the log records when, never what). Raises NotFound,
    ValidationError, PermissionDenied."""
    login = login.strip().casefold()
    _check_password(password, login)
    hashed = hash_password(password)
    with changing(store, by, "manage_users") as conn:
        _existing(conn, login)
        now = utcnow()
        rows.update_user(conn, login, password_hash=hashed, password_set_at=now)
        record(conn, AuthEvent(now, "password_set", by.name, login))
        return _existing(conn, login)


def auth_events(
    store: Store, *, by: Principal, login: str | None = None, limit: int = 100
) -> list[AuthEvent]:
    """The newest ``limit`` events of the record of logins and changes of rights (of one account when
    ``login`` is given), newest first. Raises PermissionDenied unless ``by`` may read the audit record."""
    require(by, "read_audit")
    with store.connect() as conn:
        return events(conn, None if login is None else login.strip().casefold(), limit)
