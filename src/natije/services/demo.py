"""Load the shipped Kazakhstan demo into a store."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from natije.demo import demo_paths
from natije.domain.access import Principal
from natije.domain.accounts import NewUser
from natije.services.accounts import add_user, list_users, set_password
from natije.services.catalog import initialise
from natije.services.ingestion import ImportReport, Progress, import_paths
from natije.store import Store

DEMO_AGENCY = "MDDIAI"
"""The agency the demo's reporting accounts work for: the ministry owning the Affordable Internet targets."""

DEMO_ACCOUNTS = (
    NewUser("reporter", "Demo reporter", "reporter", DEMO_AGENCY),
    NewUser("approver", "Demo approver", "approver", DEMO_AGENCY),
    NewUser("auditor", "Demo auditor", "auditor"),
)
"""The accounts ``natije demo`` makes so the reporting workflow can be tried: a reporter and an approver of
one agency, and an auditor."""


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and the password it was just given (shown once, like any password)."""

    login: str
    role: str
    agency: str | None
    password: str


def load_demo(store: Store, *, progress: Progress | None = None) -> ImportReport:
    """Import the demo's reference package and its four programs, in lineage order, in one transaction.

    Loading into a store that already holds the demo changes nothing (imports are idempotent).

    Examples
    --------
    >>> from natije.store import Store
    >>> report = load_demo(Store.open("sqlite://"))
    >>> [p.name for p in report.packages], report.totals()["observations_inserted"]
    (['reference', 'IK2020', 'DK2018', 'TB2021', 'AI2023'], 1295)
    """
    initialise(store)  # a fresh store gets its schema and territories; an existing one is migrated
    return import_paths(store, [str(p) for p in demo_paths()], progress=progress)


def demo_accounts(store: Store, *, by: Principal) -> list[DemoAccount]:
    """Give each of :data:`DEMO_ACCOUNTS` a new random password, adding the accounts a store lacks.

    The passwords exist only in what this returns: the store keeps their Argon2id hashes. Running the demo
    again gives new passwords (the old ones stop working).
    """
    existing = {user.login for user in list_users(store, by=by)}
    made = []
    for account in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        if account.login in existing:
            set_password(store, account.login, password, by=by)
        else:
            add_user(store, account, password, by=by)
        made.append(DemoAccount(account.login, account.role, account.agency, password))
    return made
