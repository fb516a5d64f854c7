"""Archived runs (issue 16): ``runs.archived_at`` (None while not archived) and an index for the
default listing, a project's runs that are not archived, newest first.

Archiving hides a run from the runs table, charts, project run counts and ``Api().runs()`` unless a
filter names ``archived``; the run and everything it logged stay, and unarchiving restores it.

Revision ID: 0019_run_archive
Revises: 0018_alert_rules
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_run_archive"
down_revision = "0018_alert_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("archived_at", sa.Double(), nullable=True))
    op.create_index("ix_runs_project_archived_created", "runs", ["project_id", "archived_at", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_runs_project_archived_created", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("archived_at")
