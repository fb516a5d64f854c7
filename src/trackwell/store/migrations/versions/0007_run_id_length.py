"""Run ids up to 128 characters, as wandb allows (schema/names.py has the rule).

wandb's run id may be any string without ``/ \\ # ? % :``; ids from real scripts (an experiment name
plus a seed and a date) pass 64 characters. Widening a VARCHAR keeps every stored id.

Revision ID: 0007_run_id_length
Revises: 0006_run_edits
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_run_id_length"
down_revision = "0006_run_edits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.alter_column(
            "run_id", type_=sa.String(128), existing_type=sa.String(64), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.alter_column(
            "run_id", type_=sa.String(64), existing_type=sa.String(128), existing_nullable=False
        )
