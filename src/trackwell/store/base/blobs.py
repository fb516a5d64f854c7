"""File bytes: a content-addressed store outside the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    pass


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    size: int


@dataclass(slots=True)
class BlobWriteResult:
    info: BlobInfo
    created: bool = field(default=True)


class BlobStore(Protocol):
    """Content-addressed bytes: the same content is stored once, named by its sha256."""

    def put(self, data: bytes | IO[bytes]) -> BlobWriteResult: ...

    def open(self, sha256: str) -> IO[bytes]:
        """Raise ``trackwell.schema.errors.NotFound`` when absent."""

    def exists(self, sha256: str) -> bool: ...

    def iter_chunks(self, sha256: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...
