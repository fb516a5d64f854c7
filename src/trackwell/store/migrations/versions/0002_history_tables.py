"""History tables: streams, row/numeric/other chunks and per-key statistics.

Mirrors ``trackwell.store.sql.history_tables`` (owned by the history store) at this revision. Runs are
referenced by ``run_pk`` without a foreign key; ``HistoryStore.delete_run`` cleans up.

Revision ID: 0002_history
Revises: 0001_metadata
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_history"
down_revision = "0001_metadata"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Float64 = sa.Float(precision=53)


def _chunk_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("row_min", sa.BigInteger(), nullable=False),
        sa.Column("row_max", sa.BigInteger(), nullable=False),
        sa.Column("step_min", sa.BigInteger(), nullable=False),
        sa.Column("step_max", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "history_streams",
        sa.Column("run_pk", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("open_row_chunk", sa.BigInteger(), nullable=True),
        sa.Column("open_other_chunk", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("run_pk", "stream", name="pk_history_streams"),
    )
    op.create_table(
        "history_row_chunks",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("run_pk", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        *_chunk_columns(),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history_row_chunks"),
    )
    op.create_index("ix_history_row_chunks_run", "history_row_chunks", ["run_pk", "stream", "row_min"])
    op.create_table(
        "history_chunks",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("run_pk", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        *_chunk_columns(),
        sa.Column("vmin", Float64, nullable=True),
        sa.Column("vmax", Float64, nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history_chunks"),
    )
    op.create_index("ix_history_chunks_key", "history_chunks", ["run_pk", "stream", "key", "row_min"])
    op.create_table(
        "history_other_chunks",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("run_pk", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        *_chunk_columns(),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history_other_chunks"),
    )
    op.create_index("ix_history_other_chunks_run", "history_other_chunks", ["run_pk", "stream", "row_min"])
    op.create_table(
        "history_key_stats",
        sa.Column("run_pk", sa.BigInteger(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("key", sa.String(1024), nullable=False),
        sa.Column("num_count", sa.BigInteger(), nullable=False),
        sa.Column("other_count", sa.BigInteger(), nullable=False),
        sa.Column("first_step", sa.BigInteger(), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("vmin", Float64, nullable=True),
        sa.Column("vmax", Float64, nullable=True),
        sa.Column("last_value", sa.Text(), nullable=True),
        sa.Column("last_row", sa.BigInteger(), nullable=True),
        sa.Column("open_chunk", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("run_pk", "stream", "key", name="pk_history_key_stats"),
    )


def downgrade() -> None:
    op.drop_table("history_key_stats")
    op.drop_index("ix_history_other_chunks_run", table_name="history_other_chunks")
    op.drop_table("history_other_chunks")
    op.drop_index("ix_history_chunks_key", table_name="history_chunks")
    op.drop_table("history_chunks")
    op.drop_index("ix_history_row_chunks_run", table_name="history_row_chunks")
    op.drop_table("history_row_chunks")
    op.drop_table("history_streams")
