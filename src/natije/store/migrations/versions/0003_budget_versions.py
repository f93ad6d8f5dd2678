"""Budget lines keyed by goal, line code, funding, currency and indicators; amounts versioned.

Revision ID: 0003
Revises: 0002
Keep in step with the ``budget_lines`` table in natije/store/tables.py.

Stored lines become version 1 of their line (no decision date or document: none was recorded), with the
indicator key filled from their links. SQLite rebuilds the table to change its unique key, and dropping the
old table cascades to ``budget_indicators``: the links are read first and written back, so nothing is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NEW = ("line", "funding", "indicators", "version", "decided_on", "document", "recorded_at")


def _links(conn: sa.Connection) -> list[tuple[int, int]]:
    return [
        (r[0], r[1])
        for r in conn.execute(
            sa.text(
                "SELECT budget_line_id, indicator_id FROM budget_indicators "
                "ORDER BY budget_line_id, indicator_id"
            )
        )
    ]


def _restore_links(conn: sa.Connection, links: list[tuple[int, int]]) -> None:
    """Write back links a table rebuild removed (a no-op where they survived)."""
    if links and conn.execute(sa.text("SELECT COUNT(*) FROM budget_indicators")).scalar_one() != len(links):
        conn.execute(sa.text("DELETE FROM budget_indicators"))
        conn.execute(
            sa.text("INSERT INTO budget_indicators (budget_line_id, indicator_id) VALUES (:b, :i)"),
            [{"b": b, "i": i} for b, i in links],
        )


def upgrade() -> None:
    conn = op.get_bind()
    links = _links(conn)
    with op.batch_alter_table("budget_lines") as batch:
        batch.drop_constraint("uq_budget_lines_key", type_="unique")
        batch.add_column(sa.Column("line", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("funding", sa.String(length=16), nullable=False, server_default=""))
        batch.add_column(sa.Column("indicators", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("document", sa.Text(), nullable=True))
        batch.add_column(sa.Column("recorded_at", sa.DateTime(), nullable=True))
    _restore_links(conn, links)
    codes: dict[int, str] = {r[0]: r[1] for r in conn.execute(sa.text("SELECT id, code FROM indicators"))}
    per_line: dict[int, list[str]] = {}
    for line_id, indicator_id in links:
        per_line.setdefault(line_id, []).append(codes[indicator_id])
    for line_id, found in per_line.items():
        conn.execute(
            sa.text("UPDATE budget_lines SET indicators = :k WHERE id = :i"),
            {"k": ";".join(sorted(found)), "i": line_id},
        )
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    conn.execute(sa.text("UPDATE budget_lines SET recorded_at = :now"), {"now": now})
    with op.batch_alter_table("budget_lines") as batch:
        for name in ("line", "funding", "indicators", "version"):
            batch.alter_column(name, server_default=None)
        batch.alter_column("recorded_at", existing_type=sa.DateTime(), nullable=False)
        batch.create_unique_constraint(
            "uq_budget_lines_key",
            ["program_id", "goal", "line", "funding", "currency", "indicators", "year", "stage", "version"],
        )
    _restore_links(conn, links)


def downgrade() -> None:
    conn = op.get_bind()
    # the old key holds one amount per goal, year and stage: keep the newest version of the first line
    conn.execute(
        sa.text(
            "DELETE FROM budget_lines WHERE id NOT IN (SELECT MAX(id) FROM budget_lines b WHERE b.version = "
            "(SELECT MAX(version) FROM budget_lines c WHERE c.program_id = b.program_id AND c.goal = b.goal "
            "AND c.year = b.year AND c.stage = b.stage) GROUP BY program_id, goal, year, stage)"
        )
    )
    links = _links(conn)
    with op.batch_alter_table("budget_lines") as batch:
        batch.drop_constraint("uq_budget_lines_key", type_="unique")
        for name in _NEW:
            batch.drop_column(name)
        batch.create_unique_constraint("uq_budget_lines_key", ["program_id", "goal", "year", "stage"])
    _restore_links(conn, links)
