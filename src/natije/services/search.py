"""Search programs, indicators and territories by code or name in any of the three languages.

Matching ignores case and folds the Kazakh letters onto the Russian look-alikes people type on a Russian
keyboard (``ә`` → ``а``, ``қ`` → ``к``, ``і`` → ``и`` …), so ``кызылорда`` finds ``Қызылорда``.

>>> fold("Қызылорда облысы"), fold("ҰЛТТЫҚ Ёлка")
('кызылорда облысы', 'улттык елка')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from natije.services.catalog import list_programs, show_program
from natije.services.territories import list_territories

_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "i": "и",
    }
)
KINDS = ("program", "indicator", "territory")
LIMIT = 50


def fold(text: str) -> str:
    """``text`` lower-cased with Kazakh letters folded onto their Russian look-alikes (and Latin ``i``)."""
    return " ".join(text.casefold().translate(_FOLD).split())


@dataclass(frozen=True)
class Hit:
    """One search result: what it is (``program``, ``indicator``, ``territory``), its code and names."""

    kind: str
    code: str
    names: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "names": dict(self.names)}


def _candidates(store: Any) -> list[Hit]:
    hits = []
    for summary in list_programs(store):
        hits.append(Hit("program", summary.code, summary.names))
        details = show_program(store, summary.code)
        hits.extend(Hit("indicator", i.code, i.names.to_dict()) for i in details.indicators)
    hits.extend(Hit("territory", t.code, t.names) for t in list_territories(store))
    return hits


def search(store: Any, query: str, *, limit: int = LIMIT) -> list[Hit]:
    """Programs, then indicators, then territories whose code or any name holds every word of ``query``.

    An empty query finds nothing.
    """
    words = fold(query).split()
    if not words:
        return []
    found = []
    for hit in _candidates(store):
        text = fold(" ".join([hit.code, *hit.names.values()]))
        if all(w in text for w in words):
            found.append(hit)
    return sorted(found, key=lambda h: KINDS.index(h.kind))[:limit]
