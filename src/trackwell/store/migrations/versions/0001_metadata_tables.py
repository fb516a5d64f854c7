"""Metadata tables: entities, users, API keys, projects, runs, sessions, files, console output.

Revision ID: 0001_metadata
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_metadata"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the column types in trackwell.store.sql.tables at the time of this revision.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _run_pk(table: str) -> sa.Column[int]:
    return sa.Column(
        "run_pk",
        Id,
        sa.ForeignKey("runs.id", name=f"fk_{table}_run_pk_runs", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
        sa.UniqueConstraint("name", name="uq_entities_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column(
            "entity_id", Id, sa.ForeignKey("entities.id", name="fk_users_entity_id_entities"), nullable=False
        ),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            Id,
            sa.ForeignKey("users.id", name="fk_api_keys_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("last_used_at", sa.Double(), nullable=True),
        sa.Column("revoked_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_table(
        "projects",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "entity_id",
            Id,
            sa.ForeignKey("entities.id", name="fk_projects_entity_id_entities", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("entity_id", "name", name="uq_projects_entity_id_name"),
    )
    op.create_table(
        "runs",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "project_id",
            Id,
            sa.ForeignKey("projects.id", name="fk_runs_project_id_projects", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("group_name", sa.String(256), nullable=True),
        sa.Column("job_type", sa.String(128), nullable=True),
        sa.Column("tags", Json, nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("config", Json, nullable=False),
        sa.Column("summary", Json, nullable=False),
        sa.Column("metadata", Json, nullable=False),
        sa.Column("metric_definitions", Json, nullable=False),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("program", sa.Text(), nullable=True),
        sa.Column("sweep_id", sa.String(128), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.Column("heartbeat_at", sa.Double(), nullable=True),
        sa.Column("finished_at", sa.Double(), nullable=True),
        sa.Column("runtime", sa.Double(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("error", Json, nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("history_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("project_id", "run_id", name="uq_runs_project_id_run_id"),
    )
    op.create_index("ix_runs_project_created", "runs", ["project_id", "created_at"])
    op.create_index("ix_runs_state_heartbeat", "runs", ["state", "heartbeat_at"])
    op.create_table(
        "run_sessions",
        _run_pk("run_sessions"),
        sa.Column("session_id", sa.String(128), nullable=False),
        sa.Column("applied_through", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("run_pk", "session_id", name="pk_run_sessions"),
    )
    op.create_table(
        "run_files",
        _run_pk("run_files"),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("run_pk", "path", name="pk_run_files"),
    )
    op.create_table(
        "output_lines",
        _run_pk("output_lines"),
        sa.Column("line", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(8), nullable=False),
        sa.Column("timestamp", sa.Double(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_pk", "line", name="pk_output_lines"),
    )


def downgrade() -> None:
    for table in (
        "output_lines",
        "run_files",
        "run_sessions",
        "runs",
        "projects",
        "api_keys",
        "users",
        "entities",
    ):
        op.drop_table(table)
