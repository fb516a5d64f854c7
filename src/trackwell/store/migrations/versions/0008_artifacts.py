"""Artifacts: collections, versions, manifests, aliases, births, client ids and lineage edges.

Mirrors ``trackwell.store.sql.artifacts_tables`` at this revision.

Revision ID: 0008_artifacts
Revises: 0007_run_id_length
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008_artifacts"
down_revision = "0007_run_id_length"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def _version_fk(table: str, column: str = "version_id") -> sa.Column[int]:
    return sa.Column(column, Id, _fk(table, column, "artifact_versions"), nullable=False)


def _collection_fk(table: str) -> sa.Column[int]:
    return sa.Column("collection_id", Id, _fk(table, "collection_id", "artifact_collections"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "artifact_collections",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("project_id", Id, _fk("artifact_collections", "project_id", "projects"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("next_index", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_artifact_collections"),
        sa.UniqueConstraint("project_id", "name", name="uq_artifact_collections_project_id_name"),
    )
    op.create_table(
        "artifact_versions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(32), nullable=False),
        _collection_fk("artifact_versions"),
        sa.Column("version_index", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("dedup_key", sa.String(80), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_count", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("metadata", Json, nullable=False),
        sa.Column("tags", Json, nullable=False),
        sa.Column("ttl_seconds", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=True),
        sa.Column("source_id", Id, _fk("artifact_versions", "source_id", "artifact_versions"), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_artifact_versions"),
        sa.UniqueConstraint("public_id", name="uq_artifact_versions_public_id"),
        sa.UniqueConstraint(
            "collection_id", "version_index", name="uq_artifact_versions_collection_id_index"
        ),
        sa.UniqueConstraint("collection_id", "dedup_key", name="uq_artifact_versions_collection_id_dedup"),
    )
    op.create_index("ix_artifact_versions_source_id", "artifact_versions", ["source_id"])
    op.create_table(
        "artifact_entries",
        _version_fk("artifact_entries"),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("extra", Json, nullable=True),
        sa.Column("mimetype", sa.String(255), nullable=True),
        sa.Column("birth_id", Id, nullable=True),
        sa.PrimaryKeyConstraint("version_id", "path", name="pk_artifact_entries"),
    )
    op.create_table(
        "artifact_aliases",
        _collection_fk("artifact_aliases"),
        sa.Column("alias", sa.String(128), nullable=False),
        _version_fk("artifact_aliases"),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("collection_id", "alias", name="pk_artifact_aliases"),
    )
    op.create_index("ix_artifact_aliases_version_id", "artifact_aliases", ["version_id"])
    op.create_table(
        "artifact_births",
        _collection_fk("artifact_births"),
        sa.Column("digest", sa.String(64), nullable=False),
        _version_fk("artifact_births"),
        sa.PrimaryKeyConstraint("collection_id", "digest", name="pk_artifact_births"),
    )
    op.create_index("ix_artifact_births_version_id", "artifact_births", ["version_id"])
    op.create_table(
        "artifact_client_ids",
        _collection_fk("artifact_client_ids"),
        sa.Column("client_id", sa.String(128), nullable=False),
        _version_fk("artifact_client_ids"),
        sa.PrimaryKeyConstraint("collection_id", "client_id", name="pk_artifact_client_ids"),
    )
    op.create_index("ix_artifact_client_ids_version_id", "artifact_client_ids", ["version_id"])
    op.create_table(
        "artifact_edges",
        _version_fk("artifact_edges"),
        sa.Column("run_pk", Id, _fk("artifact_edges", "run_pk", "runs"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("used_as", sa.String(128), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "run_pk", "kind", name="pk_artifact_edges"),
    )
    op.create_index("ix_artifact_edges_run_pk_kind", "artifact_edges", ["run_pk", "kind"])


def downgrade() -> None:
    op.drop_index("ix_artifact_edges_run_pk_kind", table_name="artifact_edges")
    op.drop_table("artifact_edges")
    op.drop_index("ix_artifact_client_ids_version_id", table_name="artifact_client_ids")
    op.drop_table("artifact_client_ids")
    op.drop_index("ix_artifact_births_version_id", table_name="artifact_births")
    op.drop_table("artifact_births")
    op.drop_index("ix_artifact_aliases_version_id", table_name="artifact_aliases")
    op.drop_table("artifact_aliases")
    op.drop_table("artifact_entries")
    op.drop_index("ix_artifact_versions_source_id", table_name="artifact_versions")
    op.drop_table("artifact_versions")
    op.drop_table("artifact_collections")
