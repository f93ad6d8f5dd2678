"""Result snapshots: the present view of each program, stored when its data change or the day does.

Revision ID: 0005
Revises: 0004
Keep in step with the ``result_snapshots`` table in natije/store/tables.py.

A new table only: stores migrated to it start without snapshots (the first read of each program computes and
stores one).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "result_snapshots",
        sa.Column("program", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("store_version", sa.String(length=32), nullable=False),
        sa.Column("natije_version", sa.String(length=32), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("results", sa.LargeBinary(), nullable=False),
        sa.Column("flags", sa.LargeBinary(), nullable=False),
        sa.Column("budget", sa.LargeBinary(), nullable=False),
        sa.Column("scorecard", sa.Text(), nullable=False),
        sa.Column("national", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "program", "day", "store_version", "natije_version", name=op.f("pk_result_snapshots")
        ),
    )


def downgrade() -> None:
    op.drop_table("result_snapshots")
