"""``natije evaluate``: the thin CLI edge over natije.evaluate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

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


# --- what the user sees -------------------------------------------------------------------------------------

TINY = "u,t,y,g\na,2000,1,2001\na,2001,3,2001\nb,2000,1,0\nb,2001,2,0\n"


def _mpdta_dynamic(fmt: str, lang: str = "en") -> str:
    res = runner.invoke(
        app,
        [
            "--lang",
            lang,
            *BASE,
            "--data",
            str(DATA / "mpdta.csv"),
            "--method",
            "cs",
            "--cohort",
            "first.treat",
            "--aggregation",
            "dynamic",
            "--inference",
            "analytic",
            "--format",
            fmt,
        ],
        terminal_width=200,
    )
    assert res.exit_code == 0, res.output
    return res.stdout


def test_effects_by_event_time_in_table_json_and_csv() -> None:
    data = json.loads(_mpdta_dynamic("json"))
    events = [e["label"] for e in data["effects"]]
    assert events == [-3, -2, -1, 0, 1, 2, 3] and {e["kind"] for e in data["effects"]} == {"event_time"}
    csv = pl.read_csv(_mpdta_dynamic("csv").encode())
    assert csv.columns == ["kind", "label", "estimate", "se", "ci_low", "ci_high", "p_value"]
    assert csv["kind"].to_list() == ["overall"] + ["event_time"] * 7
    assert csv["estimate"].to_list() == pytest.approx(
        [data["estimate"]] + [e["estimate"] for e in data["effects"]]
    )
    assert csv["ci_high"][1:].to_list() == pytest.approx([e["ci_high"] for e in data["effects"]])
    table = _mpdta_dynamic("table")
    assert "Effects by event time" in table and "95% confidence interval" in table
    rows = [line for line in table.splitlines() if re.match(r"^│\s+-?\d+\s+│", line)]
    assert [int(r.split("│")[1]) for r in rows] == events  # one row per event time, in order
    assert f"{data['effects'][3]['estimate']:.4f}" in rows[3]  # estimate at event time 0, four decimals
    assert "< 0.001" in table and "p < 0.001" in table  # headline p-value and the interpretation's


def test_table_numbers_follow_the_interface_language() -> None:
    ru = _mpdta_dynamic("table", "ru")
    assert "Эффекты по времени от начала программы" in ru and "доверительный интервал" in ru
    assert "−0,03" in ru or "-0,03" in ru  # decimal comma
    cells = "\n".join(line for line in ru.splitlines() if line.startswith("│"))
    assert "< 0,001" in ru and not re.search(r"\d\.\d", cells) and re.search(r"\d,\d", cells)


def test_single_series_its_without_unit_column_and_periods_as_periods(tmp_path: Path) -> None:
    nile = tmp_path / "nile.csv"
    pl.read_csv(DATA / "nile.csv").with_columns(pl.col("year").cast(pl.Float64)).write_csv(nile)  # 1871.0 …
    args = [
        "--lang",
        "en",
        "evaluate",
        "--data",
        str(nile),
        "--time",
        "year",
        "--outcome",
        "volume",
        "--method",
        "its",
        "--start",
        "1899",
        "--n-boot",
        "200",
    ]
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    labels = pl.read_csv(res.stdout.encode(), schema_overrides={"label": pl.String})["label"].to_list()
    assert labels[1:4] == ["1899", "1900", "1901"]
    table = runner.invoke(app, args, terminal_width=200).stdout
    assert "│   1899 │" in table and "1899.0" not in table and "1970.0" not in table


def test_too_small_design_is_refused_in_the_users_language(tmp_path: Path) -> None:
    f = tmp_path / "all.csv"
    f.write_text("u,t,y\na,2000,1\na,2001,3\nb,2000,1\nb,2001,2\n", encoding="utf-8")
    cmd = [
        str(Path(sys.executable).with_name("natije")),
        "--lang",
        "ru",
        "evaluate",
        "--data",
        str(f),
        "--unit",
        "u",
        "--time",
        "t",
        "--outcome",
        "y",
        "--method",
        "did",
        "--treated",
        "a,b",
        "--start",
        "2001",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 7 and "Traceback" not in proc.stderr
    assert "не охваченных программой" in proc.stderr.replace("\n", " ") and proc.stdout == ""


@pytest.mark.parametrize("case", ["tiny-cs", "tiny-did", "mpdta-bootstrap", "nile-its"])
def test_no_library_warning_reaches_the_terminal(tmp_path: Path, case: str) -> None:
    tiny = tmp_path / "tiny.csv"
    tiny.write_text(TINY, encoding="utf-8")
    t_args = ["--data", str(tiny), "--unit", "u", "--time", "t", "--outcome", "y"]
    args = {
        "tiny-cs": [*t_args, "--method", "cs", "--cohort", "g", "--n-boot", "50"],
        "tiny-did": [*t_args, "--method", "did", "--treated", "a", "--start", "2001"],
        "mpdta-bootstrap": [
            *BASE[1:],
            "--data",
            str(DATA / "mpdta.csv"),
            "--method",
            "cs",
            "--cohort",
            "first.treat",
            "--n-boot",
            "300",
        ],
        "nile-its": [
            "--data",
            str(DATA / "nile.csv"),
            "--time",
            "year",
            "--outcome",
            "volume",
            "--method",
            "its",
            "--start",
            "1899",
            "--n-boot",
            "200",
        ],
    }[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # anything not caught at the service boundary fails the run
        res = runner.invoke(app, ["--lang", "kk", "evaluate", *args], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert res.stderr == "" and "Warning" not in res.stdout


def test_a_real_run_prints_no_warning_on_stderr(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.csv"
    tiny.write_text(TINY, encoding="utf-8")
    code = "import sys; from natije.cli import main; sys.argv[0] = 'natije'; main()"
    cmd = [
        sys.executable,
        "-c",
        code,
        "--lang",
        "en",
        "evaluate",
        "--data",
        str(tiny),
        "--unit",
        "u",
        "--time",
        "t",
        "--outcome",
        "y",
        "--method",
        "cs",
        "--cohort",
        "g",
        "--n-boot",
        "50",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no RuntimeWarning text, no progress bar (stderr is not a terminal)
    assert "could not be computed" in proc.stdout  # the All-NaN warning, as a note in words


def test_progress_only_on_a_terminal_and_never_for_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    from natije.cli.evaluation_output import draws_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with draws_progress("en", "table") as progress:
        assert progress is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    for fmt in ("json", "csv"):
        with draws_progress("en", fmt) as progress:
            assert progress is None
    with draws_progress("en", "table") as progress:
        assert progress is not None
        progress(1, 4)
        progress(4, 4)
