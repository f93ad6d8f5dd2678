"""Commands import what they need when they run, so the CLI answers at once.

``natije --help`` loads no store, engine or data library; ``natije programs`` reads the store through
SQLAlchemy without Alembic (no migration runs), Polars, NumPy, the engines or the built-in territories (a
read needs none of them); neither loads Typer or pydantic (the command line is click's), and writing JSON or
CSV loads no rich, which only draws for people; ``results``, ``flags`` and ``scorecard`` answered from the
stored snapshot load neither NumPy nor the results engine. Each command runs in a fresh interpreter through
the console-script entry point, which then lists the modules it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import natije
from natije.store import Store
from natije.store.snapshots import drop_all_snapshots

LIBRARIES = ("sqlalchemy", "alembic", "polars", "numpy", "numba", "pyarrow", "scipy", "statsmodels", "babel")
LAYERS = ("natije.store", "natije.services", "natije.results", "natije.evaluation", "natije.ingest")
RUN = """
import json, sys
modules_file, args = sys.argv[1], json.loads(sys.argv[2])
sys.argv = ["natije", *args]
from natije.cli import main
try:
    main()
finally:
    with open(modules_file, "w") as out:
        json.dump(sorted(sys.modules), out)
"""


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules imported by ``natije ARGS`` (which must succeed), with their top-level packages and natije
    layers."""
    listing = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(Path(natije.__file__).parents[1]), "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(listing), json.dumps(args)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(listing.read_text())
    return set(modules) | {m.split(".")[0] for m in modules} | {".".join(m.split(".")[:2]) for m in modules}


@pytest.mark.parametrize(
    "args", [["--help"], ["programs", "--help"], ["--lang", "ru", "results", "--help"]], ids=" ".join
)
def test_help_imports_no_store_engine_or_data_library(tmp_path: Path, args: list[str]) -> None:
    loaded = imported(tmp_path, *args)
    assert not loaded & {*LIBRARIES, *LAYERS}


def test_top_level_help_loads_neither_typer_nor_pydantic(tmp_path: Path) -> None:
    # the command line is click's; no natije module the CLI imports defines a pydantic model
    assert not imported(tmp_path, "--help") & {"typer", "pydantic"}


@pytest.fixture
def small_store(tmp_path: Path, program_dir) -> str:
    """A store file holding one small program."""
    db = str(tmp_path / "natije.db")
    imported(tmp_path, "--db", db, "import", str(program_dir("DK2018")))
    return db


def test_programs_reads_the_store_without_alembic_polars_or_engines(tmp_path: Path, small_store: str) -> None:
    for fmt in ("table", "json"):
        loaded = imported(tmp_path, "--db", small_store, "programs", "--format", fmt)
        assert "sqlalchemy" in loaded and "natije.store" in loaded
        assert not loaded & {
            "alembic",
            "polars",
            "numpy",
            "numba",
            "pyarrow",
            "scipy",
            "natije.results",
            "natije.evaluation",
            "natije.ingest",
            "natije.services.territories",  # seeds a new store; reading one does not need it
            "typer",  # the command line is click's
            "pydantic",  # no option value goes through a pydantic model
        }


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_output_for_machines_loads_no_rich(tmp_path: Path, small_store: str, fmt: str) -> None:
    assert "rich" not in imported(tmp_path, "--db", small_store, "programs", "--format", fmt)


def test_a_table_for_people_is_drawn_by_rich(tmp_path: Path, small_store: str) -> None:
    loaded = imported(tmp_path, "--db", small_store, "programs", "--format", "table")
    assert {"rich.console", "rich.table"} <= loaded


def test_results_of_a_small_store_load_no_alembic_arrow_driver_or_pandas(
    tmp_path: Path, small_store: str
) -> None:
    store = Store.open(small_store)
    with store.transaction() as conn:  # computed by the engine, not read from the import's snapshot
        drop_all_snapshots(conn)
    store.close()
    loaded = imported(tmp_path, "--db", small_store, "results", "DK2018", "--format", "json")
    assert "natije.results.engine" in loaded
    assert not loaded & {
        "alembic",
        "pyarrow",
        "pandas",
        "adbc_driver_manager",
        "natije.evaluation",
        "natije.ingest",
    }


@pytest.mark.parametrize(
    "args",
    [["results", "DK2018", "--format", "json"], ["flags", "DK2018", "--format", "json"], ["scorecard"]],
    ids=" ".join,
)
def test_an_answer_from_the_snapshot_loads_neither_numpy_nor_the_engine(
    tmp_path: Path, small_store: str, args: list[str]
) -> None:
    imported(
        tmp_path, "--db", small_store, *args
    )  # keeps today's snapshot, had midnight passed since the import
    loaded = imported(tmp_path, "--db", small_store, *args)
    assert "polars" in loaded and "natije.store.snapshots" in loaded
    assert not loaded & {
        "numpy",
        "numba",
        "pyarrow",
        "alembic",
        "natije.results.engine",
        "natije.results.achievement",
        "natije.results.flags",
        "natije.store.frames",
        "natije.evaluation",
        "natije.ingest",
    }
