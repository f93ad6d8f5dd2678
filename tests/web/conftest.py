"""One demo store for the whole web test module (loaded once, with one stored evaluation) and an app on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_store import demo_with_evaluation
from fastapi.testclient import TestClient

from natije.web import Settings, create_app


@pytest.fixture(scope="package")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_with_evaluation(tmp_path_factory.mktemp("web") / "demo.db")


@pytest.fixture(scope="package")
def client(demo_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=str(demo_db)))) as test_client:
        yield test_client
