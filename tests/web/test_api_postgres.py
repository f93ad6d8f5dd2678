"""The API on a PostgreSQL store: the same answers, pages and tags as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from postgres_db import POSTGRES, new_postgres_database

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
