"""Signed-in web sessions as rows (``web_sessions``): begun, found with their user in one query, touched,
ended. The caller hands in the SHA-256 of the session id; the id itself never reaches the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from natije.domain.accounts import User
from natije.store import tables as T
from natije.store.accounts import _USER_COLUMNS, _user


@dataclass(frozen=True)
class SessionRow:
    """A stored session and its user as the users table has them now."""

    user: User
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    password_set_at: datetime
    csrf_secret: str


def begin(
    conn: Connection, digest: str, login: str, csrf_secret: str, now: datetime, expires_at: datetime
) -> bool:
    """Store the session ``digest`` of the user ``login``; ``False`` when there is no such user."""
    u = T.users
    found = conn.execute(select(u.c.id, u.c.password_set_at).where(u.c.login == login)).first()
    if found is None:
        return False
    values = {
        "digest": digest,
        "user_id": found.id,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": expires_at,
        "password_set_at": found.password_set_at,
        "csrf_secret": csrf_secret,
    }
    conn.execute(insert(T.web_sessions).values(**values))
    return True


def find(conn: Connection, digest: str) -> SessionRow | None:
    """The session ``digest`` with its user (``None``: no such session)."""
    s, u = T.web_sessions, T.users
    query = (
        select(
            *_USER_COLUMNS,
            s.c.created_at.label("s_created_at"),
            s.c.last_seen_at,
            s.c.expires_at,
            s.c.password_set_at.label("s_password_set_at"),
            s.c.csrf_secret,
        )
        .join_from(s, u, s.c.user_id == u.c.id)
        .where(s.c.digest == digest)
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    return SessionRow(
        _user(row),
        row["s_created_at"],
        row["last_seen_at"],
        row["expires_at"],
        row["s_password_set_at"],
        row["csrf_secret"],
    )


def touch(conn: Connection, digest: str, now: datetime, every_s: int = 60) -> None:
    """Note the session's use at ``now``, at most once every ``every_s`` seconds."""
    s = T.web_sessions
    stale = s.c.last_seen_at < now - timedelta(seconds=every_s)
    conn.execute(update(s).where(s.c.digest == digest, stale).values(last_seen_at=now))


def end(conn: Connection, digest: str) -> int:
    """Delete the session ``digest``; how many rows went (0 or 1)."""
    return conn.execute(delete(T.web_sessions).where(T.web_sessions.c.digest == digest)).rowcount or 0


def end_stale(conn: Connection, now: datetime, idle: timedelta) -> int:
    """Delete every session past its absolute end or idle for longer than ``idle``; how many went."""
    s = T.web_sessions
    query = delete(s).where((s.c.expires_at <= now) | (s.c.last_seen_at <= now - idle))
    return conn.execute(query).rowcount or 0
