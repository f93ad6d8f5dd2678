"""The Python API: ``natije.open(url)`` and the use cases as methods, the same answers as the services."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from cli.cli_packages import write_program

import natije
from natije.errors import NotFound, ValidationError
from natije.services import monitoring


def test_a_new_store_is_filled_and_read_through_the_api(tmp_path: Path) -> None:
    with natije.open(str(tmp_path / "api.db")) as db:
        report = db.import_packages(
            write_program(tmp_path / "P1", "P1"), write_program(tmp_path / "P2", "P2")
        )
        assert [p.program for p in report.packages] == ["P1", "P2"]
        assert [p.code for p in db.programs()] == ["P1", "P2"]
        assert db.show("P1").program.code == "P1"
        assert {t.code for t in db.territories(level="country")} == {"000000000"}
        results = db.results("P1", as_of="2024-01-01")
        assert isinstance(results, pl.DataFrame)
        assert results.equals(monitoring.program_results(db.store, "P1", "2024-01-01", "national", "current"))
        assert db.results("P1", territory="all").height >= results.height
        assert isinstance(db.flags("P1"), pl.DataFrame) and isinstance(db.lineage("P1"), pl.DataFrame)
        assert db.scorecard("P1").program == "P1" and [c.program for c in db.scorecards()] == ["P1", "P2"]
        db.export("P1", tmp_path / "out")
        assert any(p.name == "program.yaml" for p in (tmp_path / "out").rglob("*"))
        assert db.evaluations() == []
        with pytest.raises(NotFound):
            db.show("NOPE")


def test_a_bad_package_raises_with_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    bad = write_program(tmp_path / "B", "B")
    (bad / "observations.csv").write_text("indicator,territory,period,value\nB.USERS,000000000,2020,150\n")
    with natije.open(str(tmp_path / "api.db")) as db:
        with pytest.raises(ValidationError) as caught:
            db.import_packages(bad)
        assert caught.value.problems and caught.value.problems[0].code == "out_of_range"
        assert db.programs() == []
