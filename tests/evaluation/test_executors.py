"""Executors: same seed -> identical random numbers on serial, process and Dask executors."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import natije
from natije.errors import ConfigurationError
from natije.evaluation import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from natije.evaluation.executors import seeded_chunks
from natije.evaluation.inference import multiplier_bootstrap


def _square(x: int) -> int:
    return x * x


def _influence() -> np.ndarray:
    return np.random.default_rng(3).normal(size=(400, 3))


def test_make_executor() -> None:
    assert isinstance(make_executor("serial"), SerialExecutor)
    assert isinstance(make_executor("processes:2"), ProcessExecutor)
    ex = make_executor("dask://127.0.0.1:8786")
    assert isinstance(ex, DaskExecutor) and ex.address == "tcp://127.0.0.1:8786"
    with pytest.raises(ConfigurationError, match="unknown executor"):
        make_executor("cloud")


def test_chunking_does_not_depend_on_the_executor() -> None:
    sizes = [s for _, s in seeded_chunks(1, 1000)]
    assert sizes == [250, 250, 250, 250]
    assert SerialExecutor().map(_square, [1, 2, 3]) == ProcessExecutor(2).map(_square, [1, 2, 3]) == [1, 4, 9]


def test_serial_and_processes_give_identical_bootstrap() -> None:
    inf = _influence()
    a = multiplier_bootstrap(inf, SerialExecutor(), seed=11, n_boot=1000, alpha=0.05)
    b = multiplier_bootstrap(inf, ProcessExecutor(2), seed=11, n_boot=1000, alpha=0.05)
    c = multiplier_bootstrap(inf, SerialExecutor(), seed=12, n_boot=1000, alpha=0.05)
    assert np.array_equal(a["draws"], b["draws"]) and a["crit"] == b["crit"]
    assert not np.array_equal(a["draws"], c["draws"])


def test_mammen_weights_have_mean_zero_variance_one() -> None:
    inf = np.eye(2000)[:, :1] * 2000.0  # picks the weight of unit 0 in every draw
    draws = multiplier_bootstrap(inf, SerialExecutor(), 5, 20000, 0.05, weights="mammen")["draws"]
    assert abs(draws.mean()) < 0.03 and abs(draws.var() - 1) < 0.05


def test_evaluate_same_numbers_serial_vs_processes(mpdta: pl.DataFrame) -> None:
    kw = {
        "unit": "countyreal",
        "time": "year",
        "outcome": "lemp",
        "method": "cs",
        "cohort": "first.treat",
        "aggregation": "dynamic",
        "inference": "bootstrap",
        "seed": 42,
    }
    a = natije.evaluate(mpdta, executor="serial", **kw)
    b = natije.evaluate(mpdta, executor="processes", **kw)
    assert a.se == b.se and [e.ci_low for e in a.effects] == [e.ci_low for e in b.effects]


@pytest.mark.dask
def test_dask_local_cluster_gives_identical_numbers(mpdta: pl.DataFrame, dask_address: str) -> None:
    inf = _influence()
    ex = DaskExecutor(dask_address)
    try:
        d = multiplier_bootstrap(inf, ex, seed=11, n_boot=1000, alpha=0.05)
    finally:
        ex.close()
    s = multiplier_bootstrap(inf, SerialExecutor(), seed=11, n_boot=1000, alpha=0.05)
    assert np.array_equal(d["draws"], s["draws"])
    kw = {
        "unit": "countyreal",
        "time": "year",
        "outcome": "lemp",
        "method": "cs",
        "cohort": "first.treat",
        "inference": "bootstrap",
        "seed": 7,
    }
    r_dask = natije.evaluate(mpdta, executor=dask_address, **kw)
    r_serial = natije.evaluate(mpdta, executor="serial", **kw)
    assert r_dask.se == r_serial.se and r_dask.ci == r_serial.ci
