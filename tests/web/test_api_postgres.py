"""The API on a PostgreSQL store: the same answers, pages and tags as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from postgres_db import POSTGRES, new_postgres_database
from test_ledger_api import third_party_verifier

from natije.services.demo import load_demo
from natije.services.stores import open_store
from natije.web import Settings, create_app

pytestmark = POSTGRES


@pytest.fixture(scope="module")
def pg_client() -> Iterator[TestClient]:
    with new_postgres_database() as url:
        store = open_store(url)
        load_demo(store)
        store.close()
        with TestClient(create_app(Settings(database_url=url))) as client:
            yield client
            client.app.state.natije.store.close()  # type: ignore[attr-defined]


def test_the_api_pages_filters_and_tags_on_postgresql(pg_client: TestClient, client: TestClient) -> None:
    url = "/api/v1/observations?program=AI2023&territory=national&limit=5"
    pages, following = [], url
    while following:
        body = pg_client.get(following).json()
        pages.append(body["items"])
        following = body["next"]
    walked = [row for page in pages for row in page]
    whole = pg_client.get(url.replace("limit=5", "limit=1000")).json()["items"]
    assert len(pages) > 1 and walked == whole
    assert whole == client.get(url.replace("limit=5", "limit=1000")).json()["items"]  # the SQLite answer

    results = "/api/v1/programs/AI2023/results?territory=national&status=off_track"
    assert pg_client.get(results).json()["items"] == client.get(results).json()["items"]
    first = pg_client.get("/api/v1/indicators?program=AI2023")
    assert len(first.json()["items"]) >= 4
    assert pg_client.get(first.url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    bad = pg_client.get("/api/v1/indicators?cursor=xyz&lang=ru")
    assert bad.status_code == 400 and bad.json()["title"] == "Неверный запрос"


def test_a_values_proof_on_postgresql_verifies_with_the_published_key(
    pg_client: TestClient, tmp_path: Path
) -> None:
    verifier = third_party_verifier(pg_client, tmp_path)
    pem = pg_client.get("/api/v1/ledger/key.pub").content
    note = pg_client.get("/api/v1/ledger/checkpoint.txt").text
    checkpoint = verifier.verify_checkpoint(note, verifier.serialization.load_pem_public_key(pem))
    answer = pg_client.get("/api/v1/proofs/AI2023.POPULATION_COVERAGE%2F000000000%2F2025")
    entry = verifier.InclusionProof.from_json(answer.text).verify(checkpoint)
    assert entry["key"]["period"] == "2025" and entry["table"] == "observations"
    number = (
        pg_client.get("/en/indicators/AI2023.POPULATION_COVERAGE").text.split("/en/proofs/")[1].split('"')[0]
    )
    assert "The proof verifies" in pg_client.get(f"/en/proofs/{number}").text


def test_ids_past_a_32_bit_integer_are_refused_before_postgresql_sees_them(pg_client: TestClient) -> None:
    for path in ("/api/v1/evaluations", "/en/evaluations", "/api/v1/submissions"):
        assert pg_client.get(f"{path}/{2**31}").status_code == 422
        assert pg_client.get(f"{path}/{2**31 - 1}").status_code in (401, 404)
