"""History chunk sketches: a full chunk's first/last/min/max point per 32, for coarse chart reads.

Chunks written before this revision have no sketch; reads decode their data as before.

Revision ID: 0004_sketches
Revises: 0003_layouts
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sketches"
down_revision = "0003_layouts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("history_chunks", sa.Column("sketch", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("history_chunks") as batch:
        batch.drop_column("sketch")
