"""What the program and territory pages read of the observations, on the shipped demo (SQLite and PostgreSQL):
a program page's national series reads the country's rows only, a territory's latest values read that
territory's rows and the regions' rows of the same periods; both answer what the whole series answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from natije.services import catalog, indicators
from natije.services.territories import list_territories
from natije.store import Store

FIBRE_SHARE = "AI2023.VILLAGES_FIBRE_SHARE"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[pl.DataFrame]:
    """Every frame read from the observations table, as it is read."""
    import natije.store.frames
    import natije.store.latest

    frames: list[pl.DataFrame] = []
    for module in (natije.store.frames, natije.store.latest):
        real = module.read_frame

        def spy(conn: Any, sql: str, *args: Any, real: Any = real) -> pl.DataFrame:
            frame = real(conn, sql, *args)
            if "FROM observations" in sql:
                frames.append(frame)
            return frame

        monkeypatch.setattr(module, "read_frame", spy)
    return frames


def _territory_ids(store: Store, codes: tuple[str, ...]) -> set[int]:
    from sqlalchemy import select

    from natije.store import tables as T

    with store.connect() as conn:
        query = select(T.territories.c.id).where(T.territories.c.code.in_(codes))
        return set(conn.execute(query).scalars())


@pytest.mark.parametrize("as_of", [None, date(2025, 7, 1)])
def test_a_national_series_is_the_whole_series_national_part(
    demo: Store, reads: list[pl.DataFrame], as_of: date | None
) -> None:
    whole = indicators.indicator_series(demo, FIBRE_SHARE, as_of)
    assert set(whole.observations["territory"]) - set(whole.national)  # the demo has regional values
    reads.clear()
    national = indicators.indicator_series(demo, FIBRE_SHARE, as_of, national_only=True)
    assert national.observations.equals(whole.national_series())
    assert national.commitments.equals(whole.national_commitments())
    assert national.national == whole.national and national.names == whole.names
    # nothing of another territory was read (the country's population, the roll-ups' weights, is)
    assert reads and all(set(f["territory_id"]) <= _territory_ids(demo, national.national) for f in reads)
    assert national.observations.height in [f.height for f in reads]


def _ranked_from_series(store: Store, territory: str, regions: tuple[str, ...]) -> tuple[list[tuple], int]:
    """The latest value of every indicator ``territory`` reports and its rank among ``regions``, worked out
    from each indicator's whole series; and how many rows the territory has of those indicators."""
    found, rows = [], 0
    for program in catalog.list_programs(store):
        for indicator in catalog.show_program(store, program.code).indicators:
            observed = indicators.indicator_series(store, indicator.code).observations
            own = observed.filter(pl.col("territory") == territory).sort("period_end")
            if own.height == 0 or territory not in regions:
                continue
            rows += own.height
            last = own.row(-1, named=True)
            sign = -1 if indicator.direction.value == "decrease" else 1
            peers = observed.filter(
                pl.col("territory").is_in(list(regions)) & (pl.col("period") == last["period"])
            )["value"].to_list()
            rank = 1 + sum(sign * v > sign * last["value"] for v in peers)
            found.append(
                (
                    program.code,
                    indicator.code,
                    last["period"],
                    last["value"],
                    last["illustrative"],
                    rank,
                    len(peers),
                )
            )
    return sorted(found), rows


def test_territory_values_read_that_territory_and_the_regions_of_its_periods(
    demo: Store, reads: list[pl.DataFrame]
) -> None:
    regions = tuple(t.code for t in list_territories(demo) if t.level == "region")
    programs = tuple(p.code for p in catalog.list_programs(demo))
    columns = ("program", "indicator", "period", "value", "illustrative", "rank", "ranked")
    for territory in (*regions[::6], "000000000"):  # a sample of regions (each check reads every series)
        expected, own = _ranked_from_series(demo, territory, regions)
        reads.clear()
        frame = indicators.territory_values(demo, programs, territory, regions)
        assert sorted(frame.select(columns).rows()) == expected, territory
        # the territory's own rows, then the regions' rows of the indicators and periods it shows
        assert len(reads) == 2 and reads[0].height == own, territory
        assert frame["ranked"].sum() <= reads[1].height <= len(regions) * frame.height, territory
    assert indicators.territory_values(demo, programs, "270000000", regions).height == 4
