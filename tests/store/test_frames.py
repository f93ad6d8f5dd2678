"""Program frames for the results engine, now and as of a past date; history import round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import polars as pl
import pytest

from natije.errors import NotFound
from natije.results.frames import SCHEMAS, ProgramFrames
from natije.store import Store
from natije.store.catalog import write_package
from natije.store.frames import load_program_frames
from natije.store.observations import merge_observations, merge_revisions
from natije.store.streams import iter_observations, iter_revisions

T0, T1 = datetime(2020, 3, 1), datetime(2021, 5, 1, 12)


@pytest.fixture
def history(store: Store, reference, package, obs, make_pkg) -> Store:
    """DK2018 (successor of IK2020) with a value revised on T1 and a target lowered in March 2021."""
    lowered = replace(package.commitments[1], value=70.0, decided_on=date(2021, 3, 1), document="Decree 2021")
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, make_pkg("IK2020", predecessors=()))
        write_package(conn, replace(package, commitments=(*package.commitments, lowered)))
        merge_observations(
            conn,
            [
                obs(
                    [
                        ("DK2018.LIT", "000000000", "2019", 79.0),
                        ("DK2018.LIT", "610000000", "2019", 70.0, "demo"),
                        ("POPULATION", "610000000", "2019", 2.0e6),
                    ]
                )
            ],
            reason="a",
            now=T0,
        )
        merge_observations(
            conn,
            [
                obs(
                    [("DK2018.LIT", "000000000", "2019", 80.0), ("DK2018.LIT", "000000000", "2020", 82.0)],
                    as_of=T1,
                )
            ],
            reason="b",
        )
    return store


def _frames(store: Store, **kw) -> ProgramFrames:
    with store.connect() as conn:
        return load_program_frames(conn, "DK2018", **kw)


def test_current_frames(history: Store) -> None:
    f = _frames(history)
    for name, schema in SCHEMAS.items():
        frame = getattr(f, name)
        assert {c: frame.schema[c] for c in schema} == schema, name
    assert f.programs["code"].to_list() == ["DK2018", "IK2020"]
    assert f.programs["predecessors"].to_list() == [["IK2020"], []]
    assert set(f.indicators["program"]) == {"DK2018", "IK2020"}
    o = f.observations.filter(pl.col("indicator") == "DK2018.LIT").sort("territory", "period")
    assert o.select("territory", "period", "value", "revised_after", "illustrative").rows() == [
        ("000000000", "2019", 80.0, 1, False),
        ("000000000", "2020", 82.0, 0, False),
        ("610000000", "2019", 70.0, 0, True),
    ]
    assert o["period_start"].to_list() == [2019 * 12, 2020 * 12, 2019 * 12]
    assert o["period_end"].to_list() == [2020 * 12, 2021 * 12, 2020 * 12]
    assert f.revisions.select("period", "value", "reason").rows() == [
        ("2019", 79.0, "a"),
        ("2019", 80.0, "b"),
    ]
    targets = f.commitments.filter(pl.col("indicator") == "DK2018.LIT", pl.col("kind") == "target")
    assert targets.select("value", "version").rows() == [(83.0, 1), (70.0, 2)]
    vil = f.commitments.filter(pl.col("indicator") == "DK2018.VIL")
    assert vil["territory"].to_list() == ["610000000"] and vil["period_end"].to_list() == [2022 * 12 + 12]
    assert f.weights.rows() == [("610000000", "2019", 2.0e6)]
    budgets = f.budgets.filter(pl.col("program") == "DK2018").sort("stage")
    assert budgets["indicators"].to_list() == [["DK2018.LIT"], []]


def test_as_of_before_revision_and_before_lowered_target(history: Store) -> None:
    f = _frames(history, as_of=date(2021, 1, 1))
    o = f.observations.filter(pl.col("indicator") == "DK2018.LIT").sort("territory", "period")
    assert o.select("territory", "period", "value", "recorded_at", "revised_after").rows() == [
        ("000000000", "2019", 79.0, T0, 0),
        ("610000000", "2019", 70.0, T0, 0),
    ]
    assert f.revisions["value"].to_list() == [79.0]
    targets = f.commitments.filter(pl.col("indicator") == "DK2018.LIT", pl.col("kind") == "target")
    assert targets["value"].to_list() == [83.0]
    # the day of the revision counts as known by then
    assert 80.0 in _frames(history, as_of=date(2021, 5, 1)).observations["value"].to_list()
    assert _frames(history, as_of=date(2019, 1, 1)).observations.height == 0


def test_territory_filter_and_not_found(history: Store) -> None:
    f = _frames(history, territory="610000000")
    assert set(f.observations["territory"]) == {"610000000"}
    assert set(f.commitments["territory"].drop_nulls()) <= {"610000000"}
    with history.connect() as conn:
        with pytest.raises(NotFound):
            load_program_frames(conn, "NOPE")
        with pytest.raises(NotFound):
            load_program_frames(conn, "DK2018", territory="123")


@pytest.mark.parametrize("day", [None, date(2021, 1, 1)])
def test_indicator_filter_reads_only_that_indicators_rows(history: Store, obs, day: date | None) -> None:
    with history.transaction() as conn:
        merge_observations(conn, [obs([("DK2018.VIL", "610000000", "2019", 12.0)])], reason="c", now=T0)
    whole = _frames(history, as_of=day)
    assert set(whole.observations["indicator"]) == {"DK2018.LIT", "DK2018.VIL"}
    one = _frames(history, as_of=day, indicators=("DK2018.LIT",))
    lit = pl.col("indicator") == "DK2018.LIT"
    sort = ("indicator", "territory", "period")
    assert one.observations.sort(sort).equals(whole.observations.filter(lit).sort(sort))
    assert one.revisions.height > 0 and one.revisions.equals(whole.revisions.filter(lit))
    assert one.commitments.equals(whole.commitments) and one.indicators.equals(whole.indicators)
    none = _frames(history, as_of=day, indicators=())
    assert none.observations.height == 0 and none.revisions.height == 0


def test_history_round_trip_through_merge_revisions(history: Store, db_url: str, reference, package) -> None:
    with history.connect() as conn:
        revs = pl.concat(list(iter_revisions(conn, program="DK2018")))
        current = pl.concat(list(iter_observations(conn, program="DK2018")))
    with history.transaction() as conn:  # merging the same history again is a no-op
        assert merge_revisions(conn, [revs]).revised == 0
    fresh = Store.open(db_url)
    with fresh.transaction() as conn:  # empty the observations, then rebuild them from the history alone
        conn.exec_driver_sql("DELETE FROM observation_revisions")
        conn.exec_driver_sql("DELETE FROM observations")
        stats = merge_revisions(conn, [revs.slice(0, 2), revs.slice(2)])
    assert (stats.inserted, stats.revised) == (3, 4)
    with fresh.connect() as conn:
        again = pl.concat(list(iter_observations(conn, program="DK2018")))
        revs_again = pl.concat(list(iter_revisions(conn, program="DK2018")))
    cols = ["indicator", "territory", "period", "value", "source", "first_recorded", "recorded_at"]
    assert again.select(cols).equals(current.select(cols))
    assert revs_again.equals(revs)
    fresh.close()


def test_reading_paths_agree_and_see_own_writes(history: Store, obs, monkeypatch) -> None:
    from natije.store import fastread

    monkeypatch.setattr(fastread, "ARROW_MIN_BYTES", 0)  # this small store is read through the driver too
    fast = _frames(history)
    with history.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # the transaction has begun and written nothing
        assert (fastread.arrow_source(conn) is not None) == (history.dialect == "sqlite")
    monkeypatch.setattr(fastread, "arrow_source", lambda conn: None)
    import natije.store.frames as frames_module

    monkeypatch.setattr(frames_module, "arrow_source", lambda conn: None)
    slow = _frames(history)
    for name in ("observations", "revisions", "commitments", "weights", "indicators"):
        assert getattr(fast, name).equals(getattr(slow, name)), name
    monkeypatch.undo()
    monkeypatch.setattr(fastread, "ARROW_MIN_BYTES", 0)
    with history.transaction() as conn:  # uncommitted rows of this transaction must be visible to it
        merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2021", 90.0)])], reason="c")
        assert fastread.arrow_source(conn) is None
        inside = load_program_frames(conn, "DK2018")
        assert 90.0 in inside.observations["value"].to_list()
