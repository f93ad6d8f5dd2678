"""Accounts on SQLite and PostgreSQL: adding, listing, disabling, granting, passwords, and signing in with its
rate limits, every step recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from accounts_store import OPERATOR, add_agencies
from sqlalchemy import select

from natije.domain.access import Principal
from natije.errors import NotFound, PermissionDenied, ValidationError
from natije.services.accounts import (
    Grant,
    NewUser,
    add_user,
    auth_events,
    disable_user,
    enable_user,
    grant,
    list_users,
    set_password,
)
from natije.services.logins import LoginLimits, login
from natije.store import Store
from natije.store import tables as T
from natije.store.staging import utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(store: Store) -> Store:
    """A store with agencies MDAI and MF, an administrator and a reporter of MDAI."""
    add_agencies(store, "MDAI", "MF")
    add_user(store, NewUser("root", "Root", "admin"), PASSWORD, by=OPERATOR)
    add_user(store, NewUser("Aigerim", "Aigerim S.", "reporter", "MDAI"), PASSWORD, by=OPERATOR)
    return store


def kinds(store: Store, login: str | None = None) -> list[str]:
    return [e.kind for e in auth_events(store, by=OPERATOR, login=login)]


def test_users_are_added_listed_and_recorded(accounts: Store) -> None:
    found = {u.login: u for u in list_users(accounts, by=OPERATOR)}
    assert sorted(found) == ["aigerim", "root"]
    assert (found["aigerim"].role, found["aigerim"].agency, found["aigerim"].active) == (
        "reporter",
        "MDAI",
        True,
    )
    assert found["aigerim"].created_by == "cli:tester"
    [event] = auth_events(accounts, by=OPERATOR, login="AIGERIM")
    assert (event.kind, event.actor, event.detail) == (
        "user_added",
        "cli:tester",
        {"role": "reporter", "agency": "MDAI"},
    )
    with accounts.connect() as conn:
        stored = conn.execute(select(T.users.c.password_hash).where(T.users.c.login == "root")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("request_", "password", "field"),
    [
        (lambda: NewUser("root", "Another", "analyst"), PASSWORD, "login"),
        (lambda: NewUser("dana", "Dana", "reporter", "NOPE"), PASSWORD, "agency"),
        (lambda: NewUser("dana", "Dana", "analyst"), "short", "password"),
        (lambda: NewUser("dana.k@gov.kz", "Dana", "analyst"), "Dana.K@gov.kz", "password"),
    ],
    ids=["taken", "unknown-agency", "short-password", "password-is-login"],
)
def test_bad_accounts_are_refused_with_the_field_named(
    accounts: Store, request_: Callable[[], NewUser], password: str, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        add_user(accounts, request_(), password, by=OPERATOR)
    assert [p.file for p in info.value.problems] == [field]
    assert PASSWORD not in str(info.value) and (password not in str(info.value) or field != "password")
    assert len(list_users(accounts, by=OPERATOR)) == 2


def test_requests_are_checked_before_anything_is_stored() -> None:
    with pytest.raises(ValidationError) as info:
        NewUser("x", "", "reporter")
    assert [p.file for p in info.value.problems] == ["login", "display_name", "agency"]
    with pytest.raises(ValidationError):
        NewUser("dana", "Dana", "public")
    with pytest.raises(ValidationError):
        Grant("dana", "superuser")
    assert NewUser(" Dana.K@Gov.kz ", " Dana ", "analyst").login == "dana.k@gov.kz"


@pytest.mark.parametrize("role", ["analyst", "auditor", "reporter", "approver"])
def test_only_an_administrator_manages_users(accounts: Store, role: str) -> None:
    someone = Principal(role, agency="MDAI", name="someone")
    with pytest.raises(PermissionDenied):
        add_user(accounts, NewUser("dana", "Dana", "analyst"), PASSWORD, by=someone)
    with pytest.raises(PermissionDenied):
        grant(accounts, Grant("aigerim", "admin"), by=someone)
    with pytest.raises(PermissionDenied):
        disable_user(accounts, "root", by=someone)
    assert [u.role for u in list_users(accounts, by=OPERATOR)] == ["reporter", "admin"]
    if role == "auditor":
        assert len(list_users(accounts, by=someone)) == 2
    else:
        with pytest.raises(PermissionDenied):
            list_users(accounts, by=someone)


def test_grant_changes_rights_and_records_before_and_after(accounts: Store) -> None:
    user = grant(accounts, Grant("aigerim", "approver"), by=OPERATOR)
    assert (user.role, user.agency) == ("approver", "MDAI")  # the agency the user had
    user = grant(accounts, Grant("aigerim", "approver", "MF"), by=OPERATOR)
    assert user.agency == "MF" and user.principal() == Principal("approver", "MF", "aigerim")
    event = auth_events(accounts, by=OPERATOR, login="aigerim")[0]
    assert event.kind == "user_granted"
    assert event.detail == {
        "before": {"role": "approver", "agency": "MDAI"},
        "after": {"role": "approver", "agency": "MF"},
    }
    grant(accounts, Grant("aigerim", "approver", "MF"), by=OPERATOR)  # no change: nothing recorded
    assert kinds(accounts, "aigerim").count("user_granted") == 2
    with pytest.raises(ValidationError):
        grant(accounts, Grant("aigerim", "reporter", "NOPE"), by=OPERATOR)
    with pytest.raises(NotFound):
        grant(accounts, Grant("nobody", "analyst"), by=OPERATOR)


def test_the_last_administrator_stays(accounts: Store) -> None:
    with pytest.raises(PermissionDenied) as info:
        disable_user(accounts, "root", by=OPERATOR)
    assert "root" in info.value.message_in("kk")
    with pytest.raises(PermissionDenied):
        grant(accounts, Grant("root", "analyst"), by=OPERATOR)
    add_user(accounts, NewUser("second", "Second", "admin"), PASSWORD, by=OPERATOR)
    assert not disable_user(accounts, "ROOT", by=OPERATOR).active
    with pytest.raises(PermissionDenied):
        disable_user(accounts, "second", by=OPERATOR)
    assert enable_user(accounts, "root", by=OPERATOR).active
    assert kinds(accounts, "root")[:2] == ["user_enabled", "user_disabled"]


def test_a_disabled_account_cannot_sign_in_and_gets_the_same_answer(accounts: Store) -> None:
    wrong = pytest.raises(PermissionDenied)
    with wrong as unknown:
        login(accounts, "nobody", PASSWORD)
    with pytest.raises(PermissionDenied) as bad:
        login(accounts, "aigerim", "wrong horse battery")
    disable_user(accounts, "aigerim", by=OPERATOR)
    with pytest.raises(PermissionDenied) as disabled:
        login(accounts, "aigerim", PASSWORD)
    assert unknown.value.message == bad.value.message == disabled.value.message == "wrong login or password"
    reasons = [
        e.detail["reason"]
        for e in auth_events(accounts, by=OPERATOR)
        if e.kind == "login_failed" and e.detail
    ]
    assert reasons == ["disabled", "password", "unknown"]
    enable_user(accounts, "aigerim", by=OPERATOR)
    assert login(accounts, "  AIGERIM ", PASSWORD, address="10.1.1.1").login == "aigerim"
    assert auth_events(accounts, by=OPERATOR)[0].address == "10.1.1.1"


def test_a_new_password_replaces_the_old(accounts: Store) -> None:
    before = list_users(accounts, by=OPERATOR)[0].password_set_at
    user = set_password(accounts, "aigerim", "a much longer passphrase", by=OPERATOR)
    assert user.password_set_at >= before
    with pytest.raises(PermissionDenied):
        login(accounts, "aigerim", PASSWORD)
    assert login(accounts, "aigerim", "a much longer passphrase").role == "reporter"
    with pytest.raises(ValidationError):
        set_password(accounts, "aigerim", "aigerim", by=OPERATOR)
    assert "password_set" in kinds(accounts, "aigerim")


def _fail(
    store: Store, name: str, at: datetime, address: str | None = None, limits: LoginLimits | None = None
) -> str:
    with pytest.raises(PermissionDenied) as info:
        login(store, name, "not the password", address=address, limits=limits or LoginLimits(), now=at)
    return info.value.message


def test_an_account_is_shut_after_five_failures_until_they_leave_the_window(accounts: Store) -> None:
    t0 = utcnow()
    for i in range(5):
        assert _fail(accounts, "aigerim", t0 + timedelta(minutes=i)) == "wrong login or password"
    with pytest.raises(PermissionDenied) as info:  # the right password, refused unchecked
        login(accounts, "aigerim", PASSWORD, now=t0 + timedelta(minutes=5))
    assert (
        info.value.message.startswith("too many failed logins")
        and (t0 + timedelta(minutes=15)).strftime("%H:%M") in info.value.message
    )
    assert info.value.fields["retry_after"] == 10 * 60
    for i in range(5):  # going on trying neither counts nor extends the lock
        with pytest.raises(PermissionDenied):
            login(accounts, "aigerim", "not the password", now=t0 + timedelta(minutes=6 + i))
    assert kinds(accounts, "aigerim").count("login_limited") == 6
    assert login(accounts, "aigerim", PASSWORD, now=t0 + timedelta(minutes=15, seconds=1)).login == "aigerim"
    # another account is not touched by this one's failures
    assert login(accounts, "root", PASSWORD, now=t0 + timedelta(minutes=5)).login == "root"


def test_a_good_login_starts_the_account_count_again(accounts: Store) -> None:
    t0 = utcnow()
    for i in range(4):
        _fail(accounts, "aigerim", t0 + timedelta(seconds=i))
    login(accounts, "aigerim", PASSWORD, now=t0 + timedelta(seconds=10))
    for i in range(4):
        assert _fail(accounts, "aigerim", t0 + timedelta(seconds=20 + i)) == "wrong login or password"
    assert login(accounts, "aigerim", PASSWORD, now=t0 + timedelta(seconds=30)).login == "aigerim"


def test_an_address_is_shut_after_its_failures_on_any_accounts(accounts: Store) -> None:
    limits, t0 = LoginLimits(per_account=100, per_address=3), utcnow()
    for i, name in enumerate(["a1", "b2", "c3"]):
        _fail(accounts, name, t0 + timedelta(seconds=i), "192.0.2.1", limits)
    with pytest.raises(PermissionDenied) as info:
        login(accounts, "root", PASSWORD, address="192.0.2.1", limits=limits, now=t0 + timedelta(seconds=5))
    assert "retry_after" in info.value.fields
    assert login(
        accounts, "root", PASSWORD, address="192.0.2.2", limits=limits, now=t0 + timedelta(seconds=5)
    )
    # a good login does not clear an address (one real account must not reset an attacker's count)
    assert _fail(accounts, "d4", t0 + timedelta(seconds=6), "192.0.2.1", limits).startswith("too many")


def test_a_hash_made_with_weaker_parameters_is_made_again_at_login(
    accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with accounts.connect() as conn:
        weak = conn.execute(select(T.users.c.password_hash).where(T.users.c.login == "root")).scalar_one()
    assert ",t=1," in weak  # the tests' profile
    monkeypatch.delenv("NATIJE_PASSWORD_HASHING")  # the real RFC 9106 low-memory profile
    assert login(accounts, "root", PASSWORD).login == "root"
    with accounts.connect() as conn:
        strong = conn.execute(select(T.users.c.password_hash).where(T.users.c.login == "root")).scalar_one()
    assert strong.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert login(accounts, "root", PASSWORD).login == "root"  # and it verifies


def test_a_hashing_setting_other_than_test_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from natije.errors import ConfigurationError
    from natije.services.credentials import hash_password

    monkeypatch.setenv("NATIJE_PASSWORD_HASHING", "fast")
    with pytest.raises(ConfigurationError) as info:
        hash_password(PASSWORD)
    assert "fast" in info.value.message_in("ru")


def test_parallel_guesses_cannot_slip_past_the_limit(accounts: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def guess(i: int) -> str:
        try:
            login(accounts, "aigerim", f"guess number {i:04d}", address=f"198.51.100.{i}")
        except PermissionDenied as exc:
            return exc.message
        return "signed in"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(guess, range(16)))
    assert answers.count("wrong login or password") == 5
    assert sum(a.startswith("too many failed logins") for a in answers) == 11
    assert kinds(accounts, "aigerim").count("login_failed") == 5


def test_an_unknown_login_costs_the_work_of_a_check(accounts: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from natije.services import logins

    spent: list[str] = []
    monkeypatch.setattr(logins, "spend_like_a_check", spent.append)
    with pytest.raises(PermissionDenied):
        login(accounts, "nobody", "some password here")
    with pytest.raises(PermissionDenied):
        login(accounts, "root", "some password here")
    assert spent == ["some password here"]  # the unknown login only: the known one checked its own hash


def test_an_overlong_password_fails_without_being_hashed(
    accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from natije.services import logins

    monkeypatch.setattr(logins, "password_matches", lambda *args: pytest.fail("hashed"))
    with pytest.raises(PermissionDenied) as info:
        login(accounts, "root", "x" * 1_000_000)
    assert info.value.message == "wrong login or password"
    assert auth_events(accounts, by=OPERATOR)[0].detail == {"reason": "too_long"}
