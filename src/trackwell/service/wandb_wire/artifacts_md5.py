"""wandb's content addresses (MD5) beside Trackwell's (SHA-256), and manifests in wandb's format.

Trackwell stores every artifact file once, as a blob named by the SHA-256 of its bytes; a version's
manifest lists those. The wandb client names a file by the base64 MD5 of its bytes and a version by
the MD5 over its entries (``wandb-artifact-manifest-v1``). The two meet in the project's upload
index (store/base/wandb_uploads.py): a file the client uploads is hashed both ways on receipt and
its ``md5:<base64>`` row points at the blob; for a file stored by the Trackwell SDK the MD5 is
computed from the blob the first time a wandb client asks, and remembered the same way.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from typing import Any

from trackwell.schema.artifacts import ArtifactManifest, ArtifactVersionOut
from trackwell.store.base import BlobStore, Database
from trackwell.store.base.wandb_uploads import WandbUpload

MD5_PREFIX = "md5:"
WANDB_MANIFEST_HEADER = "wandb-artifact-manifest-v1\n"
STORAGE_POLICY = {"storagePolicy": "wandb-storage-policy-v1", "storagePolicyConfig": {"storageLayout": "V2"}}


def md5_name(md5: str) -> str:
    return MD5_PREFIX + md5


def b64_md5(hasher: Any) -> str:
    return base64.b64encode(hasher.digest()).decode("ascii")


def wandb_digest(entries: dict[str, str]) -> str:
    """wandb's artifact digest: MD5 over the header and ``path:digest\\n`` per entry, sorted by path."""
    hasher = hashlib.md5(WANDB_MANIFEST_HEADER.encode(), usedforsecurity=False)
    for path in sorted(entries):
        hasher.update(f"{path}:{entries[path]}\n".encode())
    return hasher.hexdigest()


class Md5Index:
    def __init__(self, db: Database, blobs: BlobStore, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock

    def wandb_digests(self, entity: str, project: str, manifest: ArtifactManifest) -> dict[str, str]:
        """Entry path -> its digest as wandb names it (a reference keeps the digest it was logged with)."""
        stored = {e.digest for e in manifest.contents.values() if e.ref is None}
        md5s = self.md5s(entity, project, stored)
        return {
            path: (md5s[e.digest] if e.ref is None else e.digest) for path, e in manifest.contents.items()
        }

    def md5s(self, entity: str, project: str, sha256s: set[str]) -> dict[str, str]:
        with self._db.read() as conn:
            names = self._db.wandb_uploads.names_of(conn, entity, project, sha256s, MD5_PREFIX)
        found = {sha: name[len(MD5_PREFIX) :] for sha, name in names.items()}
        for sha256 in sorted(sha256s - set(found)):
            found[sha256] = self._compute(entity, project, sha256)
        return found

    def _compute(self, entity: str, project: str, sha256: str) -> str:
        """The MD5 of a blob the client never uploaded (a version saved by the Trackwell SDK)."""
        hasher = hashlib.md5(usedforsecurity=False)
        size = 0
        for chunk in self._blobs.iter_chunks(sha256):
            hasher.update(chunk)
            size += len(chunk)
        md5 = b64_md5(hasher)
        with self._db.begin() as conn:
            upload = WandbUpload(md5_name(md5), sha256, size)
            self._db.wandb_uploads.put_upload(conn, entity, project, upload, self._clock())
        return md5

    def wandb_manifest(self, version: ArtifactVersionOut, manifest: ArtifactManifest) -> dict[str, Any]:
        """The version's manifest as the client reads it (``FetchArtifactManifest``'s file)."""
        digests = self.wandb_digests(version.entity, version.project, manifest)
        contents: dict[str, Any] = {}
        for path, e in manifest.contents.items():
            entry: dict[str, Any] = {"digest": digests[path], "size": e.size}
            if e.ref is not None:
                entry["ref"] = e.ref
            if e.extra:
                entry["extra"] = e.extra
            if e.mimetype:
                entry["mimetype"] = e.mimetype
            contents[path] = entry
        return {"version": 1, **STORAGE_POLICY, "contents": contents}
