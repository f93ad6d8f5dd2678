"""The pages' links to proofs, the proof page in three languages, and what it says of a value changed by SQL.

A proof is of the value's log entry, so a value changed in the tables behind natije's back still has a proof
that verifies, of the value the log recorded: the page compares the two and says the published value is not
the logged one; a changed log entry fails the proof, and the page says that instead.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from test_ledger_api import third_party_verifier

from natije.services.demo import load_demo
from natije.services.stores import open_store
from natije.store.ledger_blocks import BLOCK, pack, unpack
from natije.web import Settings, create_app

LINK = re.compile(r'class="verify" href="/(\w\w)/proofs/(\d+)"')


def test_published_values_link_to_their_proofs(client: TestClient) -> None:
    program = client.get("/en/programs/AI2023").text
    indicator = client.get("/en/indicators/AI2023.RURAL_INTERNET_USERS").text
    assert len(LINK.findall(program)) >= 3 and len(LINK.findall(indicator)) >= 17  # cards; series and regions
    assert len(program.encode()) < 300_000
    earlier = client.get("/en/programs/AI2023?as_of=2024-06-30").text
    assert not LINK.findall(earlier)  # a proof is of the current entry: no links on a page of an earlier day
    footer = client.get("/kk/").text
    assert 'href="/api/v1/ledger/key.pub"' in footer and 'href="/api/v1/ledger/checkpoint.txt"' in footer


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "The proof verifies"), ("ru", "Доказательство сходится"), ("kk", "Дәлел расталды")],
)
def test_the_proof_page_shows_the_entry_the_checkpoint_and_the_hashes(
    client: TestClient, lang: str, words: str
) -> None:
    number = LINK.findall(client.get(f"/{lang}/programs/AI2023").text)[0][1]
    page = client.get(f"/{lang}/proofs/{number}")
    assert page.status_code == 200 and words in page.text
    proof = client.get(f"/api/v1/proofs/{number}").json()
    assert all(h in page.text for h in proof["hashes"]) and "<script" not in page.text.split("<main")[1]
    assert f'href="/api/v1/proofs/{number}"' in page.text and 'href="/ledger/verify.py"' in page.text
    head = client.get("/api/v1/ledger/checkpoint").json()
    assert head["root"] in page.text and head["origin"] in page.text
    by_key = client.get(f"/{lang}/proofs/AI2023.POPULATION_COVERAGE/000000000/2025")
    assert by_key.status_code == 200 and "AI2023.POPULATION_COVERAGE" in by_key.text
    assert client.get(f"/{lang}/proofs/nope").status_code == 404


@pytest.fixture(scope="module")
def tampered_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("tampered") / "demo.db"
    store = open_store(str(path))
    load_demo(store)
    store.close()
    yield path


def _app(path: Path) -> TestClient:
    return TestClient(create_app(Settings(database_url=str(path))))


def test_a_value_changed_by_sql_is_shown_as_not_the_logged_one(tampered_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(tampered_db) as db:
        number, value = db.execute(
            "SELECT o.id, o.value FROM observations o JOIN indicators i ON i.id = o.indicator_id"
            " WHERE i.code = 'AI2023.POPULATION_COVERAGE' AND o.period = '2025'"
        ).fetchone()
        db.execute("UPDATE observations SET value = 99.5 WHERE id = ?", (number,))
    with _app(tampered_db) as client:
        page = client.get(f"/en/proofs/{number}").text
        assert "is not the value the signed log recorded" in page and "99.5" in page
        assert "The proof verifies" not in page
        verifier: ModuleType = third_party_verifier(client, tmp_path)
        pem = client.get("/api/v1/ledger/key.pub").content
        checkpoint = verifier.verify_checkpoint(
            client.get("/api/v1/ledger/checkpoint.txt").text, verifier.serialization.load_pem_public_key(pem)
        )
        proof = verifier.InclusionProof.from_json(client.get(f"/api/v1/proofs/{number}").text)
        assert proof.verify(checkpoint)["after"]["value"] == value != 99.5  # of what was logged, not of 99.5

    with sqlite3.connect(tampered_db) as db:  # now the log entry too, to match the edit
        logged = verifier.decode_entry(proof.entry)
        logged["after"]["value"] = 99.5
        rewritten = verifier_encode(logged)
        block, offset = divmod(proof.index, BLOCK)
        [(data,)] = db.execute("SELECT data FROM ledger_blocks WHERE block = ?", (block,)).fetchall()
        records = unpack(data)
        records[offset] = (records[offset][0], rewritten)
        db.execute("UPDATE ledger_blocks SET data = ? WHERE block = ?", (pack(records), block))
    with _app(tampered_db) as client:
        page = client.get(f"/ru/proofs/{number}").text
        assert "Доказательство не сходится" in page
        proof = verifier.InclusionProof.from_json(client.get(f"/api/v1/proofs/{number}").text)
        with pytest.raises(verifier.VerificationError):
            proof.verify(checkpoint)


def verifier_encode(fields: dict[str, object]) -> bytes:
    """An entry's canonical bytes (natije's own encoder: the verifier only decodes)."""
    from natije.ledger.canonical import Entry

    return Entry(**fields).encode()  # type: ignore[arg-type]
