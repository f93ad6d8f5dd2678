"""The import log joins the log: every row of ``imports`` is logged (docs/ledger.md).

Revision ID: 0009
Revises: 0008
No schema change. Rows of ``imports`` were not logged before this version: in a store whose log has begun,
those the log holds no entry of are logged here as inserts, in the transaction that migrates the store (a
store whose log has not begun gets every row logged by ``natije init``, ``log_existing``). ``natije verify``
then checks them.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from natije.store.ledger_log import log_table

    log_table(op.get_bind(), "imports")


def downgrade() -> None:
    """The entries stay: the log is append-only (upgrading again finds them and logs no row twice)."""
