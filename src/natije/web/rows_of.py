"""The rows the API's lists select, composed from the :class:`Reader`'s reads: filters by column, by
territory (a KATO code or ``national``), the indicators of the programs and their observations."""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl

from natije.domain.periods import Period
from natije.errors import NotFound
from natije.web.data import Reader


def matching(frame: pl.DataFrame, **wanted: str | None) -> pl.DataFrame:
    """The rows of ``frame`` whose columns equal the ``wanted`` values given (``None``: any value)."""
    for column, value in wanted.items():
        if value:
            frame = frame.filter(pl.col(column) == value)
    return frame


def within(frame: pl.DataFrame, territory: str | None, national: tuple[str, ...]) -> pl.DataFrame:
    """The rows of one territory (a KATO code, or ``national``: the country's codes); all for ``None``."""
    if territory == "national":
        return frame.filter(pl.col("territory").is_in(list(national)))
    return matching(frame, territory=territory)


def indicators(reader: Reader, program: str | None) -> list[dict[str, Any]]:
    """The definitions of the indicators of ``program`` (every program's for ``None``), each with its
    ``program``; raises ``NotFound`` for an unknown program."""
    codes = [program] if program else [p.code for p in reader.programs()]
    return [{**i, "program": c} for c in codes for i in reader.program(c).to_dict()["indicators"]]


def observations(
    reader: Reader,
    program: str | None,
    indicator: str | None,
    territory: str | None,
    periods: tuple[Period | None, Period | None],
    day: datetime.date | None,
) -> pl.DataFrame:
    """Observations as known on ``day`` of one indicator, or of a program's, or of every one.

    Columns: ``indicator``, ``territory``, ``period``, ``value``, ``illustrative``, ``source`` and
    ``period_end`` (months since year 0, for ordering).

    ``periods`` (first, last) keeps the periods that end after the first starts and by the end of the last.
    Raises ``NotFound`` for an unknown program or indicator (or one nothing was known of on ``day``).
    """
    codes = [indicator] if indicator else [i["code"] for i in indicators(reader, program)]
    frames = []
    for code in codes:
        try:
            series = reader.series(code, day)
        except NotFound:
            if indicator:
                raise
            continue  # nothing of it was known yet on that day
        if program and series.program != program:
            continue
        own = series.observations.with_columns(pl.lit(code).alias("indicator"))
        frames.append(within(own, territory, series.national))
    frame = pl.concat(frames) if frames else pl.DataFrame(schema={"period_end": pl.Int32})
    first, last = periods
    if first is not None:
        frame = frame.filter(pl.col("period_end") > first.start_month)
    if last is not None:
        frame = frame.filter(pl.col("period_end") <= last.end_month)
    return frame
