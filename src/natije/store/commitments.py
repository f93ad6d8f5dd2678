"""Versioned commitments: never updated, new versions only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, insert, select

from natije.domain.commitments import Commitment
from natije.errors import Expected, Problem, ValidationError
from natije.store import tables as T
from natije.store.staging import code_ids


def known_indicators(ids: dict[str, int], codes: Iterable[str], section: str) -> None:
    """Raise ValidationError for indicator codes neither the package nor the store declares."""
    unknown = sorted({c for c in codes if c not in ids})
    if unknown:
        raise ValidationError(
            [
                Problem(
                    "program.yaml",
                    None,
                    f"{section}.indicator",
                    code,
                    Expected("expected.declared_indicator"),
                    code="unknown_indicator",
                )
                for code in unknown
            ]
        )


def write_commitments(conn: Connection, commitments: Iterable[Commitment], now: datetime) -> int:
    """Store each promise not yet stored as the next version of its key; return the number of new versions.

    A package entry equal to a stored version (same value and decision date) is skipped; entries of one key
    are taken in ``decided_on`` order, so versions number promises in the order they were made.
    """
    items = sorted(commitments, key=lambda c: (c.decided_on, c.version))
    if not items:
        return 0
    ids = code_ids(conn, "indicators")
    known_indicators(ids, (c.indicator for c in items), "commitments")
    t = T.commitments
    wanted = {ids[c.indicator] for c in items}
    versions: dict[tuple, list[tuple[float, object, int]]] = {}
    for r in conn.execute(
        select(
            t.c.indicator_id, t.c.kind, t.c.period, t.c.territory, t.c.value, t.c.decided_on, t.c.version
        ).where(t.c.indicator_id.in_(wanted))
    ):
        versions.setdefault((r.indicator_id, r.kind, r.period, r.territory), []).append(
            (r.value, r.decided_on, r.version)
        )
    new = []
    for c in items:
        key = (ids[c.indicator], c.kind.value, str(c.period), c.territory or "")
        stored = versions.setdefault(key, [])
        if any(v == c.value and d == c.decided_on for v, d, _ in stored):
            continue
        version = max((n for *_, n in stored), default=0) + 1
        stored.append((c.value, c.decided_on, version))
        new.append(
            {
                "indicator_id": key[0],
                "kind": key[1],
                "period": key[2],
                "period_start": c.period.start_month,
                "territory": key[3],
                "version": version,
                "value": c.value,
                "decided_on": c.decided_on,
                "document": c.document,
                "note": c.note,
                "recorded_at": now,
            }
        )
    if new:
        conn.execute(insert(t), new)
    return len(new)
