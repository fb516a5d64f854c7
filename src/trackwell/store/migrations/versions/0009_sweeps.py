"""Sweeps: the sweep, its agents and its proposals (leases and trials).

Mirrors ``trackwell.store.sql.sweeps_tables`` at this revision.

Revision ID: 0009_sweeps
Revises: 0008_artifacts
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009_sweeps"
down_revision = "0008_artifacts"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def _sweep_fk(table: str) -> sa.Column[int]:
    return sa.Column("sweep_pk", Id, _fk(table, "sweep_pk", "sweeps"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(8), nullable=False),
        sa.Column("project_id", Id, _fk("sweeps", "project_id", "projects"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("config", Json, nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("trials_version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sweeps"),
        sa.UniqueConstraint("public_id", name="uq_sweeps_public_id"),
    )
    op.create_index("ix_sweeps_project_created", "sweeps", ["project_id", "created_at"])
    op.create_table(
        "sweep_agents",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(16), nullable=False),
        _sweep_fk("sweep_agents"),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("name", sa.String(128), nullable=True),
        sa.Column("count", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("heartbeat_at", sa.Double(), nullable=False),
        sa.Column("runs_started", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sweep_agents"),
        sa.UniqueConstraint("public_id", name="uq_sweep_agents_public_id"),
    )
    op.create_index("ix_sweep_agents_sweep_pk", "sweep_agents", ["sweep_pk"])
    op.create_table(
        "sweep_proposals",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        _sweep_fk("sweep_proposals"),
        sa.Column("run_id", sa.String(128), nullable=False),
        sa.Column("params", Json, nullable=False),
        sa.Column("params_key", sa.Text(), nullable=False),
        sa.Column("grid_index", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column(
            "agent_pk", Id, _fk("sweep_proposals", "agent_pk", "sweep_agents", "SET NULL"), nullable=True
        ),
        sa.Column("lease_expires_at", sa.Double(), nullable=True),
        sa.Column("reissue_of", Id, nullable=True),
        sa.Column("reissued", sa.Boolean(), nullable=False),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sweep_proposals"),
        sa.UniqueConstraint("sweep_pk", "run_id", name="uq_sweep_proposals_sweep_pk_run_id"),
    )


def downgrade() -> None:
    op.drop_table("sweep_proposals")
    op.drop_index("ix_sweep_agents_sweep_pk", table_name="sweep_agents")
    op.drop_table("sweep_agents")
    op.drop_index("ix_sweeps_project_created", table_name="sweeps")
    op.drop_table("sweeps")
