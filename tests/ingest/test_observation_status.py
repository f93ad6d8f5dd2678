"""The ``status`` column of observations (docs/package-format.md) is stored,
exported and updated, not dropped."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from natije.services.ingestion import export_program, import_paths
from natije.store import Store
from natije.store.streams import iter_observations

from .conftest import dump

KEY = ["indicator", "territory", "period"]


def _with_status(folder: Path, statuses: list[str | None]) -> None:
    """Give observations.csv a status column (one value per data row; None = empty cell)."""
    path = folder / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == len(statuses)
    out = [lines[0] + ",status"] + [f"{line},{s or ''}" for line, s in zip(lines[1:], statuses)]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _statuses(store: Store) -> dict[tuple[str, str, str], str]:
    with store.connect() as conn:
        obs = pl.concat(list(iter_observations(conn, program="TEST2020")))
    return {(r["indicator"], r["territory"], r["period"]): r["status"] for r in obs.iter_rows(named=True)}


def _rows(folder: Path) -> int:
    return len((folder / "observations.csv").read_text(encoding="utf-8").splitlines()) - 1


def test_status_is_stored_and_exported(store: Store, good: Path, tmp_path: Path) -> None:
    n = _rows(good)
    given = (["published", "approved", None] * n)[:n]
    _with_status(good, given)
    import_paths(store, [good])
    assert sorted(_statuses(store).values()) == sorted(s or "submitted" for s in given)
    export_program(store, "TEST2020", tmp_path / "out")
    exported = pl.read_csv(tmp_path / "out" / "observations.csv", infer_schema=False)
    assert sorted(exported["status"].to_list()) == sorted(s or "submitted" for s in given)
    before = dump(store)
    assert not import_paths(store, [tmp_path / "out"]).changed  # the export says the same: nothing changes
    assert dump(store) == before


def test_a_new_status_replaces_the_old_without_a_revision(store: Store, good: Path, tmp_path: Path) -> None:
    n = _rows(good)
    plain = tmp_path / "plain"
    plain.mkdir()
    for f in good.iterdir():
        (plain / f.name).write_bytes(f.read_bytes())
    import_paths(store, [good])
    assert set(_statuses(store).values()) == {"submitted"}
    _with_status(good, ["published"] * n)
    report = import_paths(store, [good])
    assert report.totals()["observations_revised"] == 0
    assert set(_statuses(store).values()) == {"published"}
    # a file that states no status leaves the stored ones as they are
    import_paths(store, [plain])
    assert set(_statuses(store).values()) == {"published"}
