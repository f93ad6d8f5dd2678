"""The demo with one stored evaluation, loaded once for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_store import demo_with_evaluation

from natije.services.stores import Store, open_store


@pytest.fixture(scope="package")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_with_evaluation(tmp_path_factory.mktemp("report") / "demo.db")


@pytest.fixture(scope="package")
def report_store(report_db: Path) -> Store:
    return open_store(str(report_db))
