"""Observation merge: inserts, revisions appended (never overwritten), idempotent re-merge, all-or-nothing."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from sqlalchemy import func, select
from store_invariants import check_observations

from natije.errors import ValidationError
from natije.store import Store
from natije.store import tables as T
from natije.store.catalog import write_package
from natije.store.observations import merge_observations
from natije.store.streams import iter_observations, iter_revisions

ROWS = [
    ("DK2018.LIT", "000000000", "2018", 76.5),
    ("DK2018.LIT", "000000000", "2019", 79.0),
    ("DK2018.LIT", "610000000", "2019", 70.0, "demo"),
    ("DK2018.VIL", "610000000", "2019-Q1", 12.0),
]
T0 = datetime(2020, 3, 1)


@pytest.fixture
def loaded(store: Store, reference, package, obs) -> Store:
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
        stats = merge_observations(conn, [obs(ROWS[:2]), obs(ROWS[2:])], reason="import a", now=T0)
    assert stats.to_dict() == {"inserted": 4, "revised": 0, "unchanged": 0}
    return store


def _counts(store: Store) -> tuple[int, int]:
    with store.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(T.observations)).scalar_one(),
            conn.execute(select(func.count()).select_from(T.observation_revisions)).scalar_one(),
        )


def _current(store: Store, **kw) -> pl.DataFrame:
    with store.connect() as conn:
        return pl.concat(list(iter_observations(conn, **kw)))


def _revisions(store: Store) -> pl.DataFrame:
    with store.connect() as conn:
        return pl.concat(list(iter_revisions(conn, program="DK2018")))


def test_first_values_are_stored_with_their_first_revision(loaded: Store) -> None:
    assert _counts(loaded) == (4, 4)
    cur = _current(loaded, program="DK2018")
    assert cur.select("indicator", "territory", "period", "value").rows() == [
        (r[0], r[1], r[2], r[3]) for r in ROWS
    ]
    assert cur["source"].to_list() == ["stat", "stat", "demo", "stat"]
    assert cur["status"].unique().to_list() == ["submitted"]
    assert cur["first_recorded"].to_list() == [T0] * 4
    revs = _revisions(loaded)
    assert revs["reason"].unique().to_list() == ["import a"] and revs["author"].unique().to_list() == [
        "import"
    ]


def test_same_rows_again_change_nothing(loaded: Store, obs) -> None:
    with loaded.transaction() as conn:
        stats = merge_observations(conn, [obs(ROWS)], reason="import b", now=datetime(2021, 1, 1))
    assert stats.to_dict() == {"inserted": 0, "revised": 0, "unchanged": 4}
    assert _counts(loaded) == (4, 4)
    assert _current(loaded)["recorded_at"].to_list() == [T0] * 4


def test_changed_value_appends_a_revision(loaded: Store, obs) -> None:
    changed = [
        ROWS[0],
        ("DK2018.LIT", "000000000", "2019", 80.0),
        *ROWS[2:],
        ("DK2018.LIT", "000000000", "2020", 81.0),
    ]
    t1 = datetime(2021, 5, 1)
    with loaded.transaction() as conn:
        stats = merge_observations(conn, [obs(changed, as_of=t1)], reason="import b", author="akimat")
    assert stats.to_dict() == {"inserted": 1, "revised": 1, "unchanged": 3}
    assert _counts(loaded) == (5, 6)
    cur = _current(loaded).filter(pl.col("period") == "2019", pl.col("territory") == "000000000")
    assert (
        cur["value"].item() == 80.0 and cur["recorded_at"].item() == t1 and cur["first_recorded"].item() == T0
    )
    history = _revisions(loaded).filter(pl.col("period") == "2019", pl.col("territory") == "000000000")
    assert history.select("value", "reason", "author", "recorded_at").rows() == [
        (79.0, "import a", "import", T0),
        (80.0, "import b", "akimat", t1),
    ]
    with loaded.connect() as conn:
        assert set(check_observations(conn).values()) == {0}


def test_exception_mid_import_leaves_store_unchanged(loaded: Store, obs, package) -> None:
    before = (_counts(loaded), _current(loaded))

    def batches():
        yield obs([("DK2018.LIT", "000000000", "2018", 1.0), ("DK2018.LIT", "000000000", "2021", 2.0)])
        raise RuntimeError("reader failed half-way")

    with pytest.raises(RuntimeError), loaded.transaction() as conn:
        write_package(conn, package.__class__(program=package.program, indicators=package.indicators))
        merge_observations(conn, batches(), reason="import c")
    # an error raised after the merge statements ran must roll them back too
    with pytest.raises(ValueError), loaded.transaction() as conn:
        merge_observations(conn, [obs([("DK2018.LIT", "000000000", "2018", 5.0)])], reason="import d")
        raise ValueError("validation found problems afterwards")
    assert _counts(loaded) == before[0]
    assert _current(loaded).equals(before[1])


def test_unknown_codes_are_validation_errors(loaded: Store, obs) -> None:
    bad = obs([("NOPE", "000000000", "2018", 1.0), ("DK2018.LIT", "999", "2018", 1.0)])
    with pytest.raises(ValidationError) as err, loaded.transaction() as conn:
        merge_observations(conn, [bad], reason="x")
    assert err.value.problems[0].column == "indicator" and err.value.problems[0].row == 2
    assert _counts(loaded) == (4, 4)


def test_stream_filters(loaded: Store) -> None:
    assert _current(loaded, indicators=["DK2018.VIL"]).height == 1
    with loaded.connect() as conn:
        assert list(iter_observations(conn, reference=True)) == []
        assert list(iter_observations(conn, indicators=[])) == []
        batches = list(iter_observations(conn, program="DK2018", batch_size=3))
    assert [b.height for b in batches] == [3, 1]


def test_empty_batches_and_all_null_optional_columns(loaded: Store, obs) -> None:
    frame = obs([("DK2018.LIT", "000000000", "2021", 85.0)]).with_columns(
        source=pl.lit(None), note=pl.lit(None), as_of=pl.lit(None)
    )
    with loaded.transaction() as conn:
        stats = merge_observations(conn, [frame.clear(), frame, frame.head(0)], reason="x")
    assert stats.to_dict() == {"inserted": 1, "revised": 0, "unchanged": 0}
    row = _current(loaded).filter(pl.col("period") == "2021")
    assert row["source"].to_list() == [None] and row["value"].to_list() == [85.0]


def test_a_large_merge_refreshes_postgresql_statistics(
    store: Store, reference, package, obs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL plans reads from table statistics: a merge of at least ANALYZE_AFTER rows refreshes them
    (ANALYZE sets pg_class.reltuples to the rows it counted); SQLite has nothing to refresh."""
    from natije.store import observations

    monkeypatch.setattr(observations, "ANALYZE_AFTER", len(ROWS))
    with store.transaction() as conn:
        write_package(conn, reference)
        write_package(conn, package)
        merge_observations(conn, [obs(ROWS)], reason="import a", now=T0)
    with store.connect() as conn:
        if conn.dialect.name == "sqlite":  # SQLite's planner reads no statistics here: none are gathered
            stats = "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            assert conn.exec_driver_sql(stats).all() == []
            return
        counted = conn.exec_driver_sql(
            "SELECT relname, reltuples FROM pg_class "
            "WHERE relname IN ('observations', 'observation_revisions')"
        ).all()
    assert sorted(counted) == [("observation_revisions", len(ROWS)), ("observations", len(ROWS))]
