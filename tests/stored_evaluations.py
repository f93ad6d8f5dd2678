"""One stored evaluation of each method family on the demo's rural internet indicator (web and CLI tests).

Block designs: three regions connected to fibre in 2019 (did, event-study), one of them alone (sc, sdid, its);
few random draws, so the store fills in seconds.
"""

from __future__ import annotations

from typing import Any

from natije.services.evaluation import evaluate_indicator
from natije.services.stores import Store

PROGRAM, INDICATOR = "AI2023", "AI2023.RURAL_INTERNET_USERS"
BLOCK = {"treated": "230000000,270000000,310000000", "start": "2019"}
ONE = {"treated": "230000000", "start": "2019"}
RUNS: dict[str, dict[str, Any]] = {
    "did": BLOCK,
    "event-study": BLOCK,
    "sc": ONE,
    "sdid": {**ONE, "n_boot": 50},
    "its": {**ONE, "n_boot": 200},
}


def store_each_method(store: Store, lang: str) -> dict[str, int]:
    """Evaluate and store every method of :data:`RUNS`, run in ``lang``; method → evaluation id."""
    ids = {}
    for method, kw in RUNS.items():
        record = evaluate_indicator(store, PROGRAM, INDICATOR, method=method, lang=lang, **kw)
        assert record.id is not None
        ids[method] = record.id
    return ids
