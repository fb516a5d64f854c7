"""Indexes for "which readable files hold these bytes": a blob is read by digest only through a run
file or an artifact entry of a project the caller may read (docs/teams.md, "Blobs"), so both tables
are looked up by digest.

Revision ID: 0015_blob_refs
Revises: 0014_reports
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0015_blob_refs"
down_revision = "0014_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_run_files_sha256", "run_files", ["sha256"])
    op.create_index("ix_artifact_entries_digest", "artifact_entries", ["digest"])


def downgrade() -> None:
    op.drop_index("ix_artifact_entries_digest", table_name="artifact_entries")
    op.drop_index("ix_run_files_sha256", table_name="run_files")
