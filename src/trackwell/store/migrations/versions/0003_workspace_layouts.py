"""Workspace layouts: one saved panel layout per (user, entity, project).

Mirrors ``trackwell.store.sql.layouts.workspace_layouts`` at this revision.

Revision ID: 0003_layouts
Revises: 0002_history
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_layouts"
down_revision = "0002_history"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "workspace_layouts",
        sa.Column(
            "user_id",
            Id,
            sa.ForeignKey("users.id", name="fk_workspace_layouts_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("document", Json, nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "entity", "project", name="pk_workspace_layouts"),
    )


def downgrade() -> None:
    op.drop_table("workspace_layouts")
