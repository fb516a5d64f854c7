"""Self-authorizing upload URLs for a wandb client's run files (CreateRunFiles, section 3.5).

The client PUTs each file's bytes to the URL the server gave it, with no Authorization header, so
the URL carries its own permission: a token signed with the server's secret naming the run and the
file path, valid for ``expiry`` seconds. It is checked when used (bad signature, expired, or a path
it was not made for: 403), and the caller's right to write the run was checked when it was made.
Tokens are never logged (the access log redacts this route's path: server/access_log.py).
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from trackwell.schema.errors import PermissionDenied
from trackwell.schema.file_paths import sanitize_path
from trackwell.store.base import RunKey

DEFAULT_EXPIRY = 24 * 3600  # a long run uploads config.yaml and output.log only at its end
_SALT = "trackwell.wandb-upload"
_DOWNLOAD_SALT = "trackwell.wandb-download"  # a download token never permits an upload, nor back


class RunFileUploads:
    def __init__(self, secret: bytes, expiry: int = DEFAULT_EXPIRY) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._download_signer = URLSafeTimedSerializer(secret, salt=_DOWNLOAD_SALT)
        self._expiry = expiry

    def download_token(self, key: RunKey, path: str) -> str:
        """For the public API's ``File.directUrl`` (fetched without an Authorization header); the
        caller's right to read the run was checked when the token was made."""
        return self._download_signer.dumps([key.entity, key.project, key.run_id, path])

    def verify_download(self, token: str) -> tuple[RunKey, str]:
        return self._check(self._download_signer, token)

    def token(self, key: RunKey, path: str) -> str:
        return self._signer.dumps([key.entity, key.project, key.run_id, sanitize_path(path)])

    def verify(self, token: str) -> tuple[RunKey, str]:
        """The run and file path a token permits writing; ``PermissionDenied`` otherwise."""
        return self._check(self._signer, token)

    def _check(self, signer: URLSafeTimedSerializer, token: str) -> tuple[RunKey, str]:
        try:
            entity, project, run_id, path = signer.loads(token, max_age=self._expiry)
        except SignatureExpired:
            raise PermissionDenied("this file URL has expired", hint="ask the server for a new one") from None
        except (BadSignature, ValueError, TypeError):
            raise PermissionDenied("this file URL is not valid on this server") from None
        return RunKey(entity=entity, project=project, run_id=run_id), path
