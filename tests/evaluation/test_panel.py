"""build_panel: long table -> balanced panel, with clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.errors import EstimationError, ValidationError
from natije.evaluation import NEVER, EvaluationDesign, build_panel

BLOCK = EvaluationDesign("u", "t", "y", "did", treated=("a",), start=3)


def test_block_panel(small_block: dict[str, list[object]]) -> None:
    p = build_panel(small_block, BLOCK)
    assert p.units.tolist() == ["a", "b", "c", "d"] and p.times.tolist() == [1, 2, 3, 4]
    assert p.Y.shape == (4, 4) and p.first.tolist() == [2, NEVER, NEVER, NEVER]
    assert p.T0 == 2 and p.D[0].tolist() == [0, 0, 1, 1]
    _Y, tr, T0, units = p.block()
    assert tr.tolist() == [False, False, False, True] and units[-1] == "a" and T0 == 2


def test_pandas_polars_dict_agree(small_block: dict[str, list[object]]) -> None:
    a = build_panel(small_block, BLOCK)
    b = build_panel(pd.DataFrame(small_block), BLOCK)
    c = build_panel(pl.DataFrame(small_block).reverse(), BLOCK)
    assert np.array_equal(a.Y, b.Y) and np.array_equal(a.Y, c.Y)


def test_cohort_column(mpdta: pl.DataFrame) -> None:
    d = EvaluationDesign("countyreal", "year", "lemp", "cs", cohort="first.treat", covariates=("lpop",))
    p = build_panel(mpdta, d)
    assert p.Y.shape == (500, 5)
    counts = dict(zip(*np.unique(p.first, return_counts=True)))
    assert counts == {NEVER: 309, 1: 20, 3: 40, 4: 131}
    assert p.X["lpop"].shape == (500, 5)
    with pytest.raises(EstimationError, match="different periods"):
        _ = p.T0


def test_unbalanced_is_rejected(small_block: dict[str, list[object]]) -> None:
    df = pl.DataFrame(small_block).slice(1)
    with pytest.raises(ValidationError, match="unbalanced"):
        build_panel(df, BLOCK)


def test_duplicates_missing_and_unknown_units(small_block: dict[str, list[object]]) -> None:
    df = pl.DataFrame(small_block)
    with pytest.raises(ValidationError, match="duplicated"):
        build_panel(pl.concat([df, df.head(1)]), BLOCK)
    with pytest.raises(ValidationError, match="missing values") as exc:
        build_panel(
            df.with_columns(pl.when(pl.col("t") == 2).then(None).otherwise(pl.col("y")).alias("y")), BLOCK
        )
    assert exc.value.problems[0].column == "y"
    with pytest.raises(ValidationError, match="unknown treated"):
        build_panel(df, EvaluationDesign("u", "t", "y", "did", treated=("zz",), start=3))
    with pytest.raises(ValidationError, match="missing column"):
        build_panel(df.drop("y"), BLOCK)


def test_cli_strings_are_coerced_to_id_types() -> None:
    data = {"u": [1, 1, 2, 2], "t": [2000, 2001, 2000, 2001], "y": [1.0, 2.0, 1.0, 1.5]}
    p = build_panel(data, EvaluationDesign("u", "t", "y", "did", treated=("1",), start="2001"))
    assert p.first.tolist() == [1, NEVER]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 6), t=st.integers(2, 6), seed=st.integers(0, 1000))
def test_any_row_order_gives_same_matrix(n: int, t: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    u, tt = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
    y = rng.normal(size=n * t)
    order = rng.permutation(n * t)
    d = EvaluationDesign("u", "t", "y", "did", treated=(0,), start=1)
    p = build_panel({"u": u[order], "t": tt[order], "y": y[order]}, d)
    assert np.array_equal(p.Y, y.reshape(n, t))
