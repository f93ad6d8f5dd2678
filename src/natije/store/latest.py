"""One territory's latest values and the regions' values of the same indicators and periods (what a territory
page ranks), read in SQL: that territory's rows first, then only the regions' rows of the periods it shows,
never a program's whole observations.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Connection, select

from natije.store import tables as T
from natije.store.fastread import read_frame
from natije.store.frames import id_list, period_end

OWN = {
    "id": pl.Int64,
    "indicator_id": pl.Int64,
    "period": pl.String,
    "period_start": pl.Int32,
    "value": pl.Float64,
    "source_id": pl.Int64,
}
REGIONS = {"indicator_id": pl.Int64, "territory_id": pl.Int64, "period": pl.String, "value": pl.Float64}


def latest_with_regions(
    conn: Connection, programs: Sequence[str], territory: str, regions: Sequence[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The latest value of each indicator of ``programs`` that ``territory`` reports, and the regions' values
    of the same indicators and periods; current values (revisions applied).

    Returns ``(own, regional)``: ``own`` has ``program``, ``indicator``, ``unit``, ``direction``, ``period``,
    ``value``, ``illustrative``, one row per indicator, in order of the latest period end; ``regional`` has
    ``indicator``, ``territory``, ``period``, ``value`` of every one of ``regions`` with a value then.
    """
    i, p = T.indicators, T.programs
    found = conn.execute(
        select(i.c.id, i.c.code, i.c.unit, i.c.direction, p.c.code)
        .join(p, p.c.id == i.c.program_id)
        .where(p.c.code.in_(list(programs)))
    ).all()
    names = ["indicator_id", "indicator", "unit", "direction", "program"]
    indicators = pl.DataFrame(found, schema=names, orient="row")
    places = pl.DataFrame(
        conn.execute(
            select(T.territories.c.id, T.territories.c.code).where(
                T.territories.c.code.in_([territory, *regions])
            )
        ).all(),
        schema={"territory_id": pl.Int64, "territory": pl.String},
        orient="row",
    )
    # a territory that is not one of the regions has no rank among them: nothing of it is read
    own_id = places.filter((pl.col("territory") == territory) & (territory in regions))[
        "territory_id"
    ].to_list()
    own = read_frame(
        conn,
        f"SELECT o.id, o.indicator_id, o.period, o.period_start, o.value, o.source_id FROM observations o "
        f"WHERE o.indicator_id IN ({id_list(indicators['indicator_id'].to_list())}) "
        f"AND o.territory_id IN ({id_list(own_id)}) ORDER BY o.id",
        {},
        OWN,
    )
    latest = (
        own.with_columns(period_end())
        .sort("period_end", maintain_order=True)
        .group_by("indicator_id", maintain_order=True)
        .last()
    )
    periods = sorted(set(latest["period"].to_list()))
    region_ids = places.filter(pl.col("territory").is_in(list(regions)))["territory_id"].to_list()
    regional = read_frame(
        conn,
        f"SELECT o.indicator_id, o.territory_id, o.period, o.value FROM observations o "
        f"WHERE o.indicator_id IN ({id_list(latest['indicator_id'].to_list())}) "
        f"AND o.territory_id IN ({id_list(region_ids)}) "
        f"AND o.period IN ({', '.join(f':p{n}' for n in range(len(periods))) or 'NULL'})",
        {f"p{n}": period for n, period in enumerate(periods)},
        REGIONS,
    ).join(latest.select("indicator_id", "period"), on=["indicator_id", "period"], how="semi")
    sources = pl.DataFrame(
        conn.execute(select(T.sources.c.id, T.sources.c.kind)).all(),
        schema={"source_id": pl.Int64, "kind": pl.String},
        orient="row",
    )
    own_rows = (
        latest.join(indicators, on="indicator_id", how="left", maintain_order="left")
        .join(sources, on="source_id", how="left", maintain_order="left")
        .select(
            "program",
            "indicator",
            "unit",
            "direction",
            "period",
            "value",
            (pl.col("kind") == "illustrative").fill_null(False).alias("illustrative"),
        )
    )
    regional_rows = regional.join(indicators.select("indicator_id", "indicator"), on="indicator_id").join(
        places, on="territory_id"
    )
    return own_rows, regional_rows.select("indicator", "territory", "period", "value")
