"""Comments on reports and on runs, and the notifications their mentions make (issue 16).

Mirrors ``trackwell.store.sql.comments`` at this revision.

Revision ID: 0017_comments
Revises: 0016_report_links
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_comments"
down_revision = "0016_report_links"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("target_kind", sa.String(8), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.Column(
            "parent_id",
            Id,
            sa.ForeignKey("comments.id", name="fk_comments_parent_id_comments", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "author_id",
            Id,
            sa.ForeignKey("users.id", name="fk_comments_author_id_users", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("edited_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
        sa.UniqueConstraint("author_id", "client_id", name="uq_comments_author_id_client_id"),
    )
    op.create_index(
        "ix_comments_target", "comments", ["entity", "project", "target_kind", "target_id", "created_at"]
    )
    op.create_table(
        "comment_notifications",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            Id,
            sa.ForeignKey("users.id", name="fk_comment_notifications_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "comment_id",
            Id,
            sa.ForeignKey(
                "comments.id", name="fk_comment_notifications_comment_id_comments", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("read_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_comment_notifications"),
        sa.UniqueConstraint("user_id", "comment_id", name="uq_comment_notifications_user_id_comment_id"),
    )
    op.create_index("ix_comment_notifications_comment_id", "comment_notifications", ["comment_id"])


def downgrade() -> None:
    op.drop_index("ix_comment_notifications_comment_id", table_name="comment_notifications")
    op.drop_table("comment_notifications")
    op.drop_index("ix_comments_target", table_name="comments")
    op.drop_table("comments")
