"""The record of logins and changes of rights (table ``auth_events``): appended, read back, and counted for
login rate limits.

Every worker of the web app writes and counts in the same table, so they agree on how many times an account
or an address has failed lately.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from natije.store import tables as T

KINDS = (
    "login",
    "login_failed",
    "login_limited",
    "logout",
    "user_added",
    "user_disabled",
    "user_enabled",
    "user_granted",
    "password_set",
    "token_created",
    "token_revoked",
    "token_refused",
)
"""What the record holds: a login (``login``), a wrong password or unknown or disabled account
(``login_failed``), a login refused unchecked by the rate limits (``login_limited``), a sign-out of the web
app (``logout``), each change of an account, each token made or revoked, and each use of an expired,
revoked or wrong token of a known id (``token_refused``)."""


@dataclass(frozen=True)
class AuthEvent:
    """One event of the record."""

    at: datetime
    kind: str
    actor: str | None = None
    login: str | None = None
    token: str | None = None
    address: str | None = None
    detail: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "actor": self.actor,
            "login": self.login,
            "token": self.token,
            "address": self.address,
            "detail": dict(self.detail) if self.detail is not None else None,
        }


def record(conn: Connection, event: AuthEvent) -> None:
    """Append ``event`` to the record."""
    if event.kind not in KINDS:
        raise ValueError(f"unknown event kind {event.kind!r}")
    detail = (
        None if event.detail is None else json.dumps(dict(event.detail), ensure_ascii=False, sort_keys=True)
    )
    values = {**event.to_dict(), "at": event.at, "detail": detail}
    values["login"] = None if event.login is None else event.login[:64]
    values["address"] = None if event.address is None else event.address[:64]
    conn.execute(insert(T.auth_events).values(**values))


def events(conn: Connection, login: str | None = None, limit: int = 100) -> list[AuthEvent]:
    """The newest ``limit`` events (of the account ``login`` only, when given), newest first."""
    t = T.auth_events
    query = select(t).order_by(t.c.id.desc()).limit(limit)
    if login is not None:
        query = query.where(t.c.login == login)
    return [
        AuthEvent(
            r.at, r.kind, r.actor, r.login, r.token, r.address, json.loads(r.detail) if r.detail else None
        )
        for r in conn.execute(query)
    ]


def failures(
    conn: Connection, since: datetime, *, login: str | None = None, address: str | None = None
) -> list[datetime]:
    """When logins failed since ``since`` (oldest first): of the account ``login`` after its last good login,
    or from ``address``."""
    t = T.auth_events
    query = select(t.c.at).where(t.c.kind == "login_failed", t.c.at >= since).order_by(t.c.at)
    if login is not None:
        last_good = select(t.c.at).where(t.c.login == login, t.c.kind == "login").order_by(t.c.at.desc())
        good = conn.execute(last_good.limit(1)).scalar()
        query = query.where(t.c.login == login)
        if good is not None:
            query = query.where(t.c.at > good)
    if address is not None:
        query = query.where(t.c.address == address)
    return list(conn.execute(query).scalars())
