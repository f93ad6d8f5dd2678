"""Status of each target: achieved, on_track, at_risk, off_track, missed or no_data.

Rules, in order (thresholds in :class:`natije.results.thresholds.Thresholds`):

1. ``achieved`` — the actual (by the indicator's kind) reaches the target, also before the target period.
2. ``missed`` — the target period has ended, the target is not reached, and either a value for the target
   period is known or ``reporting_lag_months`` have passed since the period ended.
3. With a forecast: ``p_meet ≥ p_on_track`` → ``on_track``; ``≥ p_at_risk`` → ``at_risk``; else ``off_track``.
4. Without a forecast (too few points) but with an actual and a baseline (else the first observed value, if it
   is not the actual itself): pace = share of the gap closed ÷ share of the time elapsed from the baseline period
   to the target period; cut at ``pace_on_track`` / ``pace_at_risk``.
5. Otherwise ``no_data``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from natije.results.asof import month_index
from natije.results.forecast import X0
from natije.results.thresholds import DEFAULT, STATUSES, Thresholds


def assign_status(frame: pl.DataFrame, today: date, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """Add ``status`` (and ``pace``) to a scored, forecast target frame, judged on ``today``."""
    now = month_index(today)
    th = thresholds
    ended = pl.col("period_end") <= now
    reported = pl.col("actual_period") == pl.col("period")
    overdue = pl.col("period_end") + th.reporting_lag_months <= now
    # without a baseline commitment, progress is measured from the first observed value of a two-point series
    # (with three or more points there is a forecast instead)
    for col in ("first_x", "first_measure", "baseline_start", "baseline_end"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Float64).alias(col))
    own = pl.col("baseline").is_not_null()
    b = pl.when(own).then(pl.col("baseline")).otherwise(pl.col("first_measure"))
    b_mid = pl.when(own).then((pl.col("baseline_start") + pl.col("baseline_end")) / 2) \
        .otherwise((pl.col("first_x") + X0) * 12)
    a, t, d = pl.col("actual"), pl.col("target"), pl.col("direction")
    better = ((d == "decrease") & (t < b)) | ((d == "increase") & (t > b))
    gap = pl.when(own).then(pl.col("gap_closed")).when(better).then((a - b) / (t - b))
    elapsed = (pl.lit(now + 0.5) - b_mid) / ((pl.col("period_start") + pl.col("period_end")) / 2 - b_mid)
    pace = gap / elapsed.clip(lower_bound=1e-9)
    p = pl.col("p_meet")
    status = (
        pl.when(pl.col("met").fill_null(False)).then(pl.lit("achieved"))
        .when(ended & pl.col("actual").is_not_null() & (reported | overdue)).then(pl.lit("missed"))
        .when(ended & overdue & pl.col("actual").is_null()).then(pl.lit("missed"))
        .when(p >= th.p_on_track).then(pl.lit("on_track"))
        .when(p >= th.p_at_risk).then(pl.lit("at_risk"))
        .when(p.is_not_null()).then(pl.lit("off_track"))
        .when(pl.col("pace") >= th.pace_on_track).then(pl.lit("on_track"))
        .when(pl.col("pace") >= th.pace_at_risk).then(pl.lit("at_risk"))
        .when(pl.col("pace").is_not_null()).then(pl.lit("off_track"))
        .otherwise(pl.lit("no_data"))
    )
    return frame.with_columns(pace.alias("pace")).with_columns(
        status.cast(pl.Enum(list(STATUSES))).alias("status")
    )


def count_by_status(frame: pl.DataFrame) -> dict[str, int]:
    """How many rows fall in each status (every status present, zeros included)."""
    counts = dict(frame.group_by("status").len().iter_rows()) if frame.height else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}
