"""Run edits: the config and summary keys written back through the Api, with their bases.

``runs.edits`` lets a write-back to a running run survive the SDK's next config or summary record
(``trackwell.service.run_edits`` has the rule). NULL for runs nobody edited.

Revision ID: 0006_run_edits
Revises: 0005_alerts
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006_run_edits"
down_revision = "0005_alerts"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("edits", Json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("edits")
