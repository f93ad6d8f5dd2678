"""A submission and an approval run as their own process, for the crash tests to kill; the stores they start
from; and a fingerprint of every table's contents.

Run as a script (``python submission_runs.py DB submit|approve ROWS``) it prints ``ready`` once imported and
connected, then does one of the two steps on store ``DB`` with a fixed clock, so that two runs from the same
store leave the same rows:

- ``submit``: reporter ``crash`` submits :func:`second_rows` (``ROWS`` values: the first month of every
  indicator, published already, and keys of which the store's pending first submission holds a quarter, which
  the new rows supersede);
- ``approve``: approver ``crash`` approves every pending value of that second submission with a reason (the
  first months become revisions of published values).
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select

from natije.domain.access import Principal
from natije.services.demo import load_demo
from natije.services.ingestion import import_paths
from natije.services.ledger_keys import ensure_key
from natije.services.submissions import decide, submit
from natije.store import Store
from natije.store import tables as T

REPORTER = Principal("reporter", agency="LOAD", name="crash")
APPROVER = Principal("approver", agency="LOAD", name="crash-approver")
FIRST_AT = datetime(2026, 12, 1, 9)
SECOND_AT = datetime(2026, 12, 2, 9)
DECIDED_AT = datetime(2026, 12, 3, 9)
SECOND_KEY = "crash-second"
REASON = "the agency corrected its first months"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the load package's generator

from submission_load import INDICATORS, MONTHS, region, write_package


def _keys() -> list[tuple[int, int, int]]:
    """(indicator, month, region) in the order the submissions take them: month by month, then region 1."""
    return [(i, m, c) for c in (0, 1) for m in range(MONTHS) for i in range(INDICATORS)]


def _frame(keys: list[tuple[int, int, int]], version: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [f"LOAD.I{i}" for i, _, _ in keys],
            "territory": [region(c) for _, _, c in keys],
            "period": [f"{2000 + m // 12}-{m % 12 + 1:02d}" for _, m, _ in keys],
            "value": [f"{(m * 7 + i + version * 13) % 997 / 10}" for i, m, _ in keys],
        }
    )


def first_rows(rows: int) -> pl.DataFrame:
    """The store's pending first submission: ``rows // 4`` keys after the first month."""
    return _frame(_keys()[INDICATORS : INDICATORS + rows // 4], 0)


def second_rows(rows: int) -> pl.DataFrame:
    """``rows`` values: the first (published) month of each indicator, then keys from the last eighth of the
    first submission's onwards (which they supersede)."""
    keys = _keys()
    start = INDICATORS + rows // 4 - rows // 8
    return _frame(keys[:INDICATORS] + keys[start : start + rows - INDICATORS], 1)


def prepare(url: str, folder: Path, rows: int) -> None:
    """The demo, program ``LOAD`` (two regions) and the pending first submission in the new store ``url``."""
    store = Store.open(url)
    with closing(store):
        ensure_key(store)
        load_demo(store)
        import_paths(store, [write_package(folder, 2)])
        submit(store, REPORTER, first_rows(rows), "api", "crash-first", now=FIRST_AT)


def submit_second(store: Store, rows: int) -> None:
    submit(store, REPORTER, second_rows(rows), "api", SECOND_KEY, now=SECOND_AT)


def approve_second(store: Store) -> None:
    S, V = T.submissions, T.submitted_values
    with store.connect() as conn:
        query = select(V.c.id).join(S, S.c.id == V.c.submission_id)
        ids = list(
            conn.execute(query.where(S.c.idempotency_key == SECOND_KEY, V.c.state == "pending")).scalars()
        )
    assert ids, "no pending value to approve"
    decide(store, APPROVER, ids, approve=True, reason=REASON, now=DECIDED_AT)


VOLATILE = {
    "ledger_blocks": ("data",),
    "ledger_nodes": ("hash",),
    "ledger_checkpoints": ("root", "made_at", "note"),
    "result_snapshots": ("computed_at",),
}
"""Columns that take the wall clock even with the services' clock fixed: the log's entries carry the moment
they were logged (so its blocks, tree nodes and signed heads differ between two equal runs), a snapshot the
moment it was computed. The rest of those tables is compared by content; that the log holds exactly the
tables' changes is what ``verify`` checks."""


def fingerprint(url: str) -> dict[str, object]:
    """Per table of the store: its row count and a digest of its rows in key order (:data:`VOLATILE` columns
    left out)."""
    store = Store.open(url)
    out: dict[str, object] = {}
    with closing(store), store.connect() as conn:
        for table in T.metadata.sorted_tables:
            skip = VOLATILE.get(table.name, ())
            columns = [c for c in table.columns if c.name not in skip]
            order = list(table.primary_key.columns) or columns
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(select(*columns).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            out[table.name] = (count, digest.hexdigest()[:16])
    return out


def main(argv: list[str]) -> None:
    url, step, rows = argv[0], argv[1], int(argv[2])
    store = Store.open(url)
    with closing(store):
        print("ready", flush=True)  # imported and connected: the crash tests time their kill from here
        if step == "submit":
            submit_second(store, rows)
        else:
            approve_second(store)


if __name__ == "__main__":
    main(sys.argv[1:])
