"""Saved views: named workspace layouts of a project, shared by its users.

Mirrors ``trackwell.store.sql.views.saved_views`` at this revision.

Revision ID: 0011_saved_views
Revises: 0010_key_paths
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011_saved_views"
down_revision = "0010_key_paths"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("project", sa.String(128), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "owner_id",
            Id,
            sa.ForeignKey("users.id", name="fk_saved_views_owner_id_users", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("layout", Json, nullable=False),
        sa.Column("state", Json, nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_views"),
        sa.UniqueConstraint("public_id", name="uq_saved_views_public_id"),
        sa.UniqueConstraint("entity", "project", "name", name="uq_saved_views_entity_project_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_views")
