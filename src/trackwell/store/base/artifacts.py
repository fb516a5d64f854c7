"""Artifacts as stored: collections, versions, their manifests, aliases and lineage edges, and the
:class:`ArtifactStore` interface.

The store keeps rows; the rules (which version a create makes, where ``latest`` goes, who may move a
protected alias) are the service's (``trackwell.service.artifacts``). Every method works inside the
caller's transaction (``conn``) and never commits. A write that loses a race on a unique constraint
raises :class:`ArtifactRace`, after which the transaction is unusable: the service retries it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.artifacts import RunRef
from trackwell.schema.errors import Conflict

CollectionKind = Literal["sequence", "portfolio"]
EdgeKind = Literal["logged", "used"]


class ArtifactRace(Conflict):
    """Another writer inserted the same unique row first (a version index, a digest, an alias);
    the transaction is rolled back and the whole unit of work can be tried again."""


@dataclass(frozen=True, slots=True)
class StoredCollection:
    pk: int
    entity: str
    project: str
    name: str
    type: str
    kind: CollectionKind
    description: str | None
    created_at: float
    updated_at: float
    version_count: int = 0
    # Every alias in use in the collection -> the version number it names (``latest`` included).
    aliases: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    pk: int
    id: str  # the opaque public id
    collection_pk: int
    entity: str
    project: str
    name: str
    type: str
    kind: CollectionKind
    version_index: int
    digest: str
    size: int
    file_count: int
    description: str | None
    metadata: dict[str, Any]
    tags: list[str]
    ttl_seconds: int | None
    state: str
    created_at: float
    updated_at: float
    client_id: str | None
    source_pk: int | None  # a portfolio version: the version it links to
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewVersion:
    id: str
    version_index: int
    digest: str
    dedup_key: str  # sequence: the digest; portfolio: "link:<source pk>" (unique per collection)
    size: int
    file_count: int
    description: str | None
    metadata: dict[str, Any]
    tags: list[str]
    ttl_seconds: int | None
    created_at: float
    client_id: str | None = None
    source_pk: int | None = None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One manifest entry; ``birth_id`` is the public id of the version that first stored it."""

    path: str
    digest: str
    size: int
    ref: str | None = None
    extra: dict[str, Any] | None = None
    mimetype: str | None = None
    birth_pk: int | None = None
    birth_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredEdge:
    """run -logged-> version, or version -used-> run."""

    version_pk: int
    run_pk: int
    kind: EdgeKind
    used_as: str | None
    created_at: float


@dataclass(slots=True)
class VersionChanges:
    """Fields to change on a version; ``None`` means "leave as is"."""

    description: str | None = None
    metadata: dict[str, Any] | None = None
    tags: list[str] | None = None
    ttl_seconds: int | None = None
    updated_at: float | None = None


class ArtifactStore(Protocol):
    # -- collections -------------------------------------------------------------------------------

    def ensure_collection(
        self,
        conn: Connection,
        entity: str,
        project: str,
        name: str,
        type_: str,
        kind: CollectionKind,
        now: float,
    ) -> StoredCollection:
        """The collection, created (with its entity and project) when new, and locked for this
        transaction (PostgreSQL row lock) so creates of one collection take turns. An existing
        collection keeps its type and kind: the caller compares them."""

    def get_collection(
        self, conn: Connection, entity: str, project: str, name: str
    ) -> StoredCollection | None: ...

    def list_collections(
        self,
        conn: Connection,
        entity: str,
        project: str,
        type_: str | None,
        kind: CollectionKind | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StoredCollection], int]:
        """A page of the project's collections (by name) and how many match."""

    def collection_names(self, conn: Connection, entity: str, project: str, limit: int) -> list[str]: ...

    def list_types(self, conn: Connection, entity: str, project: str) -> list[tuple[str, int]]:
        """(type, collection count) per type in the project, by type."""

    def update_collection(self, conn: Connection, pk: int, description: str | None, now: float) -> None: ...

    def delete_collection(self, conn: Connection, pk: int) -> None:
        """The collection and every version, entry, alias and edge of it."""

    def take_version_index(self, conn: Connection, collection_pk: int) -> int:
        """The next version number of the collection (never reused, also after a delete)."""

    # -- versions ------------------------------------------------------------------------------------

    def insert_version(self, conn: Connection, collection_pk: int, new: NewVersion) -> int:
        """The new version's pk; :class:`ArtifactRace` when its index, id or dedup key is taken."""

    def version_by_index(self, conn: Connection, collection_pk: int, index: int) -> StoredVersion | None: ...

    def version_by_alias(self, conn: Connection, collection_pk: int, alias: str) -> StoredVersion | None: ...

    def version_by_id(self, conn: Connection, version_id: str) -> StoredVersion | None: ...

    def version_by_dedup_key(
        self, conn: Connection, collection_pk: int, key: str
    ) -> StoredVersion | None: ...

    def version_by_client_id(
        self, conn: Connection, collection_pk: int, client_id: str
    ) -> StoredVersion | None:
        """The version a create with this ``client_id`` answered (made or deduplicated to)."""

    def remember_client_id(
        self, conn: Connection, collection_pk: int, client_id: str, version_pk: int
    ) -> None: ...

    def get_versions(self, conn: Connection, pks: Iterable[int]) -> dict[int, StoredVersion]: ...

    def list_versions(
        self, conn: Connection, collection_pk: int, limit: int, offset: int
    ) -> tuple[list[StoredVersion], int]:
        """A page of the collection's versions, newest (highest index) first, and their count."""

    def newest_version(self, conn: Connection, collection_pk: int) -> StoredVersion | None: ...

    def links_to(self, conn: Connection, source_pk: int) -> list[StoredVersion]:
        """Portfolio versions that link to this version."""

    def update_version(self, conn: Connection, pk: int, changes: VersionChanges) -> None: ...

    def delete_version(self, conn: Connection, pk: int) -> None: ...

    # -- aliases -------------------------------------------------------------------------------------

    def set_alias(
        self, conn: Connection, collection_pk: int, alias: str, version_pk: int, now: float
    ) -> None:
        """Point ``alias`` at the version, moving it from another version of the collection."""

    def remove_alias(self, conn: Connection, collection_pk: int, alias: str) -> None: ...

    # -- manifests -----------------------------------------------------------------------------------

    def put_entries(self, conn: Connection, version_pk: int, entries: Sequence[StoredEntry]) -> None: ...

    def entries(self, conn: Connection, version_pk: int) -> list[StoredEntry]:
        """Every entry of the version, by path, in one query."""

    def entry(self, conn: Connection, version_pk: int, path: str) -> StoredEntry | None: ...

    def births(self, conn: Connection, collection_pk: int, digests: Iterable[str]) -> dict[str, int]:
        """digest -> pk of the first version of the collection that stored those bytes."""

    def add_births(
        self, conn: Connection, collection_pk: int, digests: Iterable[str], version_pk: int
    ) -> None:
        """Record ``version_pk`` as the birth of the digests that have none yet."""

    # -- lineage -------------------------------------------------------------------------------------

    def add_edge(
        self, conn: Connection, version_pk: int, run_pk: int, kind: EdgeKind, used_as: str | None, now: float
    ) -> None:
        """Idempotent: the same (version, run, kind) is stored once."""

    def edges_of_versions(
        self, conn: Connection, version_pks: Iterable[int], kind: EdgeKind | None = None
    ) -> list[StoredEdge]: ...

    def edges_of_runs(
        self, conn: Connection, run_pks: Iterable[int], kind: EdgeKind | None = None
    ) -> list[StoredEdge]: ...

    def run_refs(self, conn: Connection, run_pks: Iterable[int]) -> dict[int, RunRef]:
        """Each run's entity, project, id, name, job type and state, in one query per batch."""
