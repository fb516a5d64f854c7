"""Comments on reports and runs, with mentions (issue 16).

Reserved in the chain so the parts of issue 16 can land in any order; its owner fills it in.

Revision ID: 0017_comments
Revises: 0016_report_links
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0017_comments"
down_revision = "0016_report_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
