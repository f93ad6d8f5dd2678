"""Indicators keep ``continues`` and their declared ``range``; programs keep their legal act in kk and ru.

Revision ID: 0004
Revises: 0003
Keep in step with the ``indicators`` and ``programs`` tables in natije/store/tables.py.

Only nullable columns are added (stored rows keep every value; the new columns start empty). Columns are
added and dropped with plain ``ALTER TABLE`` on both databases: rebuilding ``indicators`` on SQLite would
cascade to its commitments and observations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = {
    "indicators": (
        sa.Column("continues", sa.String(length=96), nullable=True),
        sa.Column("range_low", sa.Float(), nullable=True),
        sa.Column("range_high", sa.Float(), nullable=True),
    ),
    "programs": (
        sa.Column("legal_act_kk", sa.Text(), nullable=True),
        sa.Column("legal_act_ru", sa.Text(), nullable=True),
    ),
}


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    conn = op.get_bind()
    for table, columns in _COLUMNS.items():
        for column in columns:
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column.name}")
