"""Importing packages through the service: idempotent, revisions, commitment versions,
formats, zips, atomicity."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from natije.errors import ValidationError
from natije.services.ingestion import import_paths
from natije.store import Store
from natije.store.reads import get_package
from natije.store.streams import iter_observations, iter_revisions

from .conftest import dump

T1 = datetime(2024, 1, 1, 12)


def _observations(store: Store) -> pl.DataFrame:
    with store.connect() as conn:
        return pl.concat(list(iter_observations(conn, program="TEST2020")))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_import_reports_what_it_did_and_converts_units(store: Store, good: Path) -> None:
    report = import_paths(store, [good])
    totals = report.totals()
    assert totals["observations_inserted"] == 8 and totals["rows"] == 8
    assert totals["commitments_new"] == 3
    obs = _observations(store)
    spend = obs.filter(pl.col("indicator") == "TEST2020.SPEND")
    assert spend["value"].to_list() == [1200.0]  # 1.2 bn KZT stored in the indicator's unit, mn KZT
    assert obs.filter(pl.col("indicator") == "TEST2020.VILLAGES")["source"].to_list() == ["demo", "demo"]


def test_same_package_twice_changes_nothing(store: Store, good: Path) -> None:
    import_paths(store, [good])
    before = dump(store)
    report = import_paths(store, [good])
    assert not report.changed
    assert report.totals()["observations_inserted"] == 0 and report.totals()["observations_unchanged"] == 8
    assert dump(store) == before


def test_changed_value_becomes_a_revision_not_an_overwrite(store: Store, good: Path) -> None:
    import_paths(store, [good])
    _edit(
        good / "observations.csv",
        "TEST2020.INTERNET,000000000,2017,78.0,,,,2018-03-01",
        "TEST2020.INTERNET,000000000,2017,78.4,,,revised by BNS,2019-03-01",
    )
    report = import_paths(store, [good])
    assert report.totals()["observations_revised"] == 1
    with store.connect() as conn:
        revs = pl.concat(list(iter_revisions(conn, program="TEST2020")))
    history = revs.filter(
        (pl.col("indicator") == "TEST2020.INTERNET")
        & (pl.col("period") == "2017")
        & (pl.col("territory") == "000000000")
    )
    assert history["value"].to_list() == [78.0, 78.4]
    assert history["reason"][1].startswith("import ")
    current = _observations(store).filter(pl.col("period") == "2017", pl.col("territory") == "000000000")
    assert current["value"].to_list() == [78.4]


def test_changed_target_becomes_a_new_commitment_version(store: Store, good: Path) -> None:
    import_paths(store, [good])
    _edit(
        good / "program.yaml",
        "commitments:\n",
        "commitments:\n  - {indicator: TEST2020.INTERNET, kind: target, "
        "period: 2022, value: 85, decided_on: 2020-05-01, document: Amendment No. 2}\n",
    )
    report = import_paths(store, [good])
    assert report.totals()["commitments_new"] == 1
    with store.connect() as conn:
        package = get_package(conn, "TEST2020")
    targets = sorted(
        (c.version, c.value, c.document)
        for c in package.commitments
        if c.indicator == "TEST2020.INTERNET" and c.kind.value == "target"
    )
    assert targets == [(1, 82.0, "Test decree No. 1"), (2, 85.0, "Amendment No. 2")]


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_xlsx_and_parquet_observations_import_like_csv(
    store: Store, good: Path, tmp_path: Path, fmt: str
) -> None:
    import openpyxl

    import_paths(store, [good])
    expected = _observations(store).drop("first_recorded", "recorded_at")
    other = tmp_path / f"as_{fmt}"
    shutil.copytree(good, other)
    frame = pl.read_csv(good / "observations.csv", infer_schema=False)
    (other / "observations.csv").unlink()
    if fmt == "parquet":
        frame.with_columns(pl.col("value").cast(pl.Float64)).write_parquet(other / "observations.parquet")
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(frame.columns)
        for row in frame.with_columns(pl.col("value").cast(pl.Float64)).iter_rows():
            ws.append(list(row))
        wb.save(other / "observations.xlsx")
    from .conftest import empty

    empty(store)
    report = import_paths(store, [other])
    assert report.totals()["observations_inserted"] == 8
    assert _observations(store).drop("first_recorded", "recorded_at").equals(expected)


@pytest.mark.parametrize("nested", [False, True])
def test_zip_package_imports_without_extracting(
    store: Store, good: Path, tmp_path: Path, nested: bool
) -> None:
    archive = tmp_path / "good.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(good.iterdir()):
            zf.write(f, f"good/{f.name}" if nested else f.name)
    report = import_paths(store, [archive])
    assert report.totals()["observations_inserted"] == 8
    assert report.packages[0].name == "good.zip"


def test_reference_package_is_written_first_in_one_transaction(
    store: Store, good: Path, tmp_path: Path
) -> None:
    ref = tmp_path / "reference"
    ref.mkdir()
    for name in ("territories.csv", "territory_changes.csv"):
        shutil.move(str(good / name), ref / name)
    report = import_paths(store, [good, ref])  # given in the "wrong" order on purpose
    assert [p.program for p in report.packages] == [None, "TEST2020"]
    assert report.totals()["territories"] == 4


def test_a_problem_in_any_package_writes_none_of_them(store: Store, good: Path, tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    ref.mkdir()
    for name in ("territories.csv", "territory_changes.csv"):
        shutil.move(str(good / name), ref / name)
    _edit(good / "observations.csv", "88.5", '"88,5"')  # a decimal comma, quoted
    before = dump(store)
    with pytest.raises(ValidationError) as info:
        import_paths(store, [ref, good])
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(6, "value", "88,5")]
    assert dump(store) == before


def test_every_problem_is_counted_and_the_list_is_capped(store: Store, good: Path) -> None:
    lines = [f"TEST2020.INTERNET,000000000,{2010 + i % 13},x{i},,,," for i in range(3000)]
    with open(good / "observations.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    before = dump(store)
    with pytest.raises(ValidationError) as info:
        import_paths(store, [good])
    err = info.value
    # 3000 texts in numbers; 3000 - 13 repeats of the 13 keys, + 2 whose first use is a good row (2016, 2017)
    assert err.fields["total"] == 3000 + 2987 + 2
    assert len(err.problems) == 1000
    assert err.message.startswith("5989 problem(s) found (first 1000 listed)")
    assert dump(store) == before


def test_a_folder_of_packages_is_searched_for_them(store: Store, good: Path, tmp_path: Path) -> None:
    nested = tmp_path / "all" / "programs"
    nested.mkdir(parents=True)
    shutil.move(str(good), nested / "TEST2020")
    (tmp_path / "all" / "README.txt").write_text("not a package")
    report = import_paths(store, [tmp_path / "all"])
    assert [p.name for p in report.packages] == ["TEST2020"]


def test_reimporting_an_export_into_its_own_store_changes_nothing(
    store: Store, good: Path, tmp_path: Path
) -> None:
    from natije.services.ingestion import export_program

    import_paths(store, [good])
    _edit(
        good / "observations.csv",
        "TEST2020.INTERNET,000000000,2017,78.0,,,,2018-03-01",
        "TEST2020.INTERNET,000000000,2017,78.4,,,,2019-03-01",
    )
    import_paths(store, [good])  # one revision, so the export carries revisions.csv
    export_program(store, "TEST2020", tmp_path / "out")
    assert (tmp_path / "out" / "revisions.csv").exists()
    before = dump(store)
    report = import_paths(store, [tmp_path / "out"])
    assert not report.changed, report.totals()
    assert dump(store) == before


def test_target_corrected_in_place_is_a_new_version_that_survives_export(
    store: Store, good: Path, tmp_path: Path
) -> None:
    from natije.services.ingestion import export_program

    from .conftest import empty, files_of

    import_paths(store, [good])
    _edit(good / "program.yaml", "period: 2022, value: 82,", "period: 2022, value: 83,")
    assert import_paths(store, [good]).totals()["commitments_new"] == 1
    export_program(store, "TEST2020", tmp_path / "e1")
    text = (tmp_path / "e1" / "program.yaml").read_text(encoding="utf-8")
    assert text.index("value: 82.0") < text.index("value: 83.0")  # both versions, in version order
    empty(store)
    import_paths(store, [tmp_path / "e1"])
    export_program(store, "TEST2020", tmp_path / "e2")
    assert files_of(tmp_path / "e1") == files_of(tmp_path / "e2")
