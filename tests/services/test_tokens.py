"""API tokens on SQLite and PostgreSQL: made once, kept as a digest, scoped, expiring, revocable; a bearer
token back to its principal or to nothing."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from accounts_store import OPERATOR, add_agencies
from log_edits import read_log
from sqlalchemy import select, text

from natije.domain.access import Principal, allowed
from natije.errors import NotFound, PermissionDenied, ValidationError
from natije.services import credentials
from natije.services.accounts import auth_events
from natije.services.tokens import (
    NewToken,
    authenticate_token,
    create_token,
    default_expiry,
    list_tokens,
    revoke_token,
)
from natije.store import Store
from natije.store import tables as T
from natije.store.staging import utcnow


@pytest.fixture
def agencies(store: Store) -> Store:
    add_agencies(store, "MDAI", "MF")
    return store


def reporter_token(store: Store, days: int = 30, **kwargs: object) -> tuple[str, str, datetime]:
    """A reporter token of MDAI: (id, token, expiry)."""
    expires = utcnow() + timedelta(days=days)
    request = NewToken("MDAI warehouse", "reporter", "MDAI", expires, **kwargs)  # type: ignore[arg-type]
    made = create_token(store, request, by=OPERATOR)
    return made.token.id, made.text, expires


def test_a_token_is_shown_once_and_kept_only_as_its_digest(agencies: Store) -> None:
    ident, token, _ = reporter_token(agencies)
    assert token.startswith(f"nj_{ident}_") and len(token) == 3 + 12 + 1 + 43
    with agencies.connect() as conn:
        row = conn.execute(select(T.api_tokens).where(T.api_tokens.c.id == ident)).mappings().one()
        everything = " ".join(
            str(v) for t in (T.api_tokens, T.auth_events) for r in conn.execute(select(t)) for v in r
        )
        logged = b"".join(entry for _, entry in read_log(conn))
    assert row["digest"] == credentials.token_digest(token) != token
    secret = token.split("_", 2)[2]
    assert secret not in everything and secret.encode() not in logged
    assert row["digest"].encode() not in logged and b"digest" not in logged
    assert [t.id for t in list_tokens(agencies, by=OPERATOR)] == [ident]


def test_a_good_token_is_its_principal_narrowed_to_its_actions(agencies: Store) -> None:
    ident, token, _ = reporter_token(agencies, actions=("submit",))
    principal = authenticate_token(agencies, f"  {token}\n")
    assert principal == Principal("reporter", "MDAI", f"token:{ident}", frozenset({"submit"}))
    assert allowed(principal, "submit", "MDAI") and not allowed(principal, "submit", "MF")
    assert not allowed(principal, "read_unpublished", "MDAI")  # its role could, the token may not
    [listed] = list_tokens(agencies, by=OPERATOR)
    assert listed.last_used_at is not None


def test_a_default_token_holds_every_action_its_role_may(agencies: Store) -> None:
    _, token, _ = reporter_token(agencies)
    principal = authenticate_token(agencies, token)
    assert principal is not None and principal.scopes == {"read_published", "read_unpublished", "submit"}


@pytest.mark.parametrize(
    "garbage",
    ["", "Bearer x", "nj_", "nj_0123456789ab_short", "ghp_" + "a" * 36, "nj_zzzzzzzzzzzz_" + "a" * 43],
)
def test_anything_but_a_token_is_nobody(agencies: Store, garbage: str) -> None:
    assert authenticate_token(agencies, garbage) is None


def test_a_wrong_secret_of_a_known_id_is_refused_and_recorded(
    agencies: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, token, _ = reporter_token(agencies)
    compared: list[tuple[str, str]] = []
    real = credentials.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(credentials.hmac, "compare_digest", spy)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert authenticate_token(agencies, forged, address="203.0.113.9") is None
    assert len(compared) == 1  # compared in constant time, not with ==
    event = auth_events(agencies, by=OPERATOR)[0]
    assert (event.kind, event.token, event.address, event.detail) == (
        "token_refused",
        ident,
        "203.0.113.9",
        {"reason": "secret"},
    )
    assert authenticate_token(agencies, token) is not None


def test_an_expired_token_is_refused(agencies: Store) -> None:
    _, token, expires = reporter_token(agencies, days=1)
    assert authenticate_token(agencies, token, now=expires - timedelta(seconds=1)) is not None
    assert authenticate_token(agencies, token, now=expires) is None
    assert auth_events(agencies, by=OPERATOR)[0].detail == {"reason": "expired"}
    assert list_tokens(agencies, by=OPERATOR, now=expires) == []
    [old] = list_tokens(agencies, by=OPERATOR, now=expires, everything=True)
    assert old.status(expires) == "expired"


def test_a_revoked_token_is_refused_at_once(agencies: Store) -> None:
    ident, token, _ = reporter_token(agencies)
    other, other_token, _ = reporter_token(agencies)
    assert authenticate_token(agencies, token) is not None
    revoked = revoke_token(agencies, token, by=OPERATOR)  # by the token itself
    assert revoked.id == ident and revoked.revoked_at is not None
    assert authenticate_token(agencies, token) is None
    assert authenticate_token(agencies, other_token) is not None
    assert revoke_token(agencies, ident, by=OPERATOR).revoked_at == revoked.revoked_at  # once is enough
    kinds = [e.kind for e in auth_events(agencies, by=OPERATOR)]
    assert kinds.count("token_revoked") == 1 and kinds[0] == "token_refused"
    assert [t.id for t in list_tokens(agencies, by=OPERATOR)] == [other]
    with pytest.raises(NotFound):
        revoke_token(agencies, "0123456789ab", by=OPERATOR)


@pytest.mark.parametrize(
    ("role", "agency", "actions", "field"),
    [
        ("reporter", None, (), "agency"),
        ("admin", None, (), "role"),
        ("reporter", "MDAI", ("approve",), "action"),
        ("analyst", None, ("manage_users",), "action"),
        ("reporter", "NOPE", (), "agency"),
    ],
)
def test_tokens_beyond_their_role_are_refused(
    agencies: Store, role: str, agency: str | None, actions: tuple[str, ...], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        create_token(agencies, NewToken("x", role, agency, default_expiry(), actions), by=OPERATOR)
    assert [p.file for p in info.value.problems] == [field]
    with agencies.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 0


@pytest.mark.parametrize("days", [-1, 0, 367])
def test_a_token_expires_within_a_year_and_in_the_future(agencies: Store, days: int) -> None:
    now = utcnow()
    with pytest.raises(ValidationError) as info:
        create_token(
            agencies, NewToken("x", "analyst", None, now + timedelta(days=days)), by=OPERATOR, now=now
        )
    assert info.value.problems[0].file == "expires"


def test_only_an_administrator_makes_or_revokes_tokens(agencies: Store) -> None:
    ident, _, _ = reporter_token(agencies)
    for role in ("reporter", "approver", "analyst", "auditor"):
        someone = Principal(role, "MDAI", "someone")
        with pytest.raises(PermissionDenied):
            create_token(agencies, NewToken("x", "analyst", None, default_expiry()), by=someone)
        with pytest.raises(PermissionDenied):
            revoke_token(agencies, ident, by=someone)
    assert list_tokens(agencies, by=Principal("auditor", name="a"))[0].revoked_at is None


def test_the_default_expiry_is_the_start_of_a_day_90_days_on() -> None:
    now = datetime(2026, 12, 8, 15, 30)
    assert default_expiry(now) == datetime(2027, 3, 8)


def test_a_busy_store_does_not_keep_a_token_waiting(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "natije.db"))
    made = create_token(store, NewToken("x", "analyst", None, default_expiry()), by=OPERATOR)
    holder = sqlite3.connect(tmp_path / "natije.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (an import) holds the store
    try:
        started = time.monotonic()
        assert authenticate_token(store, made.text) is not None
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert list_tokens(store, by=OPERATOR)[0].last_used_at is None  # left for the next use
    assert authenticate_token(store, made.text) is not None
    assert list_tokens(store, by=OPERATOR)[0].last_used_at is not None
    store.close()
