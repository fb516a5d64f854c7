"""The index of a run's files (path -> blob).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from trackwell.store.base.scope import ProjectScope

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    sha256: str
    size: int
    updated_at: float


class FileIndex(Protocol):
    def put_file(self, conn: Connection, run_pk: int, entry: FileEntry) -> None:
        """Insert or replace the entry for ``entry.path`` (a changed file keeps its name)."""

    def list_files(self, conn: Connection, run_pk: int) -> list[FileEntry]: ...

    def get_file(self, conn: Connection, run_pk: int, path: str) -> FileEntry | None: ...

    def readable_blobs(self, conn: Connection, digests: Sequence[str], scope: ProjectScope) -> set[str]:
        """The digests among ``digests`` that a run file or an artifact entry of a project within
        ``scope`` holds: the blobs a caller with that scope may read by digest."""
