"""Helpers of the accounts tests: agencies written the way an import writes them (logged), an operator."""

from __future__ import annotations

from sqlalchemy import insert

from natije.domain.access import Principal
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_log import logged

OPERATOR = Principal("admin", name="cli:tester")


def add_agencies(store: Store, *codes: str) -> None:
    """Agencies ``codes`` in ``store`` (which is made first), logged as a package's catalog rows are."""
    from natije.services.catalog import ensure_store

    ensure_store(store)
    with store.transaction() as conn, logged(conn):
        for code in codes:
            conn.execute(insert(T.agencies).values(code=code, name_kk=code, name_ru=code, name_en=code))
