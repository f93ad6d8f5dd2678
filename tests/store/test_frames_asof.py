"""The store's as-of loader and the engine's own as-of filter agree (values and revision counts)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from natije.results.asof import filter_as_of
from natije.store import Store
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.observations import merge_observations

T0, T1, T2 = datetime(2020, 3, 1), datetime(2021, 5, 1, 12), datetime(2022, 2, 1)
COLS = ["indicator", "territory", "period", "value", "revised_after"]


@pytest.fixture
def revised(store: Store, reference, package, obs, make_pkg) -> Store:
    """DK2018.LIT 2019 national: 79 on T0, 80 on T1, 81 on T2; a regional value never revised."""
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, package)
        merge_observations(
            conn,
            [obs([("DK2018.LIT", "000000000", "2019", 79.0), ("DK2018.LIT", "610000000", "2019", 70.0)])],
            reason="a",
            now=T0,
        )
        merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2019", 80.0)], as_of=T1)], reason="b")
        merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2019", 81.0)], as_of=T2)], reason="c")
    return store


@pytest.mark.parametrize("day", [date(2020, 6, 1), date(2021, 5, 1), date(2021, 6, 1), date(2023, 1, 1)])
def test_store_and_engine_as_of_agree(revised: Store, day: date) -> None:
    with revised.connect() as conn:
        everything = load_program_frames(conn, "DK2018")
        loaded = load_program_frames(conn, "DK2018", as_of=day)
    ours = filter_as_of(everything, day).observations.select(COLS).sort(COLS[:3])
    theirs = loaded.observations.select(COLS).sort(COLS[:3])
    assert ours.rows() == theirs.rows()
    national = {(r[1], r[2]): r for r in theirs.rows()}[("000000000", "2019")]
    expected = {
        date(2020, 6, 1): (79.0, 0),
        date(2021, 5, 1): (80.0, 1),
        date(2021, 6, 1): (80.0, 1),
        date(2023, 1, 1): (81.0, 2),
    }[day]
    assert (national[3], national[4]) == expected
