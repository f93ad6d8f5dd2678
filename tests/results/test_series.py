"""Series as row runs: order detection and series starts (the loops over the runs: test_kernels.py)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results.series import series_runs

ROWS = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C.1"]),
        st.sampled_from(["01", "02", "10"]),
        st.integers(2015, 2024),
        st.floats(-100, 100, allow_nan=False),
    ),
    min_size=0,
    max_size=30,
    unique_by=lambda r: r[:3],
)


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "territory": [r[1] for r in rows],
            "period_end": [r[2] * 12 + 12 for r in rows],
            "value": [r[3] for r in rows],
        },
        schema={"indicator": pl.String, "territory": pl.String, "period_end": pl.Int32, "value": pl.Float64},
    )


@settings(max_examples=80, deadline=None)
@given(ROWS, st.randoms())
def test_any_row_order_gives_series_order_and_starts(rows, rnd):
    rnd.shuffle(rows)
    runs = series_runs(_frame(rows))
    frame, starts = runs.frame, runs.starts
    assert frame.rows() == _frame(sorted(rows)).rows()
    keys = list(zip(frame["indicator"], frame["territory"]))
    assert starts.tolist() == [i for i, k in enumerate(keys) if i == 0 or k != keys[i - 1]]
    # rows already in order are returned as they are
    again = series_runs(frame)
    assert again.frame is frame and again.starts.tolist() == starts.tolist()
