"""The pages and the API read the present from the snapshots the store keeps: a program is computed once per
store version and day, whichever worker asks first, and a new day is judged anew (with a new ETag)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from natije.services import monitoring, snapshots
from natije.web import Settings, create_app

RESULTS = "/api/v1/programs/AI2023/results"


def test_workers_share_one_computation_per_day(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.db"
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(db)) as copy:
        source.backup(copy)  # the snapshots it writes are this test's own
    day = [date(2026, 3, 2)]
    monkeypatch.setattr(monitoring, "today", lambda: day[0])
    runs: list[str] = []
    real = snapshots.compute

    def counted(conn: Any, code: str, *args: Any) -> snapshots.ProgramSnapshot:
        runs.append(code)
        return real(conn, code, *args)

    monkeypatch.setattr(snapshots, "compute", counted)
    settings = Settings(database_url=str(db))
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        answer = first.get(RESULTS)
        assert answer.status_code == 200 and runs == ["AI2023"]
        again = second.get(RESULTS)  # another worker: no memo of its own yet, the store's snapshot
        assert (again.json(), again.headers["etag"]) == (answer.json(), answer.headers["etag"])
        assert second.get("/en/programs/AI2023").status_code == 200
        assert runs == ["AI2023"]
        day[0] = date(2026, 3, 3)
        tag = {"If-None-Match": answer.headers["etag"]}
        tomorrow = second.get(RESULTS, headers=tag)
        assert tomorrow.status_code == 200 and tomorrow.headers["etag"] != answer.headers["etag"]
        assert first.get(RESULTS).json() == tomorrow.json()
        assert runs == ["AI2023", "AI2023"]
