"""Fixtures for the evaluation tests: the vendored reference panels (see tests/data/evaluation/README.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "evaluation"


@pytest.fixture(scope="session")
def mpdta() -> pl.DataFrame:
    return pl.read_csv(DATA / "mpdta.csv")


@pytest.fixture(scope="session")
def df_het() -> pl.DataFrame:
    return pl.read_csv(DATA / "df_het.csv")


@pytest.fixture(scope="session")
def banks_july() -> pl.DataFrame:
    """Bank counts on 1 July each year, long: one row per district and year."""
    b = pl.read_csv(DATA / "banks.csv").filter((pl.col("month") == 7) & (pl.col("day") == 1))
    return pl.concat(
        [b.select("year", pl.lit(d).alias("district"), pl.col(f"bib{d}").alias("banks")) for d in (6, 8)]
    )


@pytest.fixture(scope="session")
def nile() -> pl.DataFrame:
    return pl.read_csv(DATA / "nile.csv").with_columns(river=pl.lit("nile"))


@pytest.fixture()
def small_block() -> dict[str, list[object]]:
    """Four units, four periods; unit 'a' treated from period 3 with effect +2."""
    units = ["a", "b", "c", "d"]
    rows: dict[str, list[object]] = {"u": [], "t": [], "y": []}
    for i, u in enumerate(units):
        for t in range(1, 5):
            rows["u"].append(u)
            rows["t"].append(t)
            rows["y"].append(float(i + t + (2.0 if u == "a" and t >= 3 else 0.0) + 0.1 * ((i * t) % 3)))
    return rows


@pytest.fixture(scope="session")
def dask_address() -> Iterator[str]:
    """The ``dask://`` address of a local two-process Dask cluster,
    started once for the session's Dask tests."""
    from dask import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address.replace("tcp://", "dask://")
