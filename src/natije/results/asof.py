"""Answering as of a date: keep only the commitments and observations known on that day.

The store's loader already filters; the results functions call :func:`filter_as_of` again so that nothing
recorded later can leak into an answer, whatever built the frames.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import polars as pl

from natije.results.frames import ProgramFrames


def as_date(value: date | datetime | str | None) -> date | None:
    """Normalise an ``as_of`` argument (date, datetime or ISO text) to a date."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def present_day(frames: ProgramFrames) -> date:
    """The day an answer without ``as_of`` is judged on: ``frames.today`` when the caller fixed it (the
    monitoring service reads its clock once per answer, so every part of one answer and the key it is stored
    under name the same day), else the clock's today."""
    return frames.today or date.today()


def month_index(day: date) -> int:
    """Months since year 0 at the start of ``day``'s month: the axis of ``period_start``/``period_end``."""
    return day.year * 12 + day.month - 1


def filter_as_of(frames: ProgramFrames, as_of: date | datetime | str | None) -> ProgramFrames:
    """Frames restricted to what was decided and recorded by the end of ``as_of`` (``None`` = unchanged).

    Commitments: decided on or before ``as_of``. Observations: the value
    as known then — a row recorded later is replaced by its latest revision recorded by then; a row first
    recorded later is dropped. Revisions recorded later are dropped, and ``revised_after`` counts the
    revisions known then after the first recording (``revisions`` holds the first value too, as the store
    gives it). Budget versions: decided on or before ``as_of`` (undated ones are kept).
    """
    day = as_date(as_of)
    if day is None:
        return frames
    cutoff = datetime.combine(day + timedelta(days=1), time())
    # decided_on is the real-world date of a promise; recorded_at is only when it was typed into natije
    c = frames.commitments.filter(pl.col("decided_on").is_null() | (pl.col("decided_on") <= day))
    revisions = frames.revisions.filter(pl.col("recorded_at").is_null() | (pl.col("recorded_at") < cutoff))
    obs = frames.observations
    first = pl.coalesce("first_recorded", "recorded_at")
    unknown = first.is_not_null() & (first >= cutoff)
    late = pl.col("recorded_at").is_not_null() & (pl.col("recorded_at") >= cutoff)
    # one pass to learn whether anything must change: most answers need no copy of millions of rows
    any_unknown, any_late = obs.lazy().select(unknown.any(), late.any()).collect().row(0)
    if any_unknown:
        obs = obs.filter(~unknown)
    if any_late:
        key = ["indicator", "territory", "period"]
        known = (
            revisions.sort("recorded_at")
            .group_by(key)
            .agg(
                pl.col("value").last().alias("_v"),
                pl.col("recorded_at").last().alias("_r"),
                pl.len().alias("_n"),
            )
        )
        obs = (
            obs.join(known, on=key, how="left")
            .filter(~late | pl.col("_v").is_not_null())
            .with_columns(
                pl.when(late).then(pl.col("_v")).otherwise(pl.col("value")).alias("value"),
                pl.when(late).then(pl.col("_r")).otherwise(pl.col("recorded_at")).alias("recorded_at"),
                # the first recording is itself a revision row:
                # revisions after it are one fewer (as the store)
                pl.when(late)
                .then(pl.col("_n").cast(pl.Int32) - 1)
                .otherwise(pl.col("revised_after"))
                .alias("revised_after"),
            )
            .drop("_v", "_r", "_n")
        )
    budgets = frames.budgets.filter(pl.col("decided_on").is_null() | (pl.col("decided_on") <= day))
    return frames.replace(commitments=c, observations=obs, revisions=revisions, budgets=budgets, as_of=day)
