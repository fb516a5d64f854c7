"""History key paths: which flat history keys came from nested dicts.

``{"a": {"b": 1}}`` and ``{"a.b": 1}`` are both stored as the series ``a.b``; the new
``history_key_stats.path`` column says which one was logged (``["a", "b"]`` for the nested one,
NULL for a key logged as it is), so reads give each back in its own shape.

Keys stored before this revision were read back nested at every dot, flat or not: their path is
set to that reading (``"a.b"`` -> ``["a", "b"]``), so old runs read exactly as before.

Revision ID: 0010_key_paths
Revises: 0009_sweeps
Create Date: 2026-12-04
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010_key_paths"
down_revision = "0009_sweeps"
branch_labels = None
depends_on = None

_BATCH = 1_000


def upgrade() -> None:
    op.add_column("history_key_stats", sa.Column("path", sa.Text(), nullable=True))
    stats = sa.table(
        "history_key_stats",
        sa.column("run_pk", sa.BigInteger()),
        sa.column("stream", sa.String()),
        sa.column("key", sa.String()),
        sa.column("path", sa.Text()),
    )
    conn = op.get_bind()
    dotted = conn.execute(
        sa.select(stats.c.run_pk, stats.c.stream, stats.c.key).where(
            stats.c.key.contains(".", autoescape=True)
        )
    ).all()
    update = (
        sa.update(stats)
        .where(
            stats.c.run_pk == sa.bindparam("b_run"),
            stats.c.stream == sa.bindparam("b_stream"),
            stats.c.key == sa.bindparam("b_key"),
        )
        .values(path=sa.bindparam("b_path"))
    )
    for start in range(0, len(dotted), _BATCH):
        params = [
            {
                "b_run": run_pk,
                "b_stream": stream,
                "b_key": key,
                "b_path": json.dumps(key.split("."), separators=(",", ":"), ensure_ascii=False),
            }
            for run_pk, stream, key in dotted[start : start + _BATCH]
        ]
        conn.execute(update, params)


def downgrade() -> None:
    with op.batch_alter_table("history_key_stats") as batch:
        batch.drop_column("path")
