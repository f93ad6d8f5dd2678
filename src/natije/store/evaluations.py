"""Stored impact evaluations: save one (design, data hash, result), get it back by id, list them.

The design and the result are kept as JSON text (``result`` is ``EvaluationResult.to_dict()``), so a stored
evaluation reads back exactly as it was written on SQLite and PostgreSQL alike.

Examples
--------
>>> from natije.store import Store
>>> store = Store.open("sqlite://")
>>> store.init()
>>> record = StoredEvaluation(id=None, program="P2024", indicator="P2024.USERS", method="did",
...                           design={"method": "did", "start": "2020"}, data_hash="0" * 64,
...                           result={"estimate": 1.5}, created_at=datetime(2026, 1, 1),
...                           engine_version="0.1.0")
>>> with store.transaction() as conn:
...     key = save_evaluation(conn, record)
...     stored = get_evaluation(conn, key)
>>> key, stored.estimate, stored.design == record.design
(1, 1.5, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from natije.errors import NotFound, Text
from natije.store import tables as T
from natije.store.ledger_log import log_row
from natije.store.staging import utcnow


@dataclass(frozen=True)
class StoredEvaluation:
    """One evaluation as stored (``id`` is ``None`` for a run that was not saved)."""

    id: int | None
    program: str
    indicator: str
    method: str
    design: Mapping[str, Any]
    data_hash: str
    result: Mapping[str, Any]
    created_at: datetime
    engine_version: str
    author: str | None = None
    label: str | None = None

    @property
    def estimate(self) -> float | None:
        """The headline estimate of the stored result."""
        value = self.result.get("estimate")
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly mapping (``created_at`` as ISO text)."""
        return {
            "id": self.id,
            "program": self.program,
            "indicator": self.indicator,
            "method": self.method,
            "design": dict(self.design),
            "data_hash": self.data_hash,
            "result": dict(self.result),
            "created_at": self.created_at.isoformat(),
            "engine_version": self.engine_version,
            "author": self.author,
            "label": self.label,
        }


def _dumps(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False, default=str)


def save_evaluation(conn: Connection, record: StoredEvaluation, *, now: datetime | None = None) -> int:
    """Insert ``record`` (its ``id`` is ignored) and return the new id.

    ``created_at`` is ``now`` when given, else the record's own time.
    """
    row = {
        "program": record.program,
        "indicator": record.indicator,
        "method": record.method,
        "design": _dumps(record.design),
        "data_hash": record.data_hash,
        "result": _dumps(record.result),
        "created_at": now or record.created_at or utcnow(),
        "author": record.author,
        "engine_version": record.engine_version,
        "label": record.label,
    }
    key = conn.execute(insert(T.evaluations).values(**row)).inserted_primary_key
    assert key is not None
    log_row(conn, "evaluations", (int(key[0]),))
    return int(key[0])


def _record(row: Any) -> StoredEvaluation:
    return StoredEvaluation(
        id=int(row["id"]),
        program=row["program"],
        indicator=row["indicator"],
        method=row["method"],
        design=json.loads(row["design"]),
        data_hash=row["data_hash"],
        result=json.loads(row["result"]),
        created_at=row["created_at"],
        engine_version=row["engine_version"],
        author=row["author"],
        label=row["label"],
    )


def get_evaluation(conn: Connection, evaluation_id: int) -> StoredEvaluation:
    """The stored evaluation ``evaluation_id``; raises :class:`NotFound` if there is none."""
    t = T.evaluations
    row = conn.execute(select(t).where(t.c.id == int(evaluation_id))).mappings().first()
    if row is None:
        raise NotFound(Text("error.evaluation_not_found", evaluation=evaluation_id), evaluation=evaluation_id)
    return _record(row)


def list_evaluations(
    conn: Connection, program: str | None = None, indicator: str | None = None, limit: int = 1000
) -> list[StoredEvaluation]:
    """Stored evaluations, newest first, optionally of one program and/or one indicator."""
    t = T.evaluations
    query = select(t).order_by(t.c.id.desc()).limit(limit)
    if program is not None:
        query = query.where(t.c.program == program)
    if indicator is not None:
        query = query.where(t.c.indicator == indicator)
    return [_record(r) for r in conn.execute(query).mappings()]
