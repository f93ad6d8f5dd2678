"""The log's entries kept in compressed blocks of 256 instead of one row each (docs/ledger.md).

Revision ID: 0008
Revises: 0007
Keep in step with ``ledger_blocks`` in natije/store/tables.py and natije/store/ledger_blocks.py.

The entries a store holds move, in order and byte for byte, into blocks; their leaf hashes are not kept (they
are the hashes of the entries). The tree's stored nodes and the checkpoints are unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
READ = 100_000


def upgrade() -> None:
    from natije.store.ledger_blocks import BLOCK, pack

    blocks = op.create_table(
        "ledger_blocks",
        sa.Column("block", Id, autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_tx", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("block", name=op.f("pk_ledger_blocks")),
    )
    conn = op.get_bind()
    entries = sa.table("ledger_entries", sa.column("position"), sa.column("tx"), sa.column("entry"))
    pending: list[tuple[int, bytes]] = []
    block, last = 0, -1
    while True:
        rows = conn.execute(
            sa.select(entries.c.position, entries.c.tx, entries.c.entry)
            .where(entries.c.position > last)
            .order_by(entries.c.position)
            .limit(READ)
        ).all()
        pending += [(int(tx), bytes(entry)) for _, tx, entry in rows]
        while len(pending) >= BLOCK or (pending and not rows):
            part, pending = pending[:BLOCK], pending[BLOCK:]
            conn.execute(
                sa.insert(blocks).values(block=block, count=len(part), last_tx=part[-1][0], data=pack(part))
            )
            block += 1
        if not rows:
            break
        last = rows[-1].position
    op.drop_table("ledger_entries")


def downgrade() -> None:
    from natije.ledger.verify import leaf_hash
    from natije.store.ledger_blocks import BLOCK, unpack

    entries = op.create_table(
        "ledger_entries",
        sa.Column("position", Id, autoincrement=False, nullable=False),
        sa.Column("tx", sa.Integer(), nullable=False),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_ledger_entries")),
    )
    conn = op.get_bind()
    stored = sa.table("ledger_blocks", sa.column("block"), sa.column("data"))
    for block, data in conn.execute(sa.select(stored.c.block, stored.c.data).order_by(stored.c.block)):
        rows = [
            {"position": block * BLOCK + k, "tx": tx, "entry": entry, "leaf": leaf_hash(entry)}
            for k, (tx, entry) in enumerate(unpack(bytes(data)))
        ]
        if rows:
            conn.execute(sa.insert(entries), rows)
    op.drop_table("ledger_blocks")
