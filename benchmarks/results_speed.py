"""Results engine speed: every result and roll-up from 10 M generated observations, side by side with
a hand-written Polars/DuckDB query doing only the core aggregation (the limit) and a pandas groupby-apply.

Usage::

    .venv/bin/python benchmarks/results_speed.py                      # 2,000 × 1,000 × 5 = 10 M rows
    .venv/bin/python benchmarks/results_speed.py --indicators 200      # 1 M rows, quick
    .venv/bin/python benchmarks/results_speed.py --pandas-series 20000 # pandas on a subset of series
    .venv/bin/python benchmarks/results_speed.py --store /tmp/r.db      # also: load the frames from SQLite

``--store PATH`` also writes the generated program into a SQLite store (``--postgres URL``: a PostgreSQL one,
empty) through the store API, once per ``--targeted`` share of indicators with targets (``0``: a program with
no targets at all), and measures ``natije results P --format json`` and ``natije scorecard`` in a new process
each: wall time and peak RSS of the whole process. A store file already there is reused
(``--only-store`` skips the in-memory comparison).

Goal (issue 4): engine ≤ 2× the limit and ≥ 10× faster than pandas. The pandas version runs per series in
Python; on all 2 M series it takes many minutes, so by default it runs on ``--pandas-series`` series and the
per-series time is scaled to the full set — the printout says which numbers are measured and which scaled.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime

import numpy as np
import polars as pl

from natije.results.engine import results_table, results_with_flags
from natije.results.frames import ProgramFrames

YEARS = [2019, 2020, 2021, 2022, 2023]
TARGET_YEAR = 2025
AS_OF = date(2024, 6, 30)


def generate(n_ind: int, n_terr: int, seed: int = 1, targeted: float = 1.0) -> ProgramFrames:
    """A program with ``n_ind`` indicators × ``n_terr`` regions × 5 years; 1/3 counts, 2/3 shares; the first
    ``targeted`` share of the indicators has targets and baselines."""
    rng = np.random.default_rng(seed)
    codes = [f"P.I{i:04d}" for i in range(n_ind)]
    units = np.where(np.arange(n_ind) % 3 == 0, "count", "%")
    ind = pl.DataFrame(
        {
            "code": codes,
            "program": "P",
            "unit": units,
            "direction": np.where(np.arange(n_ind) % 5 == 4, "decrease", "increase"),
            "kind": np.where(np.arange(n_ind) % 3 == 0, "cumulative", "stock"),
            "frequency": "A",
            "name_en": [f"indicator {i}" for i in range(n_ind)],
        }
    )
    terr_codes = [f"{i + 1:02d}{0:07d}" if i < 99 else f"R{i:08d}" for i in range(n_terr)]
    terr = pl.DataFrame(
        {
            "code": ["000000000", *terr_codes],
            "level": ["country", *(["region"] * n_terr)],
            "parent": [None, *(["000000000"] * n_terr)],
        }
    )
    grid = (
        pl.DataFrame({"indicator": codes, "_i": np.arange(n_ind)})
        .join(pl.DataFrame({"territory": terr_codes, "_t": np.arange(n_terr)}), how="cross")
        .join(pl.DataFrame({"year": YEARS}), how="cross")
    )
    n = grid.height
    base = rng.uniform(10, 60, n_ind * n_terr).repeat(len(YEARS))
    slope = rng.normal(3, 2, n_ind * n_terr).repeat(len(YEARS))
    noise = rng.normal(0, 2, n)
    t = np.tile(np.arange(len(YEARS)), n_ind * n_terr)
    obs = grid.with_columns(
        pl.col("year").cast(pl.String).alias("period"),
        (pl.col("year") * 12).cast(pl.Int32).alias("period_start"),
        (pl.col("year") * 12 + 12).cast(pl.Int32).alias("period_end"),
        pl.Series("value", np.clip(base + slope * t + noise, 0, 100)),
        pl.lit(datetime(2024, 3, 1)).alias("recorded_at"),
        pl.lit(datetime(2024, 3, 1)).alias("first_recorded"),
        pl.lit(False).alias("illustrative"),
    ).drop("_i", "_t", "year")
    tgt_start = TARGET_YEAR * 12
    shares = ind.filter(pl.col("unit") == "%")["code"]
    counts = ind.filter(pl.col("unit") == "count")["code"]
    c_nat = pl.DataFrame(
        {
            "indicator": shares,
            "territory": None,
            "kind": "target",
            "period": str(TARGET_YEAR),
            "period_start": tgt_start,
            "period_end": tgt_start + 12,
            "value": rng.uniform(40, 95, len(shares)),
            "version": 1,
            "decided_on": date(2018, 12, 1),
        },
        schema_overrides={"territory": pl.String},
    )
    c_terr = (
        pl.DataFrame({"indicator": counts})
        .join(pl.DataFrame({"territory": terr_codes}), how="cross")
        .with_columns(
            kind=pl.lit("target"),
            period=pl.lit(str(TARGET_YEAR)),
            period_start=pl.lit(tgt_start),
            period_end=pl.lit(tgt_start + 12),
            version=pl.lit(1),
            decided_on=pl.lit(date(2018, 12, 1)),
        )
    )
    c_terr = c_terr.with_columns(pl.Series("value", rng.uniform(100, 400, c_terr.height)))
    base_c = c_nat.with_columns(
        kind=pl.lit("baseline"),
        period=pl.lit("2018"),
        period_start=pl.lit(2018 * 12),
        period_end=pl.lit(2019 * 12),
        value=pl.lit(10.0),
    )
    commitments = pl.concat([c_nat, c_terr.select(c_nat.columns), base_c], how="vertical_relaxed").filter(
        pl.col("indicator").is_in(codes[: round(targeted * n_ind)])
    )
    weights = (
        pl.DataFrame({"territory": terr_codes, "w": rng.uniform(1e4, 2e6, n_terr)})
        .join(pl.DataFrame({"period": [str(y) for y in YEARS]}), how="cross")
        .rename({"w": "weight"})
    )
    progs = pl.DataFrame({"code": ["P"], "predecessors": [[]], "start_year": [2019], "end_year": [2025]})
    return ProgramFrames.build(
        program="P",
        indicators=ind,
        observations=obs,
        commitments=commitments,
        territories=terr,
        weights=weights,
        programs=progs,
    )


def engine(frames: ProgramFrames) -> tuple[pl.DataFrame, pl.DataFrame]:
    """natije: every result (achievement, forecast, status, national roll-ups) and every
    flag, rows unsorted."""
    return results_with_flags(frames, as_of=AS_OF, ordered=False)


def limit_polars(frames: ProgramFrames) -> pl.DataFrame:
    """The core aggregation only, hand-written: per series last value + OLS sums;
    per indicator × year roll-up."""
    o = frames.observations.lazy()
    x = pl.col("period_start") / 12.0
    series = o.group_by("indicator", "territory").agg(
        pl.col("value").sort_by("period_start").last().alias("last"),
        pl.len().alias("n"),
        x.sum().alias("sx"),
        pl.col("value").sum().alias("sy"),
        (x * x).sum().alias("sxx"),
        (x * pl.col("value")).sum().alias("sxy"),
        (pl.col("value") ** 2).sum().alias("syy"),
    )
    roll = (
        o.join(frames.weights.lazy(), on=["territory", "period"], how="left")
        .group_by("indicator", "period")
        .agg(
            pl.col("value").sum().alias("sum"),
            (pl.col("value") * pl.col("weight")).sum() / pl.col("weight").sum(),
        )
    )
    s, _roll = pl.collect_all([series, roll])
    return s


def limit_duckdb(frames: ProgramFrames) -> object:
    """The same core aggregation in DuckDB SQL over the Arrow frames."""
    import duckdb

    con = duckdb.connect()
    obs, weights = (
        frames.observations.select("indicator", "territory", "period", "period_start", "value"),
        frames.weights,
    )
    con.register("obs", obs.to_arrow())
    con.register("weights", weights.to_arrow())
    con.sql("""
        SELECT indicator, territory, arg_max(value, period_start) AS last, count(*) n,
               sum(period_start/12.0) sx, sum(value) sy, sum((period_start/12.0)^2) sxx,
               sum(period_start/12.0*value) sxy, sum(value*value) syy
        FROM obs GROUP BY 1, 2""").to_arrow_table()
    con.sql("""
        SELECT o.indicator, o.period, sum(value), sum(value*weight)/sum(weight)
        FROM obs o LEFT JOIN weights w USING (territory, period) GROUP BY 1, 2""").to_arrow_table()
    return con.close()


def pandas_apply(frames: ProgramFrames, n_series: int) -> float:
    """Straightforward pandas: groupby(indicator, territory).apply(per-series achievement + OLS forecast)."""
    import pandas as pd
    from scipy import stats

    keys = frames.observations.select("indicator", "territory").unique(maintain_order=True).head(n_series)
    obs = frames.observations.join(keys, on=["indicator", "territory"]).to_pandas()
    tg = frames.commitments.filter(pl.col("kind") == "target").to_pandas()
    nat = tg[tg.territory.isna()].set_index("indicator")["value"].to_dict()
    own = tg[tg.territory.notna()].set_index(["indicator", "territory"])["value"].to_dict()

    def one(g: pd.DataFrame) -> pd.Series:
        key = (g.name[0], g.name[1])
        target = own.get(key, nat.get(key[0]))
        g = g.sort_values("period_start")
        x, y = g.period_start.to_numpy() / 12.0, g.value.to_numpy()
        b, a = np.polyfit(x, y, 1)
        resid = y - (a + b * x)
        s = np.sqrt((resid**2).sum() / (len(x) - 2))
        xs = TARGET_YEAR + 0.5
        se = s * np.sqrt(1 + 1 / len(x) + (xs - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
        mu = a + b * xs
        return pd.Series(
            {
                "actual": y[-1],
                "achievement": y[-1] / target if target else np.nan,
                "forecast": mu,
                "p_meet": 1 - stats.t.cdf((target - mu) / se, len(x) - 2) if target else np.nan,
            }
        )

    t0 = time.perf_counter()
    obs.groupby(["indicator", "territory"]).apply(one, include_groups=False)
    obs.groupby(["indicator", "period"])["value"].sum()
    return time.perf_counter() - t0


def write_store(frames: ProgramFrames, path: str) -> float:
    """Write the generated program into a fresh store (SQLite file, or an empty PostgreSQL database) through
    the store API; returns seconds."""
    import os

    from natije.domain.commitments import Commitment, CommitmentKind
    from natije.domain.indicators import Direction, Indicator, IndicatorKind
    from natije.domain.names import Names
    from natije.domain.package import ProgramPackage
    from natije.domain.periods import Period
    from natije.domain.programs import Program, ProgramKind, ProgramStatus
    from natije.domain.territories import Territory, TerritoryLevel
    from natije.store import Store
    from natije.store.catalog import write_package
    from natije.store.observations import merge_observations

    if "://" not in path and os.path.exists(path):
        os.remove(path)
    t0 = time.perf_counter()
    store = Store.open(path)
    store.init()
    terr = tuple(
        Territory(r["code"], Names.from_mapping(r["code"]), TerritoryLevel(r["level"]), r["parent"])
        for r in frames.territories.iter_rows(named=True)
    )
    ind = tuple(
        Indicator(
            r["code"],
            Names.from_mapping(r["name_en"]),
            r["unit"],
            Direction(r["direction"]),
            IndicatorKind(r["kind"]),
        )
        for r in frames.indicators.iter_rows(named=True)
    )
    com = tuple(
        Commitment(
            r["indicator"],
            CommitmentKind(r["kind"]),
            Period.parse(r["period"]),
            r["value"],
            r["decided_on"],
            "benchmark",
            r["territory"],
        )
        for r in frames.commitments.iter_rows(named=True)
    )
    prog = Program(
        "P", Names.from_mapping("P"), ProgramKind.STATE_PROGRAM, 2019, 2025, ProgramStatus.IN_FORCE
    )
    obs = frames.observations.select(
        "indicator", "territory", "period", "period_start", "value", pl.col("recorded_at").alias("as_of")
    )
    with store.transaction() as conn:
        write_package(conn, ProgramPackage(territories=terr))
        write_package(conn, ProgramPackage(program=prog, indicators=ind, commitments=com))
        merge_observations(conn, obs.iter_slices(500_000), reason="benchmark")
    store.close()
    return time.perf_counter() - t0


def load_store(path: str) -> ProgramFrames:
    from natije.store import Store
    from natije.store.frames import load_program_frames

    store = Store.open(path)
    with store.connect() as conn:
        frames = load_program_frames(conn, "P", as_of=AS_OF)
    store.close()
    return frames


CHILD = "import sys; from natije.cli.app import main; sys.argv[0] = 'natije'; main()"


def measure_child(db: str, *command: str) -> tuple[float, float]:
    """Run ``natije --db DB COMMAND`` in a new process, output discarded: (wall seconds, peak RSS in MB)."""
    import os
    import subprocess
    import sys

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, "--db", db, *command], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"natije {' '.join(command)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024  # kilobytes on Linux


def store_runs(args: argparse.Namespace) -> None:
    """Per ``--targeted`` share: write (or reuse) the store, then time ``results`` and ``scorecard`` in new
    processes."""
    import os

    rows = args.indicators * args.territories * len(YEARS)
    for share in args.targeted:
        if args.postgres:
            db = args.postgres
            print(f"writing {rows:,} observations to {db} ...")
            write_store(generate(args.indicators, args.territories, targeted=share), db)
        else:
            db = f"{args.store}.{rows}.{share:g}.db"
            if not os.path.exists(db):
                t_write = write_store(generate(args.indicators, args.territories, targeted=share), db)
                print(f"wrote {db} in {t_write:.0f} s")
        for command in (
            ["results", "P", "--as-of", AS_OF.isoformat(), "--format", "json"],
            ["scorecard", "--as-of", AS_OF.isoformat()],
        ):
            wall, peak = measure_child(db, *command)
            print(
                f"{rows:>12,} observations, {share:>5.0%} of indicators targeted: natije {command[0]:<9} "
                f"{wall:6.2f} s  peak RSS {peak:7.0f} MB"
            )
        if args.postgres:
            break  # one empty database given: one program written


def timed(fn, *args, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--indicators", type=int, default=2000)
    ap.add_argument("--territories", type=int, default=1000)
    ap.add_argument("--pandas-series", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument(
        "--store", help="also write a SQLite store at this path and time loading the frames from it"
    )
    ap.add_argument(
        "--targeted",
        type=float,
        nargs="+",
        default=[0.0, 0.1],
        help="--store: shares of the indicators with targets, one store each (default 0 and 0.1)",
    )
    ap.add_argument(
        "--postgres", help="--store: write into this empty PostgreSQL database instead (first share)"
    )
    ap.add_argument("--only-store", action="store_true", help="--store: skip the in-memory comparison")
    args = ap.parse_args()
    if args.store and args.only_store:
        store_runs(args)
        return
    t0 = time.perf_counter()
    frames = generate(args.indicators, args.territories)
    n_series = args.indicators * args.territories
    print(
        f"generated {frames.observations.height:,} observations, {n_series:,} series, "
        f"{frames.commitments.height:,} commitments in {time.perf_counter() - t0:.1f} s"
    )
    res, fl = engine(frames)
    print(
        f"results rows {res.height:,} (statuses: {dict(res.group_by('status').len().iter_rows())}), "
        f"flags {fl.height:,}"
    )
    # interleaved rounds, best of each: load from other jobs hits all sides alike
    t_engine = t_results = t_polars = t_duck = float("inf")
    for _ in range(args.repeat):
        t_engine = min(t_engine, timed(engine, frames))
        t_polars = min(t_polars, timed(limit_polars, frames))
        t_duck = min(t_duck, timed(limit_duckdb, frames))
        t_results = min(t_results, timed(lambda f: results_table(f, as_of=AS_OF, ordered=True), frames))
    limit = min(t_polars, t_duck)
    k = min(args.pandas_series, n_series)
    t_pd = pandas_apply(frames, k)
    t_pd_full = t_pd * n_series / k
    scaled = " (scaled from measured subset)" if k < n_series else ""
    print(
        f"natije engine (results + flags): {t_engine:8.2f} s   "
        f"(results table alone, rows sorted: {t_results:.2f} s)"
    )
    print(f"limit, polars core aggregation : {t_polars:8.2f} s")
    print(f"limit, duckdb core aggregation : {t_duck:8.2f} s")
    print(
        f"pandas groupby-apply           : {t_pd:8.2f} s measured on {k:,} series; "
        f"{t_pd_full:.1f} s for all {n_series:,}{scaled}"
    )
    print(f"engine / limit  = {t_engine / limit:.2f}x   (goal <= 2x)")
    print(f"pandas / engine = {t_pd_full / t_engine:.1f}x  (goal >= 10x){scaled}")
    if args.store:
        t_write = write_store(frames, args.store)
        t0 = time.perf_counter()
        loaded = load_store(args.store)
        t_load = time.perf_counter() - t0
        same = engine(loaded)[0].height
        print(
            f"store (SQLite): written in {t_write:.1f} s (not part of the comparison); "
            f"load_program_frames {t_load:.2f} s for {loaded.observations.height:,} observations; "
            f"engine on the loaded frames gives {same:,} result rows"
        )
        store_runs(args)


if __name__ == "__main__":
    main()
