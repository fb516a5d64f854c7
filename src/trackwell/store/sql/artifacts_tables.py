"""Tables of artifacts: collections, versions, manifests, aliases, births, client ids, lineage edges.

Migration 0008 creates exactly these (tests/contract/test_migrations.py checks for drift). The
unique constraints are what keeps concurrent creates honest across server processes: one version
per (collection, index), one per (collection, content digest), one target per alias; a writer that
loses a race gets an integrity error and retries its whole transaction (``ArtifactRace``).

Deletes cascade: a project takes its collections, a collection its versions, a version its
entries, aliases, births, client ids, edges and the portfolio versions that link to it. A run takes
its lineage edges with it; versions it logged stay.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, SHA256_LEN, Id, Json
from trackwell.store.sql.text_type import NulSafeText

PUBLIC_ID_LEN = 32
TYPE_LEN = 64
PATH_LEN = 1024


def _version_fk(name: str = "version_id") -> Column[int]:
    return Column(name, Id, ForeignKey("artifact_versions.id", ondelete="CASCADE"), nullable=False)


def _collection_fk() -> Column[int]:
    return Column(
        "collection_id", Id, ForeignKey("artifact_collections.id", ondelete="CASCADE"), nullable=False
    )


artifact_collections = Table(
    "artifact_collections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(NAME_LEN), nullable=False),
    Column("type", String(TYPE_LEN), nullable=False),
    Column("kind", String(16), nullable=False),  # "sequence" | "portfolio"
    Column("description", NulSafeText, nullable=True),
    # The next version number: versions are never renumbered, and a deleted vN is never reused.
    Column("next_index", BigInteger, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    UniqueConstraint("project_id", "name", name="uq_artifact_collections_project_id_name"),
)

artifact_versions = Table(
    "artifact_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(PUBLIC_ID_LEN), nullable=False),
    _collection_fk(),
    Column("version_index", BigInteger, nullable=False),
    Column("digest", String(SHA256_LEN), nullable=False),
    # Sequence versions: the digest (equal content is one version); portfolio: "link:<source pk>".
    Column("dedup_key", String(80), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("file_count", BigInteger, nullable=False),
    Column("description", NulSafeText, nullable=True),
    Column("metadata", Json, nullable=False),
    Column("tags", Json, nullable=False),
    Column("ttl_seconds", BigInteger, nullable=True),
    Column("state", String(16), nullable=False),
    Column("client_id", String(128), nullable=True),  # the create that made it
    Column("source_id", Id, ForeignKey("artifact_versions.id", ondelete="CASCADE"), nullable=True),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    UniqueConstraint("public_id", name="uq_artifact_versions_public_id"),
    UniqueConstraint("collection_id", "version_index", name="uq_artifact_versions_collection_id_index"),
    UniqueConstraint("collection_id", "dedup_key", name="uq_artifact_versions_collection_id_dedup"),
    Index("ix_artifact_versions_source_id", "source_id"),
)

# A version's manifest, one row per entry: listing 10,000 files is one indexed range scan.
artifact_entries = Table(
    "artifact_entries",
    metadata,
    _version_fk(),
    Column("path", String(PATH_LEN), nullable=False),
    Column("digest", NulSafeText, nullable=False),  # a reference's digest may be an ETag or a URI
    Column("size", BigInteger, nullable=False),
    Column("ref", NulSafeText, nullable=True),
    Column("extra", Json, nullable=True),
    Column("mimetype", String(255), nullable=True),
    # The version that first stored these bytes in the collection (no foreign key: it may be deleted).
    Column("birth_id", Id, nullable=True),
    PrimaryKeyConstraint("version_id", "path"),
    Index("ix_artifact_entries_digest", "digest"),  # blob reads: which versions hold these bytes (0015)
)

artifact_aliases = Table(
    "artifact_aliases",
    metadata,
    _collection_fk(),
    Column("alias", String(NAME_LEN), nullable=False),
    _version_fk(),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("collection_id", "alias"),
    Index("ix_artifact_aliases_version_id", "version_id"),
)

# Per collection and stored digest: the first version that held it (``birth_artifact_id``). A
# digest found here was also checked present in the blob store when that version was made.
artifact_births = Table(
    "artifact_births",
    metadata,
    _collection_fk(),
    Column("digest", String(SHA256_LEN), nullable=False),
    _version_fk(),
    PrimaryKeyConstraint("collection_id", "digest"),
    Index("ix_artifact_births_version_id", "version_id"),
)

# Every create's client id -> the version it answered: a retry (or a `trackwell sync` of the same
# log_artifact call) gets the same version, also when that call was deduplicated.
artifact_client_ids = Table(
    "artifact_client_ids",
    metadata,
    _collection_fk(),
    Column("client_id", String(128), nullable=False),
    _version_fk(),
    PrimaryKeyConstraint("collection_id", "client_id"),
    Index("ix_artifact_client_ids_version_id", "version_id"),
)

# Lineage: run -logged-> version and version -used-> run.
artifact_edges = Table(
    "artifact_edges",
    metadata,
    _version_fk(),
    Column("run_pk", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),  # "logged" | "used"
    Column("used_as", String(NAME_LEN), nullable=True),
    Column("created_at", Double, nullable=False),
    PrimaryKeyConstraint("version_id", "run_pk", "kind"),
    Index("ix_artifact_edges_run_pk_kind", "run_pk", "kind"),
)

ARTIFACT_TABLES = (
    artifact_collections,
    artifact_versions,
    artifact_entries,
    artifact_aliases,
    artifact_births,
    artifact_client_ids,
    artifact_edges,
)
