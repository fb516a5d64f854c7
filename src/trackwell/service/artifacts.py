"""Artifacts: collections, versions, manifests, aliases, registry links and lineage (issue 10).

The one service the artifact routes call. Reads live here; the work with rules of its own is in
sibling modules: creating a version (``artifacts_create``: dedup, blobs, numbering, retries),
editing and deleting (``artifacts_edits``), registry links (``artifacts_links``), aliases
(``artifacts_aliases``), lineage (``artifacts_lineage``), the run-log records
(``artifacts_records``), lookups with helpful misses (``artifacts_resolve``) and the answers'
shapes (``artifacts_views``). docs/artifacts.md has the behaviour as users see it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Literal

from trackwell.schema.artifact_rules import DEFAULT_PROTECTED_ALIASES, check_entry_path
from trackwell.schema.artifacts import (
    ArtifactCollectionList,
    ArtifactCollectionOut,
    ArtifactCreate,
    ArtifactLink,
    ArtifactManifest,
    ArtifactTypeList,
    ArtifactTypeOut,
    ArtifactUsedBy,
    ArtifactVersionList,
    ArtifactVersionOut,
    ArtifactVersionUpdate,
    LineageGraph,
)
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.service.artifacts_aliases import AliasRules
from trackwell.service.artifacts_create import VersionCreator
from trackwell.service.artifacts_edits import ArtifactEditor
from trackwell.service.artifacts_lineage import MAX_DEPTH, lineage, run_versions, used_by
from trackwell.service.artifacts_links import Linker
from trackwell.service.artifacts_resolve import content_of, require_by_id, require_collection, require_version
from trackwell.service.artifacts_views import VersionViews, collection_out, manifest_out, qualified_name
from trackwell.service.runs import run_not_found
from trackwell.store.base import BlobStore, Database, RunKey, StoredEntry, User

MAX_PAGE = 1000
Kind = Literal["sequence", "portfolio"]


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidArgument(f"offset must be >= 0, got {offset}", field="offset")


class ArtifactService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        clock: Callable[[], float] = time.time,
        protected_aliases: frozenset[str] = DEFAULT_PROTECTED_ALIASES,
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock
        self.aliases = AliasRules(frozenset(protected_aliases))
        self._views = VersionViews(db.artifacts, self.aliases.protected)
        self._creator = VersionCreator(db, blobs, clock, self._views, self.aliases)
        self._editor = ArtifactEditor(db, clock, self._views, self.aliases)
        self._linker = Linker(db, clock, self._views, self.aliases)

    # -- collections -----------------------------------------------------------------------------------

    def types(self, entity: str, project: str) -> ArtifactTypeList:
        with self._db.read() as conn:
            found = self._db.artifacts.list_types(conn, entity, project)
        return ArtifactTypeList(types=[ArtifactTypeOut(name=t, collection_count=n) for t, n in found])

    def collections(
        self,
        entity: str,
        project: str,
        type_: str | None = None,
        kind: Kind | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> ArtifactCollectionList:
        _page(limit, offset)
        with self._db.read() as conn:
            page, total = self._db.artifacts.list_collections(
                conn, entity, project, type_, kind, limit, offset
            )
        return ArtifactCollectionList(collections=[collection_out(c) for c in page], total=total)

    def collection(self, entity: str, project: str, name: str) -> ArtifactCollectionOut:
        with self._db.read() as conn:
            return collection_out(require_collection(self._db.artifacts, conn, entity, project, name))

    def update_collection(
        self, entity: str, project: str, name: str, description: str | None
    ) -> ArtifactCollectionOut:
        return self._editor.update_collection(entity, project, name, description)

    def delete_collection(self, entity: str, project: str, name: str, user: User) -> None:
        self._editor.delete_collection(entity, project, name, user)

    # -- versions --------------------------------------------------------------------------------------

    def create_version(
        self, entity: str, project: str, name: str, body: ArtifactCreate, user: User
    ) -> ArtifactVersionOut:
        return self._creator.create(entity, project, name, body, user)

    def versions(
        self, entity: str, project: str, name: str, limit: int = 100, offset: int = 0
    ) -> ArtifactVersionList:
        _page(limit, offset)
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = require_collection(store, conn, entity, project, name)
            page, total = store.list_versions(conn, coll.pk, limit, offset)
            return ArtifactVersionList(versions=self._views.outs(conn, page), total=total)

    def version(self, entity: str, project: str, name: str, ref: str) -> ArtifactVersionOut:
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = require_collection(store, conn, entity, project, name)
            return self._views.out(conn, require_version(store, conn, coll, ref))

    def by_id(self, version_id: str) -> ArtifactVersionOut:
        with self._db.read() as conn:
            return self._views.out(conn, require_by_id(self._db.artifacts, conn, version_id))

    def manifest(self, entity: str, project: str, name: str, ref: str) -> ArtifactManifest:
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = require_collection(store, conn, entity, project, name)
            content = content_of(store, conn, require_version(store, conn, coll, ref))
            return manifest_out(store.entries(conn, content.pk))

    def update_version(
        self, entity: str, project: str, name: str, ref: str, body: ArtifactVersionUpdate, user: User
    ) -> ArtifactVersionOut:
        return self._editor.update_version(entity, project, name, ref, body, user)

    def delete_version(
        self, entity: str, project: str, name: str, ref: str, user: User, *, delete_aliases: bool = False
    ) -> None:
        self._editor.delete_version(entity, project, name, ref, delete_aliases, user)

    def link(
        self, entity: str, project: str, name: str, ref: str, body: ArtifactLink, user: User
    ) -> ArtifactVersionOut:
        return self._linker.link(entity, project, name, ref, body, user)

    # -- files -----------------------------------------------------------------------------------------

    def file_entry(self, entity: str, project: str, name: str, ref: str, path: str) -> StoredEntry:
        """The stored entry at ``path`` (a reference has no bytes here: ``NotFound`` says where it is)."""
        check_entry_path(path, field="path")
        store = self._db.artifacts
        with self._db.read() as conn:
            version = require_version(
                store, conn, require_collection(store, conn, entity, project, name), ref
            )
            entry = store.entry(conn, content_of(store, conn, version).pk, path)
        if entry is None:
            raise NotFound(
                f"{qualified_name(version)} has no file {path!r}",
                field="path",
                hint="list its files with GET .../manifest",
            )
        if entry.ref is not None:
            raise NotFound(
                f"{path!r} of {qualified_name(version)} is a reference to {entry.ref}; its bytes are not "
                "stored on this server",
                field="path",
                hint="fetch it from where the reference points",
            )
        return entry

    def stream(self, entry: StoredEntry, byte_range: tuple[int, int] | None = None) -> Iterator[bytes]:
        """The entry's bytes, all or ``first..last`` (inclusive), streamed from the blob store."""
        if byte_range is None:
            return self._blobs.iter_chunks(entry.digest)
        first, last = byte_range
        if not 0 <= first <= last < entry.size:
            raise InvalidArgument(
                f"bytes {first}-{last} are outside the file ({entry.size} bytes)",
                field="range",
                hint=f"ask for bytes between 0 and {entry.size - 1}",
            )
        return _slice(self._blobs, entry.digest, first, last)

    # -- lineage ---------------------------------------------------------------------------------------

    def used_by(self, entity: str, project: str, name: str, ref: str) -> ArtifactUsedBy:
        store = self._db.artifacts
        with self._db.read() as conn:
            version = require_version(
                store, conn, require_collection(store, conn, entity, project, name), ref
            )
            return ArtifactUsedBy(runs=used_by(store, conn, content_of(store, conn, version)))

    def lineage(self, entity: str, project: str, name: str, ref: str, depth: int = 3) -> LineageGraph:
        if not 0 <= depth <= MAX_DEPTH:
            raise InvalidArgument(f"depth must be between 0 and {MAX_DEPTH}, got {depth}", field="depth")
        store = self._db.artifacts
        with self._db.read() as conn:
            version = require_version(
                store, conn, require_collection(store, conn, entity, project, name), ref
            )
            return lineage(store, self._views, conn, content_of(store, conn, version), depth)

    def run_artifacts(
        self,
        key: RunKey,
        direction: Literal["logged", "used"] = "logged",
        limit: int = MAX_PAGE,
        offset: int = 0,
    ) -> ArtifactVersionList:
        """A page of the versions the run logged or used, in the order it did so."""
        _page(limit, offset)
        with self._db.read() as conn:
            stored = self._db.runs.get_run(conn, key)
            if stored is None:
                raise run_not_found(key)
            found = run_versions(self._db.artifacts, conn, stored.pk, direction)
            page = self._views.outs(conn, found[offset : offset + limit])
            return ArtifactVersionList(versions=page, total=len(found))


def _slice(blobs: BlobStore, digest: str, first: int, last: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    with blobs.open(digest) as handle:
        handle.seek(first)
        left = last - first + 1
        while left > 0 and (data := handle.read(min(chunk, left))):
            left -= len(data)
            yield data
