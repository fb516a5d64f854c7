"""Public read-only links of reports (issue 16): a row per link, the token stored as its sha256.

Mirrors ``trackwell.store.sql.report_links`` at this revision.

Revision ID: 0016_report_links
Revises: 0015_blob_refs
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_report_links"
down_revision = "0015_blob_refs"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "report_links",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "report_pk",
            Id,
            sa.ForeignKey("reports.id", name="fk_report_links_report_pk_reports", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column(
            "created_by",
            Id,
            sa.ForeignKey("users.id", name="fk_report_links_created_by_users", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("last_used", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_report_links"),
        sa.UniqueConstraint("token_sha256", name="uq_report_links_token_sha256"),
    )
    op.create_index("ix_report_links_report_pk", "report_links", ["report_pk"])


def downgrade() -> None:
    op.drop_index("ix_report_links_report_pk", table_name="report_links")
    op.drop_table("report_links")
