"""Alert webhooks, rules and their deliveries (issue 16).

Reserved in the chain so the parts of issue 16 can land in any order; its owner fills it in.

Revision ID: 0018_alert_rules
Revises: 0017_comments
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0018_alert_rules"
down_revision = "0017_comments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
