"""Changes of accounts and tokens in the tamper-evident log: each logged with its actor and without any
secret; ``natije verify`` stays intact through them and finds an SQL edit of a role, a disabled mark or a
token's scope."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from accounts_store import OPERATOR, add_agencies
from log_edits import read_log
from sqlalchemy import select, text

from natije.errors import PermissionDenied
from natije.ledger.verify import decode_entry
from natije.services.accounts import Grant, NewUser, add_user, disable_user, grant, set_password
from natije.services.ledger import verify
from natije.services.logins import login
from natije.services.tokens import NewToken, authenticate_token, create_token, revoke_token
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_log import log_size
from natije.store.staging import utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def history(store: Store) -> tuple[Store, str]:
    """A store after a day of account work: users added, granted, disabled, a password changed, tokens made
    and one revoked. Returns the store and the token left in force."""
    add_agencies(store, "MDAI", "MF")
    add_user(store, NewUser("root", "Root", "admin"), PASSWORD, by=OPERATOR)
    add_user(store, NewUser("aigerim", "Aigerim", "reporter", "MDAI"), PASSWORD, by=OPERATOR)
    add_user(store, NewUser("bolat", "Bolat", "approver", "MDAI"), PASSWORD, by=OPERATOR)
    grant(store, Grant("bolat", "approver", "MF"), by=OPERATOR)
    disable_user(store, "aigerim", by=OPERATOR)
    set_password(store, "bolat", "another long passphrase", by=OPERATOR)
    expires = utcnow() + timedelta(days=10)
    kept = create_token(store, NewToken("MF system", "approver", "MF", expires), by=OPERATOR)
    gone = create_token(store, NewToken("old", "analyst", None, expires), by=OPERATOR)
    revoke_token(store, gone.token.id, by=OPERATOR)
    return store, kept.text


def entries(store: Store, *tables: str) -> list[dict[str, object]]:
    with store.connect() as conn:
        decoded = [decode_entry(entry) for _, entry in read_log(conn)]
    return [e for e in decoded if e["table"] in tables]


def sql(store: Store, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement))


def found(store: Store) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f.what, f.table, f.columns) for f in verify(store).findings}


def test_every_change_is_logged_with_its_actor_and_no_secret(history: tuple[Store, str]) -> None:
    store, token = history
    logged = entries(store, "users", "api_tokens")
    assert [(e["table"], e["kind"]) for e in logged] == [
        ("users", "insert"),
        ("users", "insert"),
        ("users", "insert"),
        ("users", "update"),
        ("users", "update"),
        ("users", "update"),
        ("api_tokens", "insert"),
        ("api_tokens", "insert"),
        ("api_tokens", "update"),
    ]
    assert {e["actor"] for e in logged} == {"cli:tester"}
    granted, disabled, password = logged[3:6]
    assert granted["key"] == {"login": "bolat"} and granted["after"]["agency"] == "MF"  # type: ignore[index]
    assert disabled["after"]["disabled_at"] is not None  # type: ignore[index]
    changed = {k for k, v in password["after"].items() if password["before"][k] != v}  # type: ignore[index,union-attr]
    assert changed == {"password_set_at"}
    columns = {c for e in logged for c in e["after"]}  # type: ignore[union-attr]
    assert not columns & {"password_hash", "digest", "last_used_at", "id"}
    with store.connect() as conn:
        hashes = list(conn.execute(select(T.users.c.password_hash)).scalars())
        digests = list(conn.execute(select(T.api_tokens.c.digest)).scalars())
        raw = b"".join(entry for _, entry in read_log(conn))
    for secret in [*hashes, *digests, token, PASSWORD, "another long passphrase"]:
        assert secret.encode() not in raw


def test_the_log_verifies_through_account_work_and_logins(history: tuple[Store, str]) -> None:
    store, token = history
    assert verify(store).intact
    with store.connect() as conn:
        size = log_size(conn)
    login(store, "root", PASSWORD)
    with pytest.raises(PermissionDenied):
        login(store, "root", "wrong wrong wrong")
    assert authenticate_token(store, token) is not None
    with store.connect() as conn:
        assert log_size(conn) == size  # logins, refusals and token use are the record's, not the log's
    report = verify(store)
    assert report.intact, report.findings


def test_an_sql_edit_of_a_role_is_found(history: tuple[Store, str]) -> None:
    store, _ = history
    sql(store, "UPDATE users SET role = 'admin' WHERE login = 'bolat'")
    [finding] = verify(store).findings
    assert (finding.what, finding.table, finding.key, finding.columns) == (
        "altered",
        "users",
        {"login": "bolat"},
        ("role",),
    )
    assert finding.position is not None


def test_sql_edits_of_accounts_and_tokens_are_found(history: tuple[Store, str]) -> None:
    store, _ = history
    sql(store, "UPDATE users SET disabled_at = NULL WHERE login = 'aigerim'")
    sql(store, "UPDATE api_tokens SET actions = 'read_published;read_unpublished;approve;submit'")
    sql(store, "UPDATE api_tokens SET revoked_at = NULL")
    sql(
        store,
        "INSERT INTO users (login, display_name, password_hash, password_set_at, role, created_at) "
        "SELECT 'mallory', 'M', password_hash, password_set_at, 'admin', created_at FROM users "
        "WHERE login = 'root'",
    )
    assert found(store) == {
        ("altered", "users", ("disabled_at",)),
        ("altered", "api_tokens", ("actions",)),
        ("altered", "api_tokens", ("actions", "revoked_at")),
        ("inserted", "users", ()),
    }


def test_what_the_log_leaves_out_is_not_a_finding(history: tuple[Store, str]) -> None:
    store, _ = history
    sql(store, "UPDATE api_tokens SET last_used_at = created_at")
    sql(store, "UPDATE users SET password_hash = 'x' WHERE login = 'root'")  # by design: see docs/access.md
    assert verify(store).intact


def test_a_store_of_the_previous_schema_is_migrated_by_its_first_account(tmp_path: Path) -> None:
    from natije.store.migrations import current, head, upgrade

    store = Store.open(str(tmp_path / "natije.db"))
    upgrade(store.engine, "0006")
    add_user(store, NewUser("root", "Root", "admin"), PASSWORD, by=OPERATOR)
    assert current(store.engine) == head()
    report = verify(store)
    assert report.intact and [e["kind"] for e in entries(store, "users")] == ["insert"]
    assert report.checkpoints == 1  # the change of rights is signed, as an import is
    grant(store, Grant("root", "admin"), by=OPERATOR)
    assert verify(store).checkpoints == 1  # nothing changed: nothing signed
    add_user(store, NewUser("dana", "Dana", "auditor"), PASSWORD, by=OPERATOR)
    report = verify(store)
    assert report.intact and report.checkpoints == 2
    store.close()
