"""The loops and rules against plain definitions written out in Python, and their two versions (plain Python
on small inputs, compiled on large ones) against each other."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natije.results import compiled
from natije.results.forecast import measure_and_fit
from natije.results.thresholds import Thresholds

MODES = ("native", "python")


@pytest.fixture(params=MODES)
def mode(request, monkeypatch):
    """Run the test once with every loop in plain Python, once with every loop compiled."""
    monkeypatch.setattr(compiled, "FORCE", request.param)
    return request.param


VALUES = st.one_of(st.none(), st.just(float("nan")), st.floats(-1e6, 1e6, allow_nan=False))
ROWS = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C.1"]),
        st.sampled_from(["01", "02", None]),
        st.integers(2010, 2024),
        VALUES,
    ),
    min_size=0,
    max_size=40,
    unique_by=lambda r: r[:3],
)


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "territory": [r[1] for r in rows],
            "period_start": [r[2] * 12 for r in rows],
            "period_end": [r[2] * 12 + 12 for r in rows],
            "value": [r[3] for r in rows],
            "illustrative": [r[2] % 2 == 0 for r in rows],
        },
        schema={
            "indicator": pl.String,
            "territory": pl.String,
            "period_start": pl.Int32,
            "period_end": pl.Int32,
            "value": pl.Float64,
            "illustrative": pl.Boolean,
        },
    )


def _expected(rows: list[tuple], cumulative: set[str], window: int) -> tuple[dict, dict]:
    """Per row its measure, per series its fit: loops over Python lists, the definition written out."""
    measures, fits = {}, {}
    for key in sorted({r[:2] for r in rows}, key=lambda k: (k[0], k[1] is None, k[1] or "")):
        run, points = 0.0, []
        for r in sorted((r for r in rows if r[:2] == key), key=lambda r: r[2]):
            v = r[3]
            if key[0] in cumulative:
                run += 0.0 if v is None else v
                m = run
            else:
                m = v
            measures[(*key, r[2])] = m
            if m is not None and math.isfinite(m):
                points.append(((2 * r[2] * 12 + 12) / 24 - 2000, m, r[2]))
        points = points[-window:]
        if points:
            x, y = np.array([p[0] for p in points]), np.array([p[1] for p in points])
            fits[key] = {
                "n": len(points),
                "xbar": x.mean(),
                "ybar": y.mean(),
                "sxx": ((x - x.mean()) ** 2).sum(),
                "sxy": ((x - x.mean()) * (y - y.mean())).sum(),
                "last_end": points[-1][2] * 12 + 12,
                "last_measure": points[-1][1],
                "last_illustrative": points[-1][2] % 2 == 0,
                "first_measure": points[0][1] if len(points) == 2 else None,
            }
    return measures, fits


@pytest.mark.parametrize("small", MODES)
@settings(max_examples=150, deadline=None)
@given(ROWS, st.sets(st.sampled_from(["A", "B", "C.1"])), st.integers(2, 6), st.randoms())
def test_measures_and_fits_match_the_definition(small, rows, cumulative, window, rnd):
    compiled.FORCE, before = small, compiled.FORCE  # hypothesis runs no function fixture
    try:
        _check_measures_and_fits(rows, cumulative, window, rnd)
    finally:
        compiled.FORCE = before


def _check_measures_and_fits(rows, cumulative, window, rnd):
    rnd.shuffle(rows)
    meas, series = measure_and_fit(
        _frame(rows), pl.Series(sorted(cumulative), dtype=pl.String), Thresholds(forecast_window=window)
    )
    want_m, want_f = _expected(rows, cumulative, window)
    for r in meas.iter_rows(named=True):
        expect, got = want_m[(r["indicator"], r["territory"], r["period_start"] // 12)], r["measure"]
        assert (expect is None and got is None) or (
            got is not None
            and expect is not None
            and (
                (math.isnan(expect) and math.isnan(got))
                or math.isclose(got, expect, rel_tol=1e-9, abs_tol=1e-6)
            )
        )
    assert series.height == len(want_f)
    for s in series.iter_rows(named=True):
        want = want_f[(s["indicator"], s["territory"])]
        for col, value in want.items():
            if isinstance(value, float):
                assert math.isclose(s[col], value, rel_tol=1e-9, abs_tol=1e-6), col
            else:
                assert s[col] == value, col


def test_many_series_in_order_are_not_copied_and_match_a_grouped_fit(mode):
    rng = np.random.default_rng(4)
    n_series, years = 3000, np.arange(2015, 2024)
    frame = pl.DataFrame(
        {
            "indicator": np.repeat([f"I{i // 100:03d}" for i in range(n_series)], len(years)),
            "territory": np.repeat([f"T{i % 100:03d}" for i in range(n_series)], len(years)),
            "period_start": np.tile(years * 12, n_series).astype(np.int32),
            "period_end": np.tile(years * 12 + 12, n_series).astype(np.int32),
            "value": rng.normal(50, 10, n_series * len(years)),
            "illustrative": False,
        }
    )
    meas, series = measure_and_fit(frame, None, Thresholds(forecast_window=5))
    assert meas["measure"].to_list() == frame["value"].to_list()
    x = (pl.col("period_start") + pl.col("period_end")) / 24 - 2000
    grouped = frame.group_by("indicator", "territory", maintain_order=True).agg(
        (pl.cov(x.tail(5), pl.col("value").tail(5)) / x.tail(5).var()).alias("b")
    )
    np.testing.assert_allclose(series["b"].to_numpy(), grouped["b"].to_numpy(), rtol=1e-9)


@pytest.mark.parametrize("version", ["python", "native"])
def test_t_cdf_closed_forms_match_scipy(version):
    from scipy import stats

    from natije.results.tdist import t_cdf

    cdf = getattr(t_cdf, version)
    z = np.concatenate([np.linspace(-40, 40, 801), [-1e6, 1e6, 0.0, np.inf, -np.inf]])
    for nu in range(1, 13):
        got = np.array([cdf(v, nu) for v in z])
        np.testing.assert_allclose(got, stats.t.cdf(z, nu), rtol=1e-10, atol=1e-14)
        assert got.tolist() == [t_cdf.python(v, nu) for v in z]  # both versions give the same numbers
    assert math.isnan(cdf(float("nan"), 3))


KEYS = st.tuples(st.sampled_from(["A", "B", "C.1", "Z"]), st.sampled_from(["01", "02", "10", "99"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(KEYS, unique=True), st.lists(KEYS, unique=True), st.lists(KEYS), st.booleans())
def test_series_positions_match_a_left_join(head, tail, wanted, sort_head):
    """Binary search over the sorted prefix of the series plus a join on the rest = a plain left join."""
    from natije.results.achievement import series_of

    keys = (sorted(head) if sort_head else head) + [k for k in tail if k not in head]
    series = pl.DataFrame(
        {"indicator": [k[0] for k in keys], "territory": [k[1] for k in keys]},
        schema={"indicator": pl.String, "territory": pl.String},
    ).with_row_index("_s")
    rows = pl.DataFrame(
        {
            "_c": list(range(len(wanted))),
            "indicator": [k[0] for k in wanted],
            "territory": [k[1] for k in wanted],
        },
        schema={"_c": pl.Int64, "indicator": pl.String, "territory": pl.String},
    )
    got = series_of(rows, series).sort("_c")
    want = rows.join(series, on=["indicator", "territory"], how="left").sort("_c")
    assert got.select("_c", "indicator", "territory", "_s").rows() == want.select(got.columns).rows()


def _results(frames, as_of):
    from natije.results.engine import results_table, results_with_flags

    table, flags = results_with_flags(frames, as_of=as_of)
    return table, flags, results_table(frames, as_of=as_of, territory="000000000")


@pytest.mark.parametrize(
    "as_of", ["2019-06-30", "2021-01-01", "2022-07-01", "2024-03-01", "2025-11-01", "2031-01-01"]
)
def test_python_and_compiled_loops_give_the_same_results(as_of, monkeypatch):
    """Every result, flag and roll-up of the engine, with every loop in plain Python and then compiled."""
    from frames_builders import chain_frames, demo_like_frames, rolled_up_frames
    from polars.testing import assert_frame_equal

    rolled = rolled_up_frames()
    no_ratio = rolled.replace(indicators=rolled.indicators.filter(pl.col("ratio_numerator").is_null()))
    for frames in (demo_like_frames(), chain_frames(), rolled, no_ratio):  # no ratio: roll-ups by cells
        got = {}
        for small in MODES:
            monkeypatch.setattr(compiled, "FORCE", small)
            got[small] = _results(frames, as_of)
        assert got["python"][0].height > 0
        for python, native in zip(got["python"], got["native"], strict=True):
            assert_frame_equal(python, native, check_exact=True)


def test_a_small_program_imports_no_numba():
    """Below compiled.SMALL_INPUT rows nothing is compiled:
    numba (160 MB, 0.7 s to import) is not even loaded."""
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).parent
    code = (
        f"import sys; sys.path.insert(0, {str(here)!r})\n"
        "from frames_builders import demo_like_frames, rolled_up_frames\n"
        "from natije.results.engine import results_table, results_with_flags\n"
        "results_with_flags(demo_like_frames(), as_of='2025-11-01')\n"
        "results_table(rolled_up_frames(), as_of='2024-06-30', territory='000000000')\n"
        "print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_t_quantile_inverts_the_cdf_as_scipy():
    from scipy import stats

    from natije.results.tdist import t_quantile

    for nu in range(1, 31):
        for p in (0.001, 0.1, 0.5, 0.8, 0.9, 0.975, 0.9999):
            got = t_quantile(p, nu)
            assert math.isclose(got, stats.t.ppf(p, nu), rel_tol=1e-9, abs_tol=1e-12), (p, nu)
            assert t_quantile.native(p, nu) == got


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2015 * 12, 2030 * 12),
    st.sampled_from([1, 3, 12]),
    st.integers(0, 24),
    st.one_of(st.just(0), st.integers(2012 * 12, 2031 * 12)),
    st.floats(0.05, 1.0),
    st.sampled_from([0, 1, 2]),
)
def test_status_one_places_the_pace_where_the_data_could_reach(now, freq, lag, actual_end, gap, reason):
    """status_one against the written rule: time runs from the baseline's midpoint to the midpoint of the
    latest period ending ``lag`` months before ``now`` (or of the actual's own, if later; never past ``now``);
    without a pace or chance, a series with values too few to judge is insufficient_data (5), one without any
    no_data (6)."""
    from frames_builders import target_row

    from natije.results.loops import Fit, Judging
    from natije.results.rules import status_one

    bs, be, ps, pe = 2010 * 12, 2011 * 12, 2040 * 12, 2041 * 12  # baseline 2010, target 2040: never ended
    ref = min(
        max(
            math.floor((now - lag) / freq) * freq - freq / 2,
            actual_end - freq / 2 if actual_end else -math.inf,
        ),
        now + 0.5,
    )
    want = gap / max((ref - (bs + be) / 2) / ((ps + pe) / 2 - (bs + be) / 2), 1e-9)
    judging = Judging(now, 3, np.zeros(1), float(lag), 0.6, 0.25, 0.9, 0.6)
    no_fit = Fit(0, *[math.nan] * 7)

    def one(a, g, version):
        row = target_row(
            actual=a,
            baseline=10.0,
            target=90.0,
            period_start=ps,
            period_end=pe,
            baseline_start=bs,
            baseline_end=be,
            actual_end=actual_end,
            freq_months=freq,
        )
        score, forecast = (0, g, math.nan, g), (math.nan, math.nan, math.nan, math.nan, reason)
        status, pace = getattr(status_one, version)(row, no_fit, score, forecast, judging)
        return int(status), float(pace)

    assert one(10 + 80 * gap, gap, "python") == one(10 + 80 * gap, gap, "native")
    status, pace = one(10 + 80 * gap, gap, "python")
    assert math.isclose(pace, want, rel_tol=1e-9)
    assert status == (1 if want >= 0.9 else 2 if want >= 0.6 else 3)
    assert one(np.nan, np.nan, "python")[0] == (5 if reason == 2 else 6)


def test_a_loop_depends_on_the_files_of_the_rules_it_calls():
    """numba's cache checks only a function's own file; compiled.py drops it when one of these is newer."""
    from pathlib import Path

    from natije.results.loops import judge_rows

    assert {Path(f).name for f in judge_rows.sources()} == {"loops.py", "rules.py", "tdist.py"}
