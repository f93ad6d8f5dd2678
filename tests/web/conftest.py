"""One demo store for the whole web test module (loaded once, with one stored evaluation) and an app on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from natije.demo import fibre_cohorts_path
from natije.services.demo import load_demo
from natije.services.evaluation import evaluate_indicator, read_cohort_file
from natije.services.stores import open_store
from natije.web import Settings, create_app


@pytest.fixture(scope="package")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "demo.db"
    store = open_store(str(path))
    load_demo(store)
    evaluate_indicator(
        store,
        "AI2023",
        "AI2023.RURAL_INTERNET_USERS",
        method="cs",
        cohort=read_cohort_file(fibre_cohorts_path()),
        control="not-yet",
        aggregation="dynamic",
        label="fibre",
    )
    return path


@pytest.fixture(scope="package")
def client(demo_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=str(demo_db)))) as test_client:
        yield test_client
