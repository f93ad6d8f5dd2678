"""Property: any sequence of merges keeps the last value current, the full history, and the invariants."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_invariants import check_observations

from natije.store import Store
from natije.store.catalog import write_package
from natije.store.observations import merge_observations
from natije.store.streams import iter_observations, iter_revisions

KEYS = [
    (ind, terr, str(year))
    for ind in ("DK2018.LIT", "DK2018.VIL")
    for terr in ("000000000", "610000000")
    for year in (2019, 2020)
]
VALUES = st.sampled_from([1.0, 2.0, 2.5, -3.0, 1e9])
BATCH = st.dictionaries(st.sampled_from(range(len(KEYS))), VALUES, min_size=1, max_size=len(KEYS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(BATCH, min_size=1, max_size=5))
def test_merges_keep_last_value_and_full_history(store: Store, reference, package, obs, batches) -> None:
    with store.transaction() as conn:
        conn.exec_driver_sql("DELETE FROM observation_revisions")
        conn.exec_driver_sql("DELETE FROM observations")
        write_package(conn, reference)
        write_package(conn, package)
    history: dict[tuple, list[float]] = {}
    for step, batch in enumerate(batches):
        rows = [(*KEYS[k], v) for k, v in sorted(batch.items())]
        # VIL is quarterly in the package, but the store does not validate: it stores what it is given
        with store.transaction() as conn:
            merge_observations(
                conn,
                [obs(rows[: len(rows) // 2]), obs(rows[len(rows) // 2 :])],
                reason=f"step {step}",
                now=datetime(2020, 1, 1) + timedelta(days=step),
            )
        for k, v in batch.items():
            seen = history.setdefault(KEYS[k], [])
            if not seen or seen[-1] != v:
                seen.append(v)
    with store.connect() as conn:
        current = pl.concat(list(iter_observations(conn, program="DK2018")))
        revisions = pl.concat(list(iter_revisions(conn, program="DK2018")))
        assert set(check_observations(conn).values()) == {0}
    got = {(r["indicator"], r["territory"], r["period"]): r["value"] for r in current.iter_rows(named=True)}
    assert got == {k: v[-1] for k, v in history.items()}
    by_key = revisions.group_by("indicator", "territory", "period", maintain_order=True).agg("value")
    assert {
        (r["indicator"], r["territory"], r["period"]): r["value"] for r in by_key.iter_rows(named=True)
    } == history
    with store.transaction() as conn:  # the last batch again: nothing changes
        last = [(*KEYS[k], v) for k, v in sorted(batches[-1].items())]
        stats = merge_observations(conn, [obs(last)], reason="again")
    assert (stats.inserted, stats.revised, stats.unchanged) == (0, 0, len(last))
