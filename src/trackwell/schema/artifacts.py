"""Artifacts on the wire: manifests, versions, collections, lineage, blob transfers.

The one contract between the SDK, the server and the UI (docs/artifacts.md has the routes). The
SDK builds these shapes as plain dicts on its write path (a training run never imports pydantic);
``tests/unit/test_artifact_wire.py`` checks that what it builds validates here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from trackwell.schema.base import WireModel

ArtifactState = Literal["PENDING", "COMMITTED", "DELETED"]


class ManifestEntry(WireModel):
    """One file of a version. ``digest`` is the SHA-256 (hex) of the bytes, which names the blob;
    a reference (``ref`` set: ``file://``, ``s3://``, ``http(s)://``) is tracked, not stored: its
    digest is the content's SHA-256 when checksummed, else the object's ETag/version or the URI."""

    digest: str
    size: int = Field(ge=0)
    ref: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    mimetype: str | None = None
    birth_artifact_id: str | None = Field(None, description="The version that first stored these bytes.")


class ArtifactManifest(WireModel):
    version: Literal[1] = 1
    storage_policy: Literal["trackwell-sha256-v1"] = "trackwell-sha256-v1"
    contents: dict[str, ManifestEntry] = Field(
        default_factory=dict, description="Entry path ('/'-separated, relative) -> entry."
    )


class RunRef(WireModel):
    entity: str
    project: str
    run_id: str
    name: str | None = None
    job_type: str | None = None
    state: str | None = None


class AliasOut(WireModel):
    alias: str
    protected: bool = False


class ArtifactCreate(WireModel):
    """Body of ``POST /api/v1/artifacts/{entity}/{project}/{name}/versions``.

    Idempotent per ``client_id`` (the SDK's id of this ``log_artifact`` call, kept in the run log):
    a retry or a ``trackwell sync`` of a version already saved answers that version. Every non-ref
    entry's blob must be on the server (``POST /api/v1/blobs/missing`` first), else 409 naming them.
    Content equal to an existing version's (same ``digest``) makes no new version: the answer is the
    existing one with ``created: false``, and ``latest`` plus ``aliases`` move to it.
    """

    client_id: str = Field(min_length=8, max_length=128)
    type: str
    digest: str = Field(description="artifact_rules.manifest_digest of the entries; the server checks it")
    manifest: ArtifactManifest
    description: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    aliases: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    ttl_seconds: int | None = Field(None, ge=0)
    run_id: str | None = Field(None, description="The run in the same entity/project that logged it.")
    base_version: str | None = Field(
        None, description="incremental=True: the version ('v3') whose entries this manifest adds to/overrides"
    )
    removed: list[str] = Field(default_factory=list, description="incremental: entries to drop from base")


class ArtifactVersionOut(WireModel):
    id: str = Field(description="Opaque, stable id of this version.")
    entity: str
    project: str
    name: str = Field(description="The collection's name, without ':vN'.")
    type: str
    version: str = Field(description="'v0', 'v1', ...")
    version_index: int
    qualified_name: str = Field(description="'entity/project/name:vN'")
    digest: str
    size: int
    file_count: int
    description: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    aliases: list[AliasOut] = Field(default_factory=list)
    ttl_seconds: int | None = None
    state: ArtifactState = "COMMITTED"
    created_at: float
    updated_at: float
    logged_by: RunRef | None = None
    created: bool = Field(True, description="Only in the answer to a create: false when deduplicated.")
    source: str | None = Field(
        None, description="For a linked (registry) version: the source version's qualified name."
    )


class ArtifactVersionList(WireModel):
    versions: list[ArtifactVersionOut]
    total: int


class ArtifactVersionUpdate(WireModel):
    """``PATCH`` of a version: ``artifact.save()`` after editing. Absent fields stay."""

    description: str | None = None
    metadata: dict[str, Any] | None = None
    aliases: list[str] | None = Field(None, description="The full set of user aliases after the edit.")
    tags: list[str] | None = None
    ttl_seconds: int | None = None


class ArtifactCollectionOut(WireModel):
    entity: str
    project: str
    name: str
    type: str
    kind: Literal["sequence", "portfolio"] = "sequence"
    description: str | None = None
    version_count: int
    latest_version: str | None = None
    aliases: list[str] = Field(default_factory=list, description="Every alias in use in this collection.")
    created_at: float
    updated_at: float


class ArtifactCollectionUpdate(WireModel):
    """``PATCH`` of a collection. Absent fields stay."""

    description: str | None = None


class ArtifactCollectionList(WireModel):
    collections: list[ArtifactCollectionOut]
    total: int


class ArtifactTypeOut(WireModel):
    name: str
    collection_count: int


class ArtifactTypeList(WireModel):
    types: list[ArtifactTypeOut]


class ArtifactLink(WireModel):
    """``artifact.link("entity/project/collection", aliases=[...])``: put a version in a portfolio
    collection (our minimal registry, e.g. "production-models")."""

    target: str
    aliases: list[str] = Field(default_factory=list)


class ArtifactUsedBy(WireModel):
    """Answer of ``GET .../versions/{v}/used-by``: the runs that used the version, first use first."""

    runs: list[RunRef]


class ArtifactUseRecordBody(WireModel):
    """What an ``artifact_use`` run-log record carries (see schema/records.py)."""

    artifact_id: str
    used_as: str | None = None


class LineageNode(WireModel):
    id: str = Field(description="'run:<entity>/<project>/<run_id>' or 'artifact:<version id>'")
    kind: Literal["run", "artifact"]
    label: str
    run: RunRef | None = None
    artifact: ArtifactVersionOut | None = None


class LineageEdge(WireModel):
    source: str
    target: str
    kind: Literal["logged", "used"] = Field(description="run -logged-> artifact; artifact -used-> run")


class LineageGraph(WireModel):
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = False


# Blob transfer: content-addressed bytes shared by run files and artifacts (docs/artifacts.md).


class BlobDigests(WireModel):
    sha256: list[str] = Field(max_length=10_000)


class BlobOut(WireModel):
    sha256: str
    size: int


class UploadStart(WireModel):
    size: int = Field(ge=0)


class UploadPart(WireModel):
    number: int = Field(ge=1)
    size: int = Field(ge=0)
    etag: str | None = None


class UploadSession(WireModel):
    """A resumable upload of one blob in parts. Asking again for the same digest and size answers
    the unfinished session with the parts already received, so an interrupted upload resumes."""

    upload_id: str
    sha256: str
    size: int
    part_size: int
    parts_done: list[UploadPart] = Field(default_factory=list)
    part_urls: dict[int, str] | None = Field(
        None, description="S3: presigned PUT URLs by part number; the client sends parts straight there."
    )
    expires_at: float | None = None


class UploadComplete(WireModel):
    parts: list[UploadPart] = Field(default_factory=list, description="S3: every part's ETag.")


class BlobUrls(WireModel):
    urls: dict[str, str] = Field(
        description="sha256 -> where to GET it: a presigned URL (S3) or this server's /api/v1/blobs/{sha256}"
    )
