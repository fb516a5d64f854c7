"""Creating a version (``POST .../versions``): checks, dedup, blob presence, numbering, retries.

The order of the work:

1. names, type, aliases and entry paths are checked (``artifact_rules``, the SDK's own rules);
2. in a read transaction: a known ``client_id`` answers its version at once (a retry); an
   incremental create merges its entries over ``base_version`` (minus ``removed``); the manifest
   digest is recomputed and must match the one sent; digests the collection has stored before are
   known to be in the blob store, and every other non-reference digest is looked up there (in
   batches), with no transaction open (a missing one answers ``MissingBlobs`` naming them all);
3. in one write transaction, on the collection's row lock: the version with the same digest, if any,
   answers (``created: false``; ``latest`` and the aliases move to it), else the next ``vN`` is
   made with its manifest and births. Either way the client id is remembered and the run that
   logged it gets a ``logged`` edge, so every run that logged equal content shows it.

A write that loses a race on a unique constraint (another server process) is retried whole.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trackwell.schema.artifact_rules import (
    LATEST,
    check_artifact_name,
    check_artifact_type,
    check_entry_path,
    manifest_digest,
)
from trackwell.schema.artifacts import ArtifactCreate, ArtifactVersionOut
from trackwell.schema.errors import Conflict, InvalidArgument, NotFound, missing_blobs
from trackwell.service.artifacts_aliases import AliasRules, move_latest
from trackwell.service.artifacts_resolve import require_version
from trackwell.service.artifacts_views import VersionViews
from trackwell.store.base import (
    ArtifactRace,
    BlobStore,
    Database,
    NewVersion,
    RunKey,
    StoredCollection,
    StoredEntry,
    StoredVersion,
    User,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

RETRIES = 8
BLOB_BATCH = 10_000  # digests per BlobStore.missing call
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Planned:
    """The full manifest of the version to make, and what to answer with if it exists."""

    entries: list[StoredEntry]
    digest: str
    answer: ArtifactVersionOut | None = None


def type_conflict(coll: StoredCollection, type_: str) -> Conflict:
    return Conflict(
        f"artifact {coll.entity}/{coll.project}/{coll.name} has type {coll.type!r}; "
        f"it cannot be logged as type {type_!r}",
        field="type",
        hint=f"log it with type={coll.type!r}, or give it another name",
    )


def portfolio_conflict(coll: StoredCollection) -> Conflict:
    return Conflict(
        f"{coll.entity}/{coll.project}/{coll.name} is a registry (portfolio) collection: it holds links "
        "to versions of other artifacts, not versions of its own",
        field="name",
        hint="log the artifact under another name, then link it here with artifact.link()",
    )


def _checked_entries(body: ArtifactCreate) -> list[StoredEntry]:
    entries = []
    for path, e in body.manifest.contents.items():
        check_entry_path(path, field="manifest.contents")
        if e.ref is None and not _SHA256.fullmatch(e.digest):
            raise InvalidArgument(
                f"entry {path!r} has digest {e.digest[:80]!r}, which is not a SHA-256 (64 lowercase hex)",
                field=f"manifest.contents.{path}.digest",
                hint="a stored entry is named by the SHA-256 of its bytes; a reference sets 'ref'",
            )
        entries.append(StoredEntry(path, e.digest, e.size, e.ref, e.extra or None, e.mimetype))
    for path in body.removed:
        check_entry_path(path, field="removed")
    return entries


class VersionCreator:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        clock: Callable[[], float],
        views: VersionViews,
        aliases: AliasRules,
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock
        self._views = views
        self._aliases = aliases

    def create(
        self, entity: str, project: str, name: str, body: ArtifactCreate, user: User
    ) -> ArtifactVersionOut:
        check_artifact_name(name)
        check_artifact_type(body.type)
        aliases = self._aliases.requested(body.aliases)
        given = _checked_entries(body)
        planned = self._plan(entity, project, name, body, given)
        if planned.answer is not None:
            return planned.answer
        for attempt in range(RETRIES):
            try:
                return self._write(entity, project, name, body, planned, aliases, user)
            except ArtifactRace:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    # -- read phase ------------------------------------------------------------------------------------

    def _plan(
        self, entity: str, project: str, name: str, body: ArtifactCreate, given: list[StoredEntry]
    ) -> Planned:
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = store.get_collection(conn, entity, project, name)
            base: list[StoredEntry] = []
            if coll is not None:
                self._check_collection(coll, body.type)
                retried = store.version_by_client_id(conn, coll.pk, body.client_id)
                if retried is not None:
                    answer = self._views.out(conn, retried, created=retried.client_id == body.client_id)
                    return Planned([], retried.digest, answer)
                if body.base_version is not None:
                    base = self._base_entries(conn, coll, body.base_version)
            elif body.base_version is not None and body.base_version != LATEST:
                raise NotFound(
                    f"artifact {entity}/{project}/{name} has no versions yet, so base_version "
                    f"{body.base_version!r} does not exist",
                    field="base_version",
                    hint="log the first version without incremental=True",
                )
            entries = self._merge(base, given, body) if body.base_version is not None else given
            digest = self._check_digest(body, entries, given)
            stored = [e.digest for e in entries if e.ref is None]
            known = set(store.births(conn, coll.pk, stored)) if coll is not None else set()
        # Blob lookups may be slow (S3): no transaction is held while they run.
        unknown = sorted({d for d in stored if d not in known})
        missing = [
            d
            for i in range(0, len(unknown), BLOB_BATCH)
            for d in self._blobs.missing(unknown[i : i + BLOB_BATCH])
        ]
        if missing:
            raise missing_blobs(missing)
        return Planned(entries, digest)

    def _base_entries(self, conn: Any, coll: StoredCollection, base_version: str) -> list[StoredEntry]:
        """The entries an incremental create builds on. wandb's ``incremental=True`` on an artifact
        with no versions yet makes its v0, so a missing ``latest`` is an empty base; a named
        version that does not exist is still an error."""
        store = self._db.artifacts
        try:
            found = require_version(store, conn, coll, base_version, "base_version")
        except NotFound:
            if base_version == LATEST:
                return []
            raise
        return store.entries(conn, found.pk)

    def _check_collection(self, coll: StoredCollection, type_: str) -> None:
        if coll.kind == "portfolio":
            raise portfolio_conflict(coll)
        if coll.type != type_:
            raise type_conflict(coll, type_)

    def _merge(
        self, base: list[StoredEntry], given: list[StoredEntry], body: ArtifactCreate
    ) -> list[StoredEntry]:
        merged = {e.path: e for e in base}
        for path in body.removed:
            merged.pop(path, None)
        merged.update({e.path: e for e in given})
        return [merged[p] for p in sorted(merged)]

    def _check_digest(
        self, body: ArtifactCreate, entries: list[StoredEntry], given: list[StoredEntry]
    ) -> str:
        digest = manifest_digest((e.path, e.digest) for e in entries)
        # An incremental create may carry the digest of the whole new manifest or of its own entries.
        accepted = {digest}
        if body.base_version is not None:
            accepted.add(manifest_digest((e.path, e.digest) for e in given))
        if body.digest not in accepted:
            raise InvalidArgument(
                f"digest {body.digest[:80]!r} does not match the manifest's entries (the server computed "
                f"{digest})",
                field="digest",
                hint="compute it with artifact_rules.manifest_digest over every entry's path and digest",
            )
        return digest

    # -- write phase -----------------------------------------------------------------------------------

    def _write(
        self,
        entity: str,
        project: str,
        name: str,
        body: ArtifactCreate,
        planned: Planned,
        aliases: list[str],
        user: User,
    ) -> ArtifactVersionOut:
        store = self._db.artifacts
        now = self._clock()
        with self._db.begin() as conn:
            run_pk = self._run_pk(conn, entity, project, body.run_id)
            coll = store.ensure_collection(conn, entity, project, name, body.type, "sequence", now)
            self._check_collection(coll, body.type)
            retried = store.version_by_client_id(conn, coll.pk, body.client_id)
            if retried is not None:
                return self._views.out(conn, retried, created=retried.client_id == body.client_id)
            version = store.version_by_dedup_key(conn, coll.pk, planned.digest)
            created = version is None
            if version is None:
                version = self._insert(conn, coll, body, planned, now)
            store.remember_client_id(conn, coll.pk, body.client_id, version.pk)
            move_latest(store, conn, version, now)
            self._aliases.add(store, conn, version, aliases, user, now)
            if run_pk is not None:
                store.add_edge(conn, version.pk, run_pk, "logged", None, now)
            fresh = store.get_versions(conn, [version.pk])[version.pk]
            return self._views.out(conn, fresh, created=created)

    def _run_pk(self, conn: Connection, entity: str, project: str, run_id: str | None) -> int | None:
        if run_id is None:
            return None
        stored = self._db.runs.get_run(conn, RunKey(entity, project, run_id))
        if stored is None:
            raise NotFound(
                f"run {entity}/{project}/{run_id} does not exist",
                field="run_id",
                hint="log the artifact from a run of the same entity and project, or leave run_id out",
            )
        return stored.pk

    def _insert(
        self, conn: Connection, coll: StoredCollection, body: ArtifactCreate, planned: Planned, now: float
    ) -> StoredVersion:
        store = self._db.artifacts
        entries = planned.entries
        new = NewVersion(
            id=uuid.uuid4().hex,
            version_index=store.take_version_index(conn, coll.pk),
            digest=planned.digest,
            dedup_key=planned.digest,
            size=sum(e.size for e in entries),
            file_count=len(entries),
            description=body.description,
            metadata=body.metadata,
            tags=list(body.tags),
            ttl_seconds=body.ttl_seconds,
            created_at=now,
            client_id=body.client_id,
        )
        pk = store.insert_version(conn, coll.pk, new)
        stored = [e.digest for e in entries if e.ref is None]
        births = store.births(conn, coll.pk, stored)
        store.put_entries(
            conn,
            pk,
            [
                StoredEntry(e.path, e.digest, e.size, e.ref, e.extra, e.mimetype, births.get(e.digest, pk))
                if e.ref is None
                else e
                for e in entries
            ],
        )
        store.add_births(conn, coll.pk, [d for d in stored if d not in births], pk)
        return store.get_versions(conn, [pk])[pk]
