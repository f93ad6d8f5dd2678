"""Stored impact evaluations: design, data snapshot hash, result.

Revision ID: 0002
Revises: 0001
Keep in step with the ``evaluations`` table in natije/store/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=96), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("design", sa.Text(), nullable=False),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("engine_version", sa.String(length=32), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    op.create_index(op.f("ix_evaluations_program"), "evaluations", ["program"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evaluations_program"), table_name="evaluations")
    op.drop_table("evaluations")
