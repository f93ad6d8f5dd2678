"""One indicator across time and regions, and one region across indicators: what the indicator and territory
pages show.

:func:`indicator_series` reads the indicator's observations and every version of its baselines and targets as
known on a day; :func:`region_values` picks the regions' values of one period (a map's data);
:func:`territory_results` gathers one region's results rows from programs' snapshots and ranks it among the
regions.

Examples
--------
>>> from natije.services.demo import load_demo
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> _ = load_demo(store)
>>> series = indicator_series(store, "AI2023.VILLAGES_FIBRE_SHARE")
>>> series.program, series.unit, series.latest_regional_period()
('AI2023', '%', '2025')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import select

from natije.errors import NotFound, Text
from natije.results.achievement import national_codes
from natije.results.asof import as_date
from natije.services.monitoring import ProgramSnapshot

SERIES_COLUMNS = ("territory", "period", "value", "illustrative", "source")
COMMITMENT_COLUMNS = ("territory", "kind", "period", "value", "version", "decided_on", "document")


@dataclass(frozen=True)
class IndicatorSeries:
    """An indicator's definition, its observations (every territory) and every version of its commitments.

    ``commitments`` with a null ``territory`` are national; ``territories`` names every territory of the store
    (``code``, ``level``, ``name_kk``, ``name_ru``, ``name_en``, ``valid_from``, ``valid_to``).
    """

    code: str
    program: str
    names: dict[str, str]
    unit: str | None
    direction: str
    frequency: str
    goal: str | None
    source: str | None
    observations: pl.DataFrame
    commitments: pl.DataFrame
    territories: pl.DataFrame
    national: tuple[str, ...]

    def national_series(self) -> pl.DataFrame:
        """Observations of the country as a whole, in period order."""
        return self.observations.filter(pl.col("territory").is_in(self.national)).sort("period")

    def national_commitments(self) -> pl.DataFrame:
        """Versions of the national baselines and targets."""
        return self.commitments.filter(
            pl.col("territory").is_null() | pl.col("territory").is_in(self.national)
        )

    def regional(self) -> pl.DataFrame:
        """Observations of regions (``level == "region"``)."""
        regions = self.territories.filter(pl.col("level") == "region")["code"]
        return self.observations.filter(pl.col("territory").is_in(regions.implode()))

    def latest_regional_period(self) -> str | None:
        """The last period any region has a value for (the map's default period)."""
        frame = self.regional().filter(pl.col("value").is_not_null())
        return None if frame.height == 0 else str(frame.sort("period_end")["period"][-1])


def indicator_program(store: Any, code: str) -> str:
    """The code of the program that declares indicator ``code``; raises ``NotFound``."""
    from natije.store import tables as T

    query = (
        select(T.programs.c.code)
        .join(T.indicators, T.indicators.c.program_id == T.programs.c.id)
        .where(T.indicators.c.code == code)
    )
    with store.connect() as conn:
        program = conn.execute(query).scalar()
    if program is None:
        raise NotFound(Text("error.indicator_not_found", indicator=code), indicator=code)
    return str(program)


def indicator_series(
    store: Any, code: str, as_of: date | str | None = None, *, national_only: bool = False
) -> IndicatorSeries:
    """Indicator ``code`` as known on ``as_of``; raises ``NotFound`` (also if nothing was known then).

    ``national_only`` reads and keeps only the country's observations and commitments: what the national
    chart of a program page draws (a store may hold millions of regional rows the chart never shows).
    """
    from natije.store import tables as T
    from natije.store.frames import load_program_frames

    program = indicator_program(store, code)
    with store.connect() as conn:  # this indicator's rows only: a program page reads one series per indicator
        national = None
        if national_only:
            countries = select(T.territories.c.code, T.territories.c.level).where(
                T.territories.c.level == "country"
            )
            rows = conn.execute(countries).all()
            national = national_codes(pl.DataFrame(rows, schema=["code", "level"], orient="row"))
        frames = load_program_frames(
            conn, program, as_of=as_date(as_of), indicators=(code,), observed_in=national
        )
    series = series_in(frames, code)
    if national is not None:
        kept = pl.col("territory").is_null() | pl.col("territory").is_in(national)
        series = replace(series, commitments=series.commitments.filter(kept))
    return series


def series_in(frames: Any, code: str) -> IndicatorSeries:
    """Indicator ``code`` as ``frames`` (a program's :class:`ProgramFrames`) hold it; raises ``NotFound``."""
    found = frames.indicators.filter(pl.col("code") == code)
    if found.height == 0:
        raise NotFound(Text("error.indicator_not_found", indicator=code), indicator=code)
    row = found.row(0, named=True)
    observations = frames.observations.filter(pl.col("indicator") == code).select(
        *SERIES_COLUMNS, "period_end"
    )
    commitments = frames.commitments.filter(pl.col("indicator") == code).select(COMMITMENT_COLUMNS)
    return IndicatorSeries(
        code=code,
        program=row["program"],
        names={lang: row[f"name_{lang}"] for lang in ("kk", "ru", "en")},
        unit=row["unit"],
        direction=row["direction"],
        frequency=row["frequency"],
        goal=row["goal"],
        source=row.get("source"),
        observations=observations,
        commitments=commitments,
        territories=frames.territories,
        national=tuple(national_codes(frames.territories)),
    )


def region_values(series: IndicatorSeries, period: str) -> pl.DataFrame:
    """``territory``, ``value``, ``illustrative`` of every region in ``period`` (map and table rows)."""
    return (
        series.regional()
        .filter(pl.col("period") == period)
        .select("territory", "value", "illustrative")
        .sort("territory")
    )


def territory_results(
    snapshots: Sequence[ProgramSnapshot], territory: str, regions: Sequence[str]
) -> pl.DataFrame:
    """The results rows of ``territory`` in every snapshot, each with its rank among ``regions``.

    ``rank`` is 1 for the region closest to (or furthest past) its target on the indicator's direction, by
    ``achievement``; ``ranked`` is how many regions had one. Columns: ``program`` and the results columns.
    """
    frames = []
    for snap in snapshots:
        rows = snap.results.filter(
            pl.col("territory").is_in(list(regions)) & pl.col("achievement").is_not_null()
        )
        ranked = rows.with_columns(_rank("achievement")).select(
            "indicator", "territory", "period", "rank", "ranked"
        )
        own = snap.results.filter(pl.col("territory") == territory).with_columns(
            pl.col("status").cast(pl.String), pl.lit(snap.code).alias("program")
        )
        frames.append(own.join(ranked, on=["indicator", "territory", "period"], how="left"))
    frames = [f for f in frames if f.height]
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()


def territory_values(
    store: Any, programs: Sequence[str], territory: str, regions: Sequence[str]
) -> pl.DataFrame:
    """The latest value of every indicator of ``programs`` that ``territory`` reports, ranked in ``regions``.

    ``rank`` is 1 for the best value of that period on the indicator's direction (highest for ``increase``,
    lowest for ``decrease``); ``ranked`` is how many regions reported that period. Columns: ``program``,
    ``indicator``, ``period``, ``value``, ``illustrative``, ``unit``, ``direction``, ``rank``, ``ranked``.
    Reads that territory's rows and the regions' rows of the same indicators and periods, nothing else.
    """
    from natije.store.latest import latest_with_regions

    if not programs:
        return pl.DataFrame()
    with store.connect() as conn:
        own, regional = latest_with_regions(conn, programs, territory, regions)
    directions = own.select("indicator", "direction")
    better = pl.when(pl.col("direction") == "decrease").then(-pl.col("value")).otherwise(pl.col("value"))
    ranked = (
        regional.join(directions, on="indicator")
        .with_columns(better.alias("_better"))
        .with_columns(_rank("_better"))
        .filter(pl.col("territory") == territory)
        .select("indicator", "period", "rank", "ranked")
    )
    order = {code: n for n, code in enumerate(programs)}
    return (
        own.join(ranked, on=["indicator", "period"], maintain_order="left")
        .sort(pl.col("program").replace_strict(order, return_dtype=pl.Int32), maintain_order=True)
        .select(
            "program", "indicator", "period", "value", "illustrative", "unit", "direction", "rank", "ranked"
        )
    )


def _rank(score: str) -> list[pl.Expr]:
    """``rank`` (1 = the highest ``score``, ties share the best place) and ``ranked`` (how many were ranked),
    per indicator and period."""
    return [
        pl.col(score).rank("min", descending=True).over("indicator", "period").cast(pl.Int32).alias("rank"),
        pl.len().over("indicator", "period").cast(pl.Int32).alias("ranked"),
    ]
