"""The log's blocks: packing, appends that fill the last block, and migration 0008 moving a store's entries
from one row each into blocks (and back) byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from natije.services.demo import load_demo
from natije.services.ledger import verify
from natije.store import Store
from natije.store.ledger_blocks import (
    BLOCK,
    DamagedBlock,
    append_entries,
    entries_between,
    log_size,
    pack,
    unpack,
)
from natije.store.migrations import config, current, head, upgrade


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_a_block_gives_back_its_records_and_refuses_damage() -> None:
    records = [(7, b"x" * n) for n in range(300)]
    assert unpack(pack(records)) == records
    assert unpack(pack([])) == []
    with pytest.raises(DamagedBlock):
        unpack(b"plainly not a block")
    with pytest.raises(DamagedBlock):
        unpack(pack(records)[:-3])


def test_appends_fill_the_last_block_before_starting_another(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "natije.db"))
    store.init()
    written: list[tuple[int, bytes]] = []
    with store.transaction() as conn:
        for tx, count in enumerate([3, BLOCK - 3, 1, 2 * BLOCK + 5, 0, 17]):
            entries = [f"{tx}:{k}".encode() for k in range(count)]
            append_entries(conn, len(written), tx, entries)
            written += [(tx, e) for e in entries]
        assert log_size(conn) == len(written) == 3 * BLOCK + 23
        counts = conn.execute(text("SELECT count FROM ledger_blocks ORDER BY block")).scalars().all()
        assert counts == [BLOCK, BLOCK, BLOCK, 23]
        assert [(tx, e) for _, tx, e in entries_between(conn, 0, len(written))] == written
        assert entries_between(conn, BLOCK - 2, BLOCK + 2) == [
            (p, written[p][0], written[p][1]) for p in range(BLOCK - 2, BLOCK + 2)
        ]
    store.close()


def test_migration_0008_moves_the_entries_into_blocks_and_back(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "natije.db"))
    load_demo(store)
    before = verify(store)
    assert before.intact
    _downgrade(store.engine, "0007")
    with store.engine.connect() as conn:
        assert current(store.engine) == "0007"
        stored = conn.execute(text("SELECT count(*), max(position) FROM ledger_entries")).one()
        assert tuple(stored) == (before.size, before.size - 1)
    upgrade(store.engine)
    assert current(store.engine) == head()
    after = verify(store)
    assert after.intact, after.findings[:3]
    assert (after.size, after.root, after.checkpoints) == (before.size, before.root, before.checkpoints)
    store.close()
