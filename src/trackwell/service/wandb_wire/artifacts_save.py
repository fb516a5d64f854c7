"""``run.log_artifact`` of the official client (section 3.6): CreateArtifact, CreateArtifactFiles,
the file and manifest PUTs, CreateArtifactManifest and CommitArtifact, ending in one call of
:meth:`ArtifactService.create_version` — the same create (checks, numbering, dedup of equal content,
``latest``, aliases, the ``logged`` edge) as a version the Trackwell SDK saves.

Nothing is stored until the bytes arrive: the pending artifact is its signed id
(``artifacts_tokens``). Each uploaded file is hashed on receipt, MD5 (checked against what the client
announced) and SHA-256 (the blob's name), and the project's upload index remembers which blob the
MD5 became; a file whose MD5 the project already has (and whose blob is still there) gets no upload
URL, so equal bytes are sent once. At commit the uploaded manifest (wandb's format, MD5 digests) is
read back and translated into a Trackwell manifest of SHA-256 entries.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from trackwell.schema.artifact_rules import LATEST, check_artifact_name, check_artifact_type, manifest_digest
from trackwell.schema.artifacts import ArtifactCreate, ArtifactManifest, ArtifactVersionOut, ManifestEntry
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.names import check_name
from trackwell.service.access import Action
from trackwell.service.artifacts import ArtifactService
from trackwell.service.wandb_wire import ids
from trackwell.service.wandb_wire.artifacts_md5 import b64_md5, md5_name
from trackwell.service.wandb_wire.artifacts_tokens import ArtifactTokens, UploadGrant
from trackwell.service.wandb_wire.runs import WandbRuns
from trackwell.store.base import BlobStore, Database, Principal
from trackwell.store.base.wandb_uploads import WandbUpload

MANIFEST_PREFIX = "manifest:"
# wandb's manifest types -> the upload name of such a manifest (PATCH, a manifest of changes only,
# is not supported: CreateArtifactManifest refuses it).
MANIFEST_KINDS = {"FULL": MANIFEST_PREFIX, "INCREMENTAL": "incremental:"}
MAX_MANIFEST_BYTES = 256 << 20  # a manifest of a million entries is ~200 MiB
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Created:
    """CreateArtifact's answer: the id to use from now on, and whether the save is already done."""

    artifact_id: str
    state: str  # "PENDING" | "COMMITTED"


@dataclass(frozen=True, slots=True)
class FileUpload:
    name: str
    storage_path: str
    upload_token: str | None  # None: the server has these bytes already


class WandbArtifactSaver:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        artifacts: ArtifactService,
        runs: WandbRuns,
        tokens: ArtifactTokens,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._artifacts = artifacts
        self._runs = runs
        self._tokens = tokens
        self._clock = clock

    # -- CreateArtifact --------------------------------------------------------------------------

    def create(self, principal: Principal, fields: dict[str, Any]) -> Created:
        entity = check_name("entityName", fields.get("entityName") or principal.user.entity)
        project = check_name("projectName", fields.get("projectName"))
        name = check_artifact_name(fields.get("artifactCollectionName"), "artifactCollectionName")
        type_ = check_artifact_type(fields.get("artifactTypeName"), "artifactTypeName")
        client_id = str(fields.get("clientID") or "")
        if not 8 <= len(client_id) <= 128:
            raise InvalidArgument("clientID must be 8 to 128 characters", field="clientID")
        self._runs.authorize_ref(principal, Action.PROJECT_WRITE, self._runs.project_ref(entity, project))
        done = self._saved(entity, project, name, client_id)
        if done is not None:  # a retried CreateArtifact of a save that completed
            return Created(self._tokens.version_id(done), "COMMITTED")
        aliases = sorted({a["alias"] for a in fields.get("aliases") or [] if a.get("alias") != LATEST})
        pending = {
            "entity": entity,
            "project": project,
            "name": name,
            "type": type_,
            "run": fields.get("runName"),
            "client_id": client_id,
            "description": fields.get("description"),
            "metadata": fields.get("metadata"),
            "aliases": aliases,
            "ttl": fields.get("ttlDurationSeconds"),
        }
        return Created(self._tokens.pending_id(pending), "PENDING")

    def _saved(self, entity: str, project: str, name: str, client_id: str) -> str | None:
        store = self._db.artifacts
        with self._db.read() as conn:
            coll = store.get_collection(conn, entity, project, name)
            version = None if coll is None else store.version_by_client_id(conn, coll.pk, client_id)
        return None if version is None else version.id

    def pending(self, principal: Principal, artifact_id: str) -> dict[str, Any]:
        """The create behind a pending id; the caller must (still) be allowed to write its project."""
        _, create = self._tokens.decode_id(artifact_id)
        if create is None:
            raise InvalidArgument("this artifact is saved already", field="artifactID")
        ref = self._runs.project_ref(create["entity"], create["project"])
        self._runs.authorize_ref(principal, Action.PROJECT_WRITE, ref)
        return create

    # -- CreateArtifactManifest, CreateArtifactFiles ---------------------------------------------

    def manifest_upload(
        self, principal: Principal, artifact_id: str, md5: str, kind: str
    ) -> tuple[str, str | None]:
        """CreateArtifactManifest: (the manifest's id, an upload token once the client announces the
        manifest's MD5). ``kind`` is wandb's manifest type: ``FULL``, or ``INCREMENTAL`` (entries
        added to the collection's latest version: ``incremental=True``)."""
        if kind not in MANIFEST_KINDS:
            raise _unsupported_manifest(kind)
        create = self.pending(principal, artifact_id)
        manifest_id = ids.encode(
            "ArtifactManifest", json.dumps([create["entity"], create["project"], create["client_id"], kind])
        )
        return manifest_id, self._manifest_token(
            create["entity"], create["project"], create["client_id"], kind, md5
        )

    def update_manifest_upload(
        self, principal: Principal, manifest_id: str, md5: str
    ) -> tuple[str, str | None]:
        """UpdateArtifactManifest: how wandb sends an incremental manifest's MD5 and gets its URL."""
        try:
            entity, project, client_id, kind = json.loads(ids.decode("ArtifactManifest", manifest_id))
        except (ValueError, TypeError):
            raise InvalidArgument("not a manifest id of this server", field="artifactManifestID") from None
        self._runs.authorize_ref(principal, Action.PROJECT_WRITE, self._runs.project_ref(entity, project))
        return manifest_id, self._manifest_token(entity, project, client_id, kind, md5)

    def _manifest_token(self, entity: str, project: str, client_id: str, kind: str, md5: str) -> str | None:
        if not md5:
            return None
        return self._tokens.upload_token(UploadGrant(entity, project, MANIFEST_KINDS[kind] + client_id, md5))

    def file_uploads(self, principal: Principal, files: list[dict[str, Any]]) -> list[FileUpload]:
        """One answer per file, in the request's order (the client matches them by position)."""
        creates = {aid: self.pending(principal, aid) for aid in {f["artifactID"] for f in files}}
        known: dict[tuple[str, str], set[str]] = {}
        for (entity, project), md5s in _by_project(files, creates).items():
            known[(entity, project)] = self._present(entity, project, md5s)
        answers = []
        for f in files:
            create = creates[f["artifactID"]]
            name = md5_name(str(f["md5"]))
            token = None
            if name not in known[(create["entity"], create["project"])]:
                grant = UploadGrant(create["entity"], create["project"], name, str(f["md5"]))
                token = self._tokens.upload_token(grant)
            answers.append(FileUpload(f["name"], name, token))
        return answers

    def _present(self, entity: str, project: str, md5s: set[str]) -> set[str]:
        with self._db.read() as conn:
            found = self._db.wandb_uploads.uploads(conn, entity, project, [md5_name(m) for m in md5s])
        gone = set(self._blobs.missing(sorted({u.sha256 for u in found.values()})))
        return {name for name, u in found.items() if u.sha256 not in gone}

    # -- the PUTs ----------------------------------------------------------------------------------

    def receive(self, token: str, body: IO[bytes]) -> WandbUpload:
        """A file's or manifest's bytes: checked against the announced MD5, stored as a blob."""
        grant = self._tokens.verify_upload(token)
        hasher = hashlib.md5(usedforsecurity=False)
        while chunk := body.read(_CHUNK):
            hasher.update(chunk)
        if b64_md5(hasher) != grant.md5:
            raise InvalidArgument(
                "the uploaded bytes do not have the MD5 the client announced for them",
                field="body",
                hint="upload the file again; it may have changed while it was being sent",
            )
        body.seek(0)
        blob = self._blobs.put(body).info
        upload = WandbUpload(grant.name, blob.sha256, blob.size)
        with self._db.begin() as conn:
            self._db.wandb_uploads.put_upload(conn, grant.entity, grant.project, upload, self._clock())
        return upload

    # -- CommitArtifact ----------------------------------------------------------------------------

    def commit(self, principal: Principal, artifact_id: str) -> ArtifactVersionOut:
        saved, create = self._tokens.decode_id(artifact_id)
        if saved is not None:  # a retried commit
            return self._artifacts.by_id(saved)
        create = self.pending(principal, artifact_id)
        entity, project = create["entity"], create["project"]
        contents, incremental = self._uploaded_manifest(entity, project, create["client_id"])
        manifest = self._translate(entity, project, contents)
        body = ArtifactCreate(
            client_id=create["client_id"],
            type=create["type"],
            digest=manifest_digest((p, e.digest) for p, e in manifest.contents.items()),
            manifest=manifest,
            description=create.get("description"),
            metadata=_metadata(create.get("metadata")),
            aliases=create["aliases"],
            ttl_seconds=create["ttl"] if isinstance(create.get("ttl"), int) and create["ttl"] > 0 else None,
            run_id=create.get("run"),
            # Trackwell's own incremental create: these entries over those of the latest version.
            base_version=LATEST if incremental else None,
        )
        return self._artifacts.create_version(entity, project, create["name"], body, principal.user)

    def _uploaded_manifest(self, entity: str, project: str, client_id: str) -> tuple[dict[str, Any], bool]:
        """The uploaded manifest's entries, and whether they are an incremental manifest's."""
        names = [prefix + client_id for prefix in MANIFEST_KINDS.values()]
        with self._db.read() as conn:
            found = self._db.wandb_uploads.uploads(conn, entity, project, names)
        upload = next((found[n] for n in names if n in found), None)
        if upload is None or upload.size > MAX_MANIFEST_BYTES:
            raise NotFound(
                "this artifact's manifest was not uploaded", field="artifactID", hint="log the artifact again"
            )
        with self._blobs.open(upload.sha256) as handle:
            try:
                manifest = json.loads(handle.read())
            except ValueError:
                raise InvalidArgument("the uploaded manifest is not JSON", field="manifest") from None
        contents = manifest.get("contents") if isinstance(manifest, dict) else None
        if not isinstance(contents, dict):
            raise InvalidArgument("the uploaded manifest has no 'contents' object", field="manifest")
        assert upload is not None
        return contents, upload.name.startswith(MANIFEST_KINDS["INCREMENTAL"])

    def _translate(self, entity: str, project: str, contents: dict[str, Any]) -> ArtifactManifest:
        """wandb's entries (MD5 digests) -> Trackwell's (the SHA-256 of the blob each upload became)."""
        stored = {p: e for p, e in contents.items() if isinstance(e, dict) and not e.get("ref")}
        with self._db.read() as conn:
            uploads = self._db.wandb_uploads.uploads(
                conn, entity, project, [md5_name(str(e.get("digest"))) for e in stored.values()]
            )
        missing = sorted(p for p, e in stored.items() if md5_name(str(e.get("digest"))) not in uploads)
        if missing:
            raise InvalidArgument(
                f"{len(missing)} file(s) of the manifest were never uploaded: {', '.join(missing[:10])}",
                field="manifest",
                hint="log the artifact again",
            )
        entries = {}
        for path, e in contents.items():
            if not isinstance(e, dict):
                raise InvalidArgument(f"manifest entry {path!r} is not an object", field="manifest")
            extra = e.get("extra") if isinstance(e.get("extra"), dict) else {}
            if e.get("ref"):
                entry = ManifestEntry(
                    digest=str(e.get("digest")), size=int(e.get("size") or 0), ref=str(e["ref"])
                )
            else:
                upload = uploads[md5_name(str(e.get("digest")))]
                entry = ManifestEntry(digest=upload.sha256, size=upload.size)
            entries[path] = entry.model_copy(update={"extra": extra, "mimetype": e.get("mimetype")})
        return ArtifactManifest(contents=entries)


def _by_project(
    files: list[dict[str, Any]], creates: dict[str, dict[str, Any]]
) -> dict[tuple[str, str], set[str]]:
    grouped: dict[tuple[str, str], set[str]] = {}
    for f in files:
        create = creates[f["artifactID"]]
        grouped.setdefault((create["entity"], create["project"]), set()).add(str(f["md5"]))
    return grouped


def _metadata(raw: object) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise InvalidArgument("metadata must be a JSON object", field="metadata")
    return value


def _unsupported_manifest(kind: str) -> InvalidArgument:
    return InvalidArgument(
        f"manifests of type {kind} are not supported through the wandb protocol yet",
        field="type",
        hint="log the whole artifact, or add to it with incremental=True",
    )
