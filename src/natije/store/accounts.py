"""Users and API tokens as rows; every change of one is appended to the log in the same transaction.

Each writer reads the row's logged form (:data:`natije.store.ledger_views.VIEWS`: no password hash, no token
digest) before and after its change and appends the entry, so ``natije verify`` finds any later SQL edit of
a role, an agency, a disabled mark or a token's scope. The caller opens the transaction and names the actor
first (``log_for(conn, actor)``). Two writes are deliberately not logged: a password hash made again with
stronger parameters on login (the password did not change) and a token's last use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from natije.domain.accounts import ApiToken, User
from natije.store import tables as T
from natije.store.ledger_log import log_for
from natije.store.ledger_views import VIEWS

_USER_COLUMNS = [c for c in T.users.c if c.name not in ("id", "password_hash")]


def _logged_change(conn: Connection, table: str, key: Any, change: Any) -> None:
    """Run ``change`` (an insert or update of the row ``key`` of ``table``); log the row before and after."""
    view = VIEWS[table]
    before = next(view.rows(conn, [(key,)]), None)
    conn.execute(change)
    after = next(view.rows(conn, [(key,)]), None)
    if before != after:
        log = log_for(conn)
        log.append([log.entry(table, before, after)])


def _user(row: RowMapping) -> User:
    return User(**{c.name: row[c.name] for c in _USER_COLUMNS})


def get_user(conn: Connection, login: str) -> User | None:
    """The user ``login`` (``None`` when there is none)."""
    row = conn.execute(select(*_USER_COLUMNS).where(T.users.c.login == login)).mappings().first()
    return None if row is None else _user(row)


def password_hash(conn: Connection, login: str) -> tuple[User, str] | None:
    """The user ``login`` and their password hash, for checking a password (``None``: no such user)."""
    t = T.users
    row = conn.execute(select(*_USER_COLUMNS, t.c.password_hash).where(t.c.login == login)).mappings().first()
    return None if row is None else (_user(row), row["password_hash"])


def list_users(conn: Connection) -> list[User]:
    """Every user, by login."""
    return [_user(r) for r in conn.execute(select(*_USER_COLUMNS).order_by(T.users.c.login)).mappings()]


def count_admins(conn: Connection) -> int:
    """How many active users are administrators."""
    t = T.users
    query = select(func.count()).select_from(t).where(t.c.role == "admin", t.c.disabled_at.is_(None))
    return int(conn.execute(query).scalar_one())


def insert_user(conn: Connection, user: User, hashed: str) -> None:
    """Add ``user`` with the password hash ``hashed`` (logged)."""
    row = {c.name: getattr(user, c.name) for c in _USER_COLUMNS}
    _logged_change(conn, "users", user.login, insert(T.users).values(**row, password_hash=hashed))


def update_user(conn: Connection, login: str, **values: Any) -> None:
    """Change the user ``login``'s columns (``password_hash`` among them: the change of ``password_set_at``
    is what the log records); logged."""
    _logged_change(conn, "users", login, update(T.users).where(T.users.c.login == login).values(**values))


def rehash_password(conn: Connection, login: str, hashed: str) -> None:
    """Keep the same password under a new hash (stronger parameters); nothing logged changes."""
    conn.execute(update(T.users).where(T.users.c.login == login).values(password_hash=hashed))


_TOKEN_COLUMNS = [c for c in T.api_tokens.c if c.name != "digest"]


def _token(row: RowMapping) -> ApiToken:
    values = {c.name: row[c.name] for c in _TOKEN_COLUMNS}
    return ApiToken(**{**values, "actions": tuple(a for a in values["actions"].split(";") if a)})


def insert_token(conn: Connection, token: ApiToken, digest: str) -> None:
    """Store ``token`` with the SHA-256 ``digest`` of its text (logged, without the digest)."""
    row = {c.name: getattr(token, c.name) for c in _TOKEN_COLUMNS}
    row["actions"] = ";".join(token.actions)
    _logged_change(conn, "api_tokens", token.id, insert(T.api_tokens).values(**row, digest=digest))


def get_token(conn: Connection, token_id: str) -> tuple[ApiToken, str] | None:
    """The token ``token_id`` and its digest (``None``: no such token)."""
    t = T.api_tokens
    row = conn.execute(select(*_TOKEN_COLUMNS, t.c.digest).where(t.c.id == token_id)).mappings().first()
    return None if row is None else (_token(row), row["digest"])


def list_tokens(conn: Connection) -> list[ApiToken]:
    """Every token, newest first."""
    t = T.api_tokens
    query = select(*_TOKEN_COLUMNS).order_by(t.c.created_at.desc(), t.c.id)
    return [_token(r) for r in conn.execute(query).mappings()]


def revoke_token(conn: Connection, token_id: str, at: datetime) -> None:
    """Mark the token ``token_id`` revoked at ``at`` (logged)."""
    t = T.api_tokens
    _logged_change(conn, "api_tokens", token_id, update(t).where(t.c.id == token_id).values(revoked_at=at))


def mark_used(conn: Connection, token_id: str, at: datetime, every_s: int = 60) -> None:
    """Note the token's use at ``at``, at most once every ``every_s`` seconds (not logged)."""
    t = T.api_tokens
    stale = t.c.last_used_at.is_(None) | (t.c.last_used_at < at - timedelta(seconds=every_s))
    conn.execute(update(t).where(t.c.id == token_id, stale).values(last_used_at=at))
