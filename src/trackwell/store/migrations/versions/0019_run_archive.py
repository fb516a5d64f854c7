"""Archived runs (issue 16).

Reserved in the chain so the parts of issue 16 can land in any order; its owner fills it in.

Revision ID: 0019_run_archive
Revises: 0018_alert_rules
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0019_run_archive"
down_revision = "0018_alert_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
