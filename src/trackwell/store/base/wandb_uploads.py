"""What the official wandb client uploaded for its artifacts, per project: the bytes it named by
their MD5 (base64, wandb's content address) and the SHA-256 blob they are stored as here.

wandb sends an artifact's files before its manifest and commits later, each in its own request (and
behind a load balancer each may reach another server process), so the server keeps, in the
database, which blob each upload became. Names: ``md5:<base64 md5>`` for a file's bytes (checked on
receipt), ``manifest:<client id>`` for the manifest of the artifact being saved with that client id.

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class WandbUpload:
    name: str
    sha256: str
    size: int


class WandbUploadIndex(Protocol):
    def put_upload(
        self, conn: Connection, entity: str, project: str, upload: WandbUpload, now: float
    ) -> None:
        """Insert or replace the upload named ``upload.name`` in the project."""

    def uploads(
        self, conn: Connection, entity: str, project: str, names: Iterable[str]
    ) -> dict[str, WandbUpload]:
        """The known uploads among ``names`` (absent ones are left out)."""

    def names_of(
        self, conn: Connection, entity: str, project: str, sha256s: Iterable[str], prefix: str
    ) -> dict[str, str]:
        """sha256 -> the name (starting with ``prefix``) of an upload stored as that blob."""
