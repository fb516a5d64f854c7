"""Artifacts read, used and edited by the official client (section 3.7): a version by id or by
``name:alias``, its files and manifest as signed download URLs, ``use_artifact`` as a lineage record
of the run, and the public API's edits. Reading needs ``project.read``, the rest ``project.write``
(service/access.py, through :class:`WandbRuns`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from trackwell.schema.artifact_rules import LATEST
from trackwell.schema.artifacts import (
    ArtifactCollectionList,
    ArtifactCollectionOut,
    ArtifactLink,
    ArtifactVersionList,
    ArtifactVersionOut,
    ArtifactVersionUpdate,
    RunRef,
)
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.records import ArtifactUseRecord
from trackwell.service.access import Action
from trackwell.service.artifacts import MAX_PAGE, ArtifactService
from trackwell.service.records import RecordService
from trackwell.service.wandb_wire.artifacts_md5 import Md5Index, wandb_digest
from trackwell.service.wandb_wire.artifacts_tokens import ArtifactTokens, DownloadGrant
from trackwell.service.wandb_wire.runs import STATE_SESSION, WandbRuns
from trackwell.store.base import BlobStore, Database, Principal, RunKey


@dataclass(frozen=True, slots=True)
class ArtifactFile:
    path: str
    size: int
    md5: str
    mimetype: str | None
    token: str  # for its download URL


def split_name(name: str) -> tuple[str, str]:
    """``coll:alias`` / ``coll:v3`` / ``coll`` -> (collection, version or alias)."""
    collection, _, ref = name.partition(":")
    return collection, ref or LATEST


class WandbArtifactReads:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        artifacts: ArtifactService,
        runs: WandbRuns,
        records: RecordService,
        tokens: ArtifactTokens,
        md5: Md5Index,
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._artifacts = artifacts
        self._runs = runs
        self._records = records
        self._tokens = tokens
        self._md5 = md5

    def _may(self, principal: Principal, action: Action, entity: str, project: str) -> None:
        self._runs.authorize_ref(principal, action, self._runs.project_ref(entity, project))

    def _readable(self, principal: Principal, entity: str, project: str) -> bool:
        """False for a project that does not exist yet (the client asks before logging to a new
        one); refused like any read for a project the caller may not see."""
        ref = self._runs.project_ref(entity, project)
        if ref.visibility is None:
            return False
        self._runs.authorize_ref(principal, Action.PROJECT_READ, ref)
        return True

    # -- finding versions --------------------------------------------------------------------------

    def by_name(
        self, principal: Principal, entity: str, project: str, name: str
    ) -> ArtifactVersionOut | None:
        if not self._readable(principal, entity, project):
            return None
        collection, ref = split_name(name)
        try:
            return self._artifacts.version(entity, project, collection, ref)
        except NotFound:
            return None  # the client reads a null as "not found" (and before a first log, "new")

    def by_id(
        self, principal: Principal, artifact_id: str, action: Action = Action.PROJECT_READ
    ) -> ArtifactVersionOut:
        version_id, create = self._tokens.decode_id(artifact_id)
        if create is not None:  # the pending id CreateArtifact gave: the version its commit made
            version_id = self._committed(create)
        assert version_id is not None
        version = self._artifacts.by_id(version_id)
        self._may(principal, action, version.entity, version.project)
        return version

    def _committed(self, create: dict[str, Any]) -> str:
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = store.get_collection(conn, create["entity"], create["project"], create["name"])
            version = None if coll is None else store.version_by_client_id(conn, coll.pk, create["client_id"])
        if version is None:
            raise NotFound(
                "this artifact has not been committed", field="id", hint="wait for log_artifact to finish"
            )
        return version.id

    def collection(
        self, principal: Principal, entity: str, project: str, name: str
    ) -> ArtifactCollectionOut | None:
        if not self._readable(principal, entity, project):
            return None
        try:
            return self._artifacts.collection(entity, project, name)
        except NotFound:
            return None

    def types(self, principal: Principal, entity: str, project: str) -> list[tuple[str, float]]:
        """(name, when its first collection was made) of each artifact type in the project."""
        if not self._readable(principal, entity, project):
            return []
        found = []
        for t in self._artifacts.types(entity, project).types:
            page = self._artifacts.collections(entity, project, t.name, None, MAX_PAGE, 0).collections
            found.append((t.name, min((c.created_at for c in page), default=0.0)))
        return found

    def collections(
        self, principal: Principal, entity: str, project: str, type_: str | None, limit: int, offset: int
    ) -> ArtifactCollectionList:
        if not self._readable(principal, entity, project):
            return ArtifactCollectionList(collections=[], total=0)
        return self._artifacts.collections(entity, project, type_, None, min(limit, MAX_PAGE), offset)

    def versions(self, collection: ArtifactCollectionOut, limit: int, offset: int) -> ArtifactVersionList:
        """A page of a collection the caller was allowed to read (``collection``)."""
        c = collection
        return self._artifacts.versions(c.entity, c.project, c.name, min(limit, MAX_PAGE), offset)

    def version_in(self, collection: ArtifactCollectionOut, ref: str) -> ArtifactVersionOut | None:
        """A version of a collection the caller was allowed to read (``collection``)."""
        try:
            return self._artifacts.version(collection.entity, collection.project, collection.name, ref)
        except NotFound:
            return None

    # -- content -----------------------------------------------------------------------------------

    def digest(self, version: ArtifactVersionOut) -> str:
        """The version's digest as wandb computes it (MD5 over its entries' MD5s)."""
        manifest = self._artifacts.manifest(version.entity, version.project, version.name, version.version)
        return wandb_digest(self._md5.wandb_digests(version.entity, version.project, manifest))

    def files(self, version: ArtifactVersionOut, names: list[str] | None = None) -> list[ArtifactFile]:
        """The version's stored files (all, or those named), by path, each with a download token;
        references are not listed (the client fetches them from where they point)."""
        manifest = self._artifacts.manifest(version.entity, version.project, version.name, version.version)
        md5s = self._md5.wandb_digests(version.entity, version.project, manifest)
        wanted = None if names is None else set(names)
        return [
            ArtifactFile(
                path=path,
                size=e.size,
                md5=md5s[path],
                mimetype=e.mimetype,
                token=self._tokens.download_token(
                    DownloadGrant("blob", version.entity, version.project, e.digest)
                ),
            )
            for path, e in sorted(manifest.contents.items())
            if e.ref is None and (wanted is None or path in wanted)
        ]

    def manifest_token(self, version: ArtifactVersionOut) -> str:
        return self._tokens.download_token(
            DownloadGrant("manifest", version.entity, version.project, version.id)
        )

    def download(self, token: str) -> tuple[int, Iterator[bytes]]:
        """A download URL's bytes (no Authorization header: the token is the permission)."""
        grant = self._tokens.verify_download(token)
        if grant.kind == "blob":
            return self._blobs.stat(grant.target).size, self._blobs.iter_chunks(grant.target)
        version = self._artifacts.by_id(grant.target)
        manifest = self._artifacts.manifest(version.entity, version.project, version.name, version.version)
        data = json.dumps(self._md5.wandb_manifest(version, manifest)).encode()
        return len(data), iter([data])

    # -- use and edits -----------------------------------------------------------------------------

    def use(
        self, principal: Principal, key: RunKey, artifact_id: str, used_as: str | None
    ) -> ArtifactVersionOut:
        """``run.use_artifact``: a ``used`` lineage edge, applied as the run's ``artifact_use`` record."""
        self._runs.authorize(principal, Action.PROJECT_WRITE, key)
        version = self.by_id(principal, artifact_id)
        self._records.apply_latest(
            key, STATE_SESSION, [ArtifactUseRecord(seq=0, artifact_id=version.id, used_as=used_as)]
        )
        return version

    def update(self, principal: Principal, fields: dict[str, Any]) -> ArtifactVersionOut:
        """``artifact.save()`` of the public API: description, metadata, aliases, tags, TTL."""
        version = self.by_id(principal, fields["artifactID"], Action.PROJECT_WRITE)
        metadata = fields.get("metadata")
        aliases = fields.get("aliases")
        tags = None
        if fields.get("tagsToAdd") or fields.get("tagsToDelete"):
            dropped = {t["tagName"] for t in fields.get("tagsToDelete") or []}
            added = [t["tagName"] for t in fields.get("tagsToAdd") or []]
            tags = [t for t in dict.fromkeys([*version.tags, *added]) if t not in dropped]
        body = ArtifactVersionUpdate(
            description=fields.get("description"),
            metadata=json.loads(metadata) if isinstance(metadata, str) else None,
            aliases=None if aliases is None else [a["alias"] for a in aliases if a["alias"] != LATEST],
            tags=tags,
            ttl_seconds=fields.get("ttlDurationSeconds"),
        )
        return self._artifacts.update_version(
            version.entity, version.project, version.name, version.version, body, principal.user
        )

    def edit_aliases(
        self, principal: Principal, artifact_id: str, *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> ArtifactVersionOut:
        """``AddAliases``/``DeleteAliases``: the version's user aliases with these added/removed."""
        version = self.by_id(principal, artifact_id, Action.PROJECT_WRITE)
        current = [a.alias for a in version.aliases if a.alias != LATEST]
        wanted = [a for a in dict.fromkeys([*current, *add]) if a not in set(remove) and a != LATEST]
        body = ArtifactVersionUpdate(aliases=wanted)
        return self._artifacts.update_version(
            version.entity, version.project, version.name, version.version, body, principal.user
        )

    # -- lineage -----------------------------------------------------------------------------------

    def used_by(self, version: ArtifactVersionOut) -> list[RunRef]:
        """The runs that used a version the caller was allowed to read."""
        return self._artifacts.used_by(version.entity, version.project, version.name, version.version).runs

    def run_artifacts(
        self, principal: Principal, key: RunKey, direction: Literal["logged", "used"], limit: int, offset: int
    ) -> ArtifactVersionList:
        self._runs.authorize(principal, Action.PROJECT_READ, key)
        return self._artifacts.run_artifacts(key, direction, min(limit, MAX_PAGE), offset)

    def link(self, principal: Principal, fields: dict[str, Any]) -> ArtifactVersionOut:
        """``artifact.link(target)``: the version into a portfolio (registry) collection."""
        if not fields.get("artifactID"):
            raise InvalidArgument("linking needs the artifact's id (log it first)", field="artifactID")
        version = self.by_id(principal, fields["artifactID"], Action.PROJECT_WRITE)
        target = f"{fields['entityName']}/{fields['projectName']}/{fields['artifactPortfolioName']}"
        self._may(principal, Action.PROJECT_WRITE, fields["entityName"], fields["projectName"])
        aliases = [a["alias"] for a in fields.get("aliases") or [] if a["alias"] != LATEST]
        return self._artifacts.link(
            version.entity,
            version.project,
            version.name,
            version.version,
            ArtifactLink(target=target, aliases=aliases),
            principal.user,
        )
