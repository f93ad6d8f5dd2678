"""Series as row runs: order detection, series starts, running sums and segment sums."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results.series import in_series_order, last_k, running_sum, segment_sums

ROWS = st.lists(st.tuples(st.sampled_from(["A", "B", "C.1"]), st.sampled_from(["01", "02", "10"]),
                          st.integers(2015, 2024), st.floats(-100, 100, allow_nan=False)),
                min_size=0, max_size=30, unique_by=lambda r: r[:3])


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame({"indicator": [r[0] for r in rows], "territory": [r[1] for r in rows],
                         "period_end": [r[2] * 12 + 12 for r in rows], "value": [r[3] for r in rows]},
                        schema={"indicator": pl.String, "territory": pl.String, "period_end": pl.Int32,
                                "value": pl.Float64})


@settings(max_examples=80, deadline=None)
@given(ROWS, st.randoms())
def test_any_row_order_gives_series_order_and_starts(rows, rnd):
    rnd.shuffle(rows)
    frame, starts = in_series_order(_frame(rows))
    assert frame.rows() == _frame(sorted(rows)).rows()
    keys = list(zip(frame["indicator"], frame["territory"]))
    assert starts.tolist() == [i for i, k in enumerate(keys) if i == 0 or k != keys[i - 1]]
    # rows already in order are returned as they are
    again, again_starts = in_series_order(frame)
    assert again is frame and again_starts.tolist() == starts.tolist()


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_running_and_segment_sums_per_series(rows):
    frame, starts = in_series_order(_frame(rows))
    v = frame["value"].to_numpy()
    expected = frame.select(pl.col("value").cum_sum().over("indicator", "territory"))["value"].to_numpy()
    np.testing.assert_allclose(running_sum(v, starts), expected, atol=1e-9)
    sums = frame.group_by("indicator", "territory", maintain_order=True).agg(pl.col("value").sum())["value"]
    np.testing.assert_allclose(segment_sums(starts, v)[0], sums.to_numpy(), atol=1e-9)
    keep = last_k(starts, frame.height, 2)
    if keep is not None:
        kept = frame.filter(pl.Series(keep))
        assert kept.group_by("indicator", "territory").len()["len"].max() <= 2
        assert kept.height == sum(min(n, 2) for n in np.diff(np.append(starts, frame.height)))
