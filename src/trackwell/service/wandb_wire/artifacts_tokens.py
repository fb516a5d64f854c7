"""The ids and URLs the wandb client carries between the requests that save or fetch an artifact.

* A **pending artifact id** (CreateArtifact's answer, until CommitArtifact): the create's input
  itself, signed, so any server process can finish the save without shared memory. Its signature
  only proves the server made it; who may commit is checked again at commit (``project.write``).
* An **upload URL** ``/wandb/artifact-files/<token>``: the token names the project and the upload
  (``md5:<base64>`` of a file, ``manifest:<client id>``) and the MD5 the bytes must have. The client
  PUTs with no Authorization header, so the token is the permission; the right to write the project
  was checked when it was made. It expires after ``expiry`` seconds.
* A **download URL** ``/wandb/artifact-download/<token>``: a file's blob (``blob``) or a version's
  manifest in wandb's format (``manifest``), made after a ``project.read`` check.

Tokens are never logged: the access log redacts these paths (server/access_log.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from trackwell.schema.errors import InvalidArgument, PermissionDenied
from trackwell.service.wandb_wire import ids

DEFAULT_EXPIRY = 24 * 3600
_PENDING = "pending:"


@dataclass(frozen=True, slots=True)
class UploadGrant:
    entity: str
    project: str
    name: str  # "md5:<base64 md5>" or "manifest:<client id>"
    md5: str  # what the bytes must hash to (base64, as wandb sends it)


@dataclass(frozen=True, slots=True)
class DownloadGrant:
    kind: Literal["blob", "manifest"]
    entity: str
    project: str
    target: str  # a blob's sha256, or a version's id


class ArtifactTokens:
    def __init__(self, secret: bytes, expiry: int = DEFAULT_EXPIRY) -> None:
        self._pending = URLSafeSerializer(secret, salt="trackwell.wandb-artifact-pending")
        self._upload = URLSafeTimedSerializer(secret, salt="trackwell.wandb-artifact-upload")
        self._download = URLSafeTimedSerializer(secret, salt="trackwell.wandb-artifact-download")
        self._expiry = expiry

    # -- artifact ids ----------------------------------------------------------------------------

    def pending_id(self, create: dict[str, Any]) -> str:
        return ids.encode("Artifact", _PENDING + self._pending.dumps(create))

    def version_id(self, version_id: str) -> str:
        return ids.encode("Artifact", version_id)

    def decode_id(self, artifact_id: str) -> tuple[str | None, dict[str, Any] | None]:
        """(the Trackwell version id, None) for a saved version; (None, the create) for a pending one."""
        text = ids.decode("Artifact", artifact_id)
        if not text.startswith(_PENDING):
            return text, None
        try:
            create = self._pending.loads(text[len(_PENDING) :])
        except BadSignature:
            raise InvalidArgument(
                f"{artifact_id[:80]!r} is not an artifact id of this server", field="id"
            ) from None
        if not isinstance(create, dict):
            raise InvalidArgument("the artifact id does not name an artifact", field="id")
        return None, create

    # -- uploads and downloads -------------------------------------------------------------------

    def upload_token(self, grant: UploadGrant) -> str:
        return self._upload.dumps([grant.entity, grant.project, grant.name, grant.md5])

    def verify_upload(self, token: str) -> UploadGrant:
        entity, project, name, md5 = self._check(self._upload, token)
        return UploadGrant(entity, project, name, md5)

    def download_token(self, grant: DownloadGrant) -> str:
        return self._download.dumps([grant.kind, grant.entity, grant.project, grant.target])

    def verify_download(self, token: str) -> DownloadGrant:
        kind, entity, project, target = self._check(self._download, token)
        if kind == "blob":
            return DownloadGrant("blob", entity, project, target)
        if kind == "manifest":
            return DownloadGrant("manifest", entity, project, target)
        raise PermissionDenied("this file URL is not valid on this server")

    def _check(self, signer: URLSafeTimedSerializer, token: str) -> list[str]:
        try:
            values = signer.loads(token, max_age=self._expiry)
        except SignatureExpired:
            raise PermissionDenied(
                "this artifact file URL has expired", hint="fetch the artifact again"
            ) from None
        except BadSignature:
            raise PermissionDenied("this artifact file URL is not valid on this server") from None
        if not (isinstance(values, list) and len(values) == 4 and all(isinstance(v, str) for v in values)):
            raise PermissionDenied("this artifact file URL is not valid on this server")
        return values
