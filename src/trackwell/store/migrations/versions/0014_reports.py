"""Reports and their versions: live research memos of a project, every save kept (issue 16).

Mirrors ``trackwell.store.sql.reports`` at this revision.

Revision ID: 0014_reports
Revises: 0013_wandb_uploads
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0014_reports"
down_revision = "0013_wandb_uploads"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column(
            "owner_id",
            Id,
            sa.ForeignKey("users.id", name="fk_reports_owner_id_users", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("public_id", name="uq_reports_public_id"),
    )
    op.create_index("ix_reports_entity_project_updated_at", "reports", ["entity", "project", "updated_at"])
    op.create_table(
        "report_versions",
        sa.Column(
            "report_id",
            Id,
            sa.ForeignKey("reports.id", name="fk_report_versions_report_id_reports", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "author_id",
            Id,
            sa.ForeignKey("users.id", name="fk_report_versions_author_id_users", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", Json, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "version", name="pk_report_versions"),
    )


def downgrade() -> None:
    op.drop_table("report_versions")
    op.drop_index("ix_reports_entity_project_updated_at", table_name="reports")
    op.drop_table("reports")
