"""The demo's accounts: each printed password signs its account in; running the demo again replaces them."""

from __future__ import annotations

import pytest
from accounts_store import OPERATOR

from natije.errors import PermissionDenied
from natije.services.demo import DEMO_ACCOUNTS, demo_accounts, load_demo
from natije.services.logins import login
from natije.store import Store


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NATIJE_PASSWORD_HASHING", "test")


def test_each_printed_password_signs_its_account_in_and_a_second_run_replaces_them() -> None:
    store = Store.open("sqlite://")
    load_demo(store)
    first = demo_accounts(store, by=OPERATOR)
    assert [(a.login, a.role, a.agency) for a in first] == [
        (u.login, u.role, u.agency) for u in DEMO_ACCOUNTS
    ]
    assert len({a.password for a in first}) == len(first)
    for account in first:
        user = login(store, account.login, account.password)
        assert (user.role, user.agency) == (account.role, account.agency)

    second = demo_accounts(store, by=OPERATOR)
    for old, new in zip(first, second, strict=True):
        assert new.password != old.password
        assert login(store, new.login, new.password).login == new.login
        with pytest.raises(PermissionDenied):
            login(store, old.login, old.password)
