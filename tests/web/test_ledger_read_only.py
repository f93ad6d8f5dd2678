"""A site whose database user can only read: the log's checkpoint, the proofs and the proof page are served
(signed now when the log grew since the last stored checkpoint), verify with the published key, and nothing is
written; a store that can be written keeps the checkpoint. On a PostgreSQL role granted SELECT only and on an
SQLite file opened read-only."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi.testclient import TestClient
from postgres_db import PG_URL, POSTGRES, new_postgres_database
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from natije.ledger.verify import ConsistencyProof, InclusionProof, verify_checkpoint
from natije.services.demo import load_demo
from natije.services.evaluation import evaluate_indicator
from natije.services.ledger import verify
from natije.services.ledger_proofs import current_checkpoint, log_length
from natije.store import Store, make_engine, resolve_url
from natije.store import tables as T
from natije.web import Settings, create_app
from natije.web import app as web_app

VALUE = "AI2023.POPULATION_COVERAGE/000000000/2025"


def grow(store: Store) -> None:
    """The demo, then a stored evaluation: the log grows past the checkpoint the import signed."""
    load_demo(store)
    evaluate_indicator(
        store, "AI2023", "AI2023.RURAL_INTERNET_USERS", method="did", treated="230000000", start="2019"
    )


def read_only_sqlite(path: Path) -> Store:
    """The file opened read-only (``mode=ro``), with natije's own connection settings."""
    uri = f"file:{path}?mode=ro"
    return Store(
        make_engine(str(path), creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=POSTGRES)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """A grown demo store, and the same database as a reader without write rights sees it."""
    if request.param == "sqlite":
        store = Store.open(str(tmp_path / "natije.db"))
        grow(store)
        reader = read_only_sqlite(tmp_path / "natije.db")
        yield store, reader
        reader.close()
        store.close()
        return
    role = f"natije_reader_{secrets.token_hex(4)}"
    admin = create_engine(resolve_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with new_postgres_database() as url:
            store = Store.open(url)
            grow(store)
            database = make_url(url).database
            with store.engine.begin() as conn:
                conn.execute(text(f"CREATE ROLE {role} LOGIN"))
                conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
                conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
                conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
            reader = Store.open(make_url(url).set(username=role).render_as_string(hide_password=False))
            yield store, reader
            reader.close()
            store.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def stored_checkpoints(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(T.ledger_checkpoints)).scalar_one())


def test_a_reader_without_write_rights_serves_a_checkpoint_of_the_whole_log_and_its_proofs(
    stores: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store, reader = stores
    with reader.engine.connect() as conn, pytest.raises(DBAPIError):  # the reader really cannot write
        conn.execute(text("DELETE FROM ledger_checkpoints"))
    kept = stored_checkpoints(store)
    with store.connect() as conn:
        first = conn.execute(select(T.ledger_checkpoints.c.size).order_by(T.ledger_checkpoints.c.id)).scalar()
    assert first is not None and first < log_length(store)  # the log grew since the last checkpoint
    monkeypatch.setattr(web_app, "open_store", lambda url: reader)
    with TestClient(create_app(Settings(database_url="read-only"))) as client:
        answer = client.get("/api/v1/ledger/checkpoint")
        assert answer.status_code == 200, answer.text
        note = client.get("/api/v1/ledger/checkpoint.txt").text
        key = client.get("/api/v1/ledger/key.pub").content
        head = verify_checkpoint(note, load_pem_public_key(key))  # type: ignore[arg-type]
        assert note == answer.json()["note"] and head.size == log_length(store)
        proof = client.get(f"/api/v1/proofs/{quote(VALUE, safe='')}")
        assert proof.status_code == 200, proof.text
        entry = InclusionProof.from_json(proof.text).verify(head)
        assert entry["table"] == "observations" and entry["key"]["period"] == "2025"
        consistency = client.get(f"/api/v1/ledger/consistency?from={first}")
        assert consistency.status_code == 200, consistency.text
        ConsistencyProof.from_json(consistency.text).verify(
            verify_checkpoint(_note_of_size(store, first), load_pem_public_key(key)),  # type: ignore[arg-type]
            head,
        )
        number = client.get("/en/indicators/AI2023.POPULATION_COVERAGE").text.split("/en/proofs/")[1]
        page = client.get(f"/en/proofs/{number.split(chr(34))[0]}")
        assert page.status_code == 200 and "The proof verifies" in page.text
    assert stored_checkpoints(store) == kept  # nothing was written
    (tmp_path / "served.txt").write_text(note, encoding="utf-8")
    assert verify(store, [tmp_path / "served.txt"]).intact  # natije verify checks the checkpoint served

    made = current_checkpoint(store)  # a store that can be written keeps the one it signs
    assert made.size == head.size and stored_checkpoints(store) == kept + 1
    assert current_checkpoint(reader).note == made.note  # and every reader then serves that one


def _note_of_size(store: Store, size: int) -> str:
    t = T.ledger_checkpoints
    with store.connect() as conn:
        return str(conn.execute(select(t.c.note).where(t.c.size == size).limit(1)).scalar_one())
