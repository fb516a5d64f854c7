"""Public read-only links of reports (issue 16).

Reserved in the chain so the parts of issue 16 can land in any order; its owner fills it in.

Revision ID: 0016_report_links
Revises: 0015_blob_refs
Create Date: 2026-12-05
"""

from __future__ import annotations

revision = "0016_report_links"
down_revision = "0015_blob_refs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
