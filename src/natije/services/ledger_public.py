"""What a site publishes of its log: the public key, the latest checkpoint, proofs of the values it shows.

Everything here reads and needs no write rights: :func:`natije.services.ledger_proofs.current_checkpoint`
signs a checkpoint when the log has grown since the last one, kept only when the store can be written. A store
without a public key publishes nothing and says so (``ConfigurationError``) instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from natije.errors import BadRequest, ConfigurationError, Expected, Problem, Text
from natije.ledger.merkle import consistency_proof
from natije.ledger.verify import (
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    VerificationError,
    decode_entry,
    verify_checkpoint,
)
from natije.services.ledger_keys import origin, public_key
from natije.services.ledger_proofs import current_checkpoint, value_proof
from natije.store import Store
from natije.store import tables as T
from natije.store.ledger_log import tree_nodes

Key = tuple[str, str, str]


@dataclass(frozen=True)
class PublishedCheckpoint:
    """The latest signed checkpoint: the signed note and its fields."""

    note: str
    origin: str
    size: int
    root: bytes
    time: datetime

    def to_dict(self) -> dict[str, Any]:
        """The API's answer: the note and its fields (root as hex, time in UTC)."""
        moment = self.time.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"origin": self.origin, "size": self.size, "root": self.root.hex(), "time": moment}


@dataclass(frozen=True)
class PublishedKey:
    """The public key checkpoints verify with, as the ``.pub`` file's PEM, and the log's origin."""

    pem: str
    origin: str


def published_key(store: Store) -> PublishedKey:
    """The log's public key; ``ConfigurationError`` when the store has none."""
    key = public_key(store)
    if key is None:
        raise ConfigurationError(Text("error.ledger_unpublished"))
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return PublishedKey(pem.decode(), origin(key))


def published_checkpoint(store: Store) -> PublishedCheckpoint:
    """The checkpoint of the whole log (signed now when the log grew since the last one)."""
    published_key(store)
    return _published(current_checkpoint(store).note)


def _published(note: str) -> PublishedCheckpoint:
    head = Checkpoint.from_body(note.partition("\n\n")[0] + "\n")
    return PublishedCheckpoint(note, head.origin, head.size, head.root, head.time)


def consistency(store: Store, first: int, second: int | None) -> ConsistencyProof:
    """The proof that the tree of ``second`` entries (default: the latest checkpoint's) extends the first
    ``first``; ``BadRequest`` unless 0 <= first <= second <= the latest checkpoint's size."""
    size = published_checkpoint(store).size
    second = size if second is None else second
    for name, value, low in (("from", first, 0), ("to", second, first)):
        if not low <= value <= size:
            expected = Expected("expected.tree_size", low=low, high=size)
            raise BadRequest(Problem(name, None, None, value, expected, code="query"))
    with store.connect() as conn:
        hashes = consistency_proof(first, second, tree_nodes(conn))
    return ConsistencyProof(first, second, tuple(hashes))


def value_ids(
    store: Store, indicators: Iterable[str], territories: Iterable[str] | None = None
) -> dict[Key, int]:
    """The numbers of the observations of ``indicators`` (in ``territories``, else all), by
    (indicator, territory, period): one query for a whole page's links to proofs."""
    o, i, tr = T.observations, T.indicators, T.territories
    query = (
        select(o.c.id, i.c.code, tr.c.code.label("territory"), o.c.period)
        .join(i, i.c.id == o.c.indicator_id)
        .join(tr, tr.c.id == o.c.territory_id)
        .where(i.c.code.in_(list(indicators)))
    )
    if territories is not None:
        query = query.where(tr.c.code.in_(list(territories)))
    with store.connect() as conn:
        return {(row.code, row.territory, row.period): int(row.id) for row in conn.execute(query)}


@dataclass(frozen=True)
class ValueProof:
    """A value's inclusion proof, its decoded entry, the checkpoint, and what the tables hold now.

    ``verified``: the proof leads to the checkpoint's root and the checkpoint's signature verifies with the
    public key. ``matches``: the value the tables hold (and the pages show) is the one the entry logged; a
    value changed outside natije (SQL) shows as ``False`` while the proof of the logged value still verifies.
    """

    value_id: str
    proof: InclusionProof
    checkpoint: PublishedCheckpoint
    entry: dict[str, Any]
    value: float | None
    verified: bool
    matches: bool


def proven_value(store: Store, value_id: str) -> ValueProof:
    """The proof of observation ``value_id`` (its number or INDICATOR/TERRITORY/PERIOD) with its checks.

    Raises ``NotFound`` for an unknown value, ``ConfigurationError`` for a store without a key.
    """
    published_key(store)
    proof, current = value_proof(store, value_id)
    checkpoint, entry = _published(current.note), decode_entry(proof.entry)
    try:
        proof.verify(verify_checkpoint(current.note, public_key(store)))  # type: ignore[arg-type]
        verified = True
    except VerificationError:
        verified = False
    value = _current_value(store, entry["key"])
    logged = (entry.get("after") or {}).get("value")
    matches = value is not None and logged is not None and float(logged) == value
    return ValueProof(value_id, proof, checkpoint, entry, value, verified, matches)


def _current_value(store: Store, key: dict[str, str]) -> float | None:
    o, i, tr = T.observations, T.indicators, T.territories
    query = (
        select(o.c.value)
        .join(i, i.c.id == o.c.indicator_id)
        .join(tr, tr.c.id == o.c.territory_id)
        .where(i.c.code == key["indicator"], tr.c.code == key["territory"], o.c.period == key["period"])
    )
    with store.connect() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else float(found)
