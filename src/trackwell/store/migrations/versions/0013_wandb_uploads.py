"""wandb_uploads: which blob each file the official wandb client uploaded for an artifact became.

The client names a file by its MD5 and sends files, manifest and commit in separate requests that
may reach different server processes; this table carries the MD5 -> SHA-256 mapping between them
(docs/wandb-client.md, store/base/wandb_uploads.py).

Mirrors ``trackwell.store.sql.wandb_uploads`` at this revision.

Revision ID: 0013_wandb_uploads
Revises: 0012_identity
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_wandb_uploads"
down_revision = "0012_identity"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "wandb_uploads",
        sa.Column(
            "project_id",
            Id,
            sa.ForeignKey("projects.id", name="fk_wandb_uploads_project_id_projects", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(160), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "name", name="pk_wandb_uploads"),
    )
    op.create_index("ix_wandb_uploads_project_id_sha256", "wandb_uploads", ["project_id", "sha256"])


def downgrade() -> None:
    op.drop_index("ix_wandb_uploads_project_id_sha256", table_name="wandb_uploads")
    op.drop_table("wandb_uploads")
