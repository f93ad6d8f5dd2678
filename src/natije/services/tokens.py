"""API tokens for agencies' systems: made (shown once), listed, revoked, and turned back into a principal.

A token acts in one role for one agency, narrowed to the actions it was given (the permission table still
decides: :meth:`natije.domain.accounts.ApiToken.principal`), and always expires: by default after
:data:`DEFAULT_DAYS` days, at most :data:`MAX_DAYS` after it is made. The store keeps its SHA-256 only; making
and revoking one is logged and recorded like any change of rights.

Examples
--------
>>> from datetime import timedelta
>>> from natije.services.accounts import local_operator
>>> from natije.services.stores import open_store
>>> from natije.store.staging import utcnow
>>> store = open_store(":memory:")
>>> made = create_token(store, NewToken("warehouse", "analyst", None, utcnow() + timedelta(days=30)),
...                     by=local_operator())
>>> authenticate_token(store, made.text).role, authenticate_token(store, made.text + "x")
('analyst', None)
>>> _ = revoke_token(store, made.token.id, by=local_operator())
>>> authenticate_token(store, made.text) is None
True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import InternalError, OperationalError

from natije.domain.access import Principal, require
from natije.domain.accounts import ApiToken, NewToken
from natije.errors import Expected, NotFound, Problem, Text, ValidationError
from natije.services.accounts import changing, check_agency
from natije.services.credentials import digest_matches, new_token, token_id
from natije.store import Store
from natije.store import accounts as rows
from natije.store.auth_events import AuthEvent, record
from natije.store.staging import utcnow

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "ApiToken",
    "CreatedToken",
    "NewToken",
    "authenticate_token",
    "create_token",
    "list_tokens",
    "revoke_token",
]

DEFAULT_DAYS = 90
MAX_DAYS = 366
USE_WAIT_MS = 200
"""How long noting a token's last use may wait for another writer before it is left for the next use."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreatedToken:
    """A token just made: ``text`` is the token itself, shown this once and kept nowhere."""

    token: ApiToken
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.token.to_dict(), "token": self.text}


def default_expiry(now: datetime | None = None) -> datetime:
    """When a token made ``now`` expires unless told otherwise: the start (UTC) of the day
    :data:`DEFAULT_DAYS` days later."""
    day = (now or utcnow()).date() + timedelta(days=DEFAULT_DAYS)
    return datetime(day.year, day.month, day.day)


def create_token(
    store: Store, request: NewToken, *, by: Principal, now: datetime | None = None
) -> CreatedToken:
    """Make the token ``request`` asks for. Raises ValidationError (an expiry not in the next
    :data:`MAX_DAYS` days, an unknown agency) and PermissionDenied."""
    require(by, "manage_tokens")
    now = now or utcnow()
    if not now < request.expires_at <= now + timedelta(days=MAX_DAYS):
        expected = Expected("expected.token_expiry", days=MAX_DAYS)
        raise ValidationError(
            Problem("expires", None, None, str(request.expires_at), expected, code="expires")
        )
    secret = new_token()
    with changing(store, by, "manage_tokens") as conn:
        check_agency(conn, request.agency)
        token = ApiToken(
            secret.id,
            request.name,
            request.role,
            request.agency,
            request.actions,
            request.expires_at,
            now,
            by.name,
        )
        rows.insert_token(conn, token, secret.digest)
        scope = {"role": token.role, "agency": token.agency, "actions": list(token.actions)}
        detail = {**scope, "expires_at": str(token.expires_at)}
        record(conn, AuthEvent(now, "token_created", by.name, token=token.id, detail=detail))
    return CreatedToken(token, secret.text)


def list_tokens(
    store: Store, *, by: Principal, everything: bool = False, now: datetime | None = None
) -> list[ApiToken]:
    """The tokens in force, newest first (``everything``: the revoked and expired ones too). Raises
    PermissionDenied unless ``by`` may read the audit record."""
    require(by, "read_audit")
    now = now or utcnow()
    with store.connect() as conn:
        tokens = rows.list_tokens(conn)
    return tokens if everything else [t for t in tokens if t.status(now) == "active"]


def revoke_token(store: Store, ident: str, *, by: Principal, now: datetime | None = None) -> ApiToken:
    """Revoke the token ``ident`` (its id, or the token itself): it is refused from now on. Revoking a
    revoked token changes nothing. Raises NotFound, PermissionDenied."""
    ident = token_id(ident) or ident.strip()
    now = now or utcnow()
    with changing(store, by, "manage_tokens") as conn:
        found = rows.get_token(conn, ident)
        if found is None:
            raise NotFound(Text("error.token_not_found", token=ident), token=ident)
        if found[0].revoked_at is None:
            rows.revoke_token(conn, ident, now)
            record(conn, AuthEvent(now, "token_revoked", by.name, token=ident))
        token = rows.get_token(conn, ident)
        assert token is not None
        return token[0]


def authenticate_token(
    store: Store, text: str, *, address: str | None = None, now: datetime | None = None
) -> Principal | None:
    """The principal of the bearer token ``text``, or ``None`` for anything else: not a natije token, no such
    token, a wrong secret (compared in constant time), revoked, expired. A refused token of a known id is
    recorded; a good one notes its use (at most once a minute)."""
    ident = token_id(text)
    if ident is None:
        return None
    now = now or utcnow()
    with store.connect() as conn:
        found = rows.get_token(conn, ident)
    if found is None:
        return None
    token, digest = found
    if not digest_matches(text, digest):
        refused = "secret"
    elif token.revoked_at is not None:
        refused = "revoked"
    elif now >= token.expires_at:
        refused = "expired"
    else:
        if token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1):
            _note_use(store, ident, now)
        return token.principal()
    with store.keyed_transaction(f"token:{ident}") as conn:  # a refusal is always recorded
        detail = {"reason": refused}
        record(conn, AuthEvent(now, "token_refused", None, token=ident, address=address, detail=detail))
    return None


def _note_use(store: Store, ident: str, now: datetime) -> None:
    """Note the token's use, unless another writer holds the store (an import on SQLite): a last use is
    bookkeeping, never a reason to keep a request waiting."""
    try:
        with store.skippable_transaction(USE_WAIT_MS) as conn:
            rows.mark_used(conn, ident, now)
    except (OperationalError, InternalError) as exc:
        log.info("last use of token %s not noted: %s", ident, exc.orig)
