"""``natije evaluate``: the thin CLI edge over natije.evaluate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from natije.cli import app
from natije.errors import ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation"
runner = CliRunner()
BASE = ["evaluate", "--unit", "countyreal", "--time", "year", "--outcome", "lemp"]


def test_json_output_equals_to_dict(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            *BASE,
            "--data",
            str(DATA / "mpdta.csv"),
            "--method",
            "cs",
            "--cohort",
            "first.treat",
            "--inference",
            "analytic",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["method"] == "cs" and out["estimate"] == pytest.approx(-0.0399513, abs=1e-6)
    assert out["design"]["cohort"] == "first.treat" and out["assumptions"]


def test_parquet_and_block_design_and_table(tmp_path: Path) -> None:
    f = tmp_path / "banks.parquet"
    b = pl.read_csv(DATA / "banks.csv").filter((pl.col("month") == 7) & (pl.col("day") == 1))
    long = pl.concat([b.select("year", pl.lit(d).alias("d"), pl.col(f"bib{d}").alias("n")) for d in (6, 8)])
    long.filter(pl.col("year").is_in([1930, 1931])).write_parquet(f)
    args = [
        "evaluate",
        "--data",
        str(f),
        "--unit",
        "d",
        "--time",
        "year",
        "--outcome",
        "n",
        "--method",
        "did",
        "--treated",
        "6",
        "--start",
        "1931",
    ]
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["estimate"] == pytest.approx(19.0)
    table = runner.invoke(app, ["--lang", "ru", *args])
    assert table.exit_code == 0 and "19" in table.output and "Параллельные тренды" in table.output


def test_xlsx_with_empty_cohort_cells(tmp_path: Path) -> None:
    f = tmp_path / "mpdta.xlsx"
    df = pl.read_csv(DATA / "mpdta.csv").with_columns(
        pl.when(pl.col("first.treat") == 0).then(None).otherwise(pl.col("first.treat")).alias("first.treat")
    )
    df.to_pandas().to_excel(f, index=False)  # openpyxl; empty cells for never treated
    res = runner.invoke(
        app,
        [
            *BASE,
            "--data",
            str(f),
            "--method",
            "cs",
            "--cohort",
            "first.treat",
            "--inference",
            "analytic",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["estimate"] == pytest.approx(-0.0399513, abs=1e-6)


def test_errors_exit_non_zero_without_traceback() -> None:
    cmd = [
        str(Path(sys.executable).with_name("natije")),
        "--lang",
        "en",
        *BASE,
        "--data",
        str(DATA / "mpdta.csv"),
        "--method",
        "magic",
        "--cohort",
        "first.treat",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 6 and "unknown method 'magic'" in proc.stderr and "Traceback" not in proc.stderr
    res = runner.invoke(app, [*BASE, "--data", "nope.txt", "--method", "cs", "--cohort", "first.treat"])
    assert isinstance(res.exception, ValidationError) and res.exception.exit_code == 2
    assert "cannot read" in res.exception.message
