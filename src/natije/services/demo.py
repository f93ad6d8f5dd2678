"""Load the shipped Kazakhstan demo into a store."""

from __future__ import annotations

from natije.demo import demo_paths
from natije.services.catalog import initialise
from natije.services.ingestion import ImportReport, Progress, import_paths
from natije.store import Store


def load_demo(store: Store, *, progress: Progress | None = None) -> ImportReport:
    """Import the demo's reference package and its four programs, in lineage order, in one transaction.

    Loading into a store that already holds the demo changes nothing (imports are idempotent).

    Examples
    --------
    >>> from natije.store import Store
    >>> report = load_demo(Store.open("sqlite://"))
    >>> [p.name for p in report.packages], report.totals()["observations_inserted"]
    (['reference', 'IK2020', 'DK2018', 'TB2021', 'AI2023'], 1295)
    """
    initialise(store)  # a fresh store gets its schema and territories; an existing one is migrated
    return import_paths(store, [str(p) for p in demo_paths()], progress=progress)
