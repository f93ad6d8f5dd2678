"""Submitted values wait for an approver: ``submissions`` and ``submitted_values`` (both logged).

Revision ID: 0010
Revises: 0009
Keep in step with the ``submissions`` and ``submitted_values`` tables in natije/store/tables.py.

New tables only, empty in a migrated store: nothing to log until a value is submitted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("actor", "idempotency_key", name="uq_submissions_key"),
    )
    op.create_table(
        "submitted_values",
        sa.Column("id", Id, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("observation_id", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_submitted_values_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_submitted_values_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"], ["territories.id"], name=op.f("fk_submitted_values_territory_id_territories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitted_values")),
    )
    op.create_index("ix_submitted_values_submission_id", "submitted_values", ["submission_id"], unique=False)
    op.create_index(
        "ix_submitted_values_key",
        "submitted_values",
        ["indicator_id", "territory_id", "period"],
        unique=False,
    )
    op.create_index("ix_submitted_values_state", "submitted_values", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_submitted_values_state", table_name="submitted_values")
    op.drop_index("ix_submitted_values_key", table_name="submitted_values")
    op.drop_index("ix_submitted_values_submission_id", table_name="submitted_values")
    op.drop_table("submitted_values")
    op.drop_table("submissions")
