"""Run alerts: what ``run.alert(...)`` raised, rate-limited per title by the record service.

Mirrors ``trackwell.store.sql.alerts.run_alerts`` at this revision.

Revision ID: 0005_alerts
Revises: 0004_sketches
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_alerts"
down_revision = "0004_sketches"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "run_alerts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "run_pk",
            Id,
            sa.ForeignKey("runs.id", name="fk_run_alerts_run_pk_runs", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("wait_duration", sa.Double(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_run_alerts_run_created", "run_alerts", ["run_pk", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_run_alerts_run_created", table_name="run_alerts")
    op.drop_table("run_alerts")
