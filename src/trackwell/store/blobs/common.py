"""What both blob backends share: upload-session ids and records, the errors they raise, and the
streaming-writer protocol of stores that take request bodies as they arrive."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any, Protocol, runtime_checkable

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base.blobs import UploadState, valid_digest

COPY_CHUNK = 1 << 20
# <sha256>-<size>-<random>: a session is found by its digest and size with one listing, and the id
# alone tells which blob a retried ``complete`` was for.
_UPLOAD_ID = re.compile(r"([0-9a-f]{64})-([0-9]{1,19})-([0-9a-f]{16})")


def new_upload_id(sha256: str, size: int) -> str:
    return f"{sha256}-{size}-{secrets.token_hex(8)}"


def upload_prefix(sha256: str, size: int) -> str:
    return f"{sha256}-{size}-"


def check_upload_id(upload_id: str) -> str:
    """The id when it has the shape ``new_upload_id`` makes, else ``NotFound`` (before any path or
    key is built from it)."""
    if not isinstance(upload_id, str) or not _UPLOAD_ID.fullmatch(upload_id):
        raise upload_not_found(str(upload_id)[:200])
    return upload_id


def upload_not_found(upload_id: str) -> NotFound:
    return NotFound(
        f"no unfinished upload {upload_id!r}",
        field="upload_id",
        hint="it was completed, aborted or expired: start again with POST /api/v1/blobs/{sha256}/uploads",
    )


def digest_mismatch(expected: str, actual: str, size: int) -> InvalidArgument:
    return InvalidArgument(
        f"the bytes received ({size} bytes) have SHA-256 {actual}, not {expected}: nothing was stored",
        field="sha256",
        hint="send the file's exact bytes under its own SHA-256 (was it changed while being sent?)",
    )


def session_json(state: UploadState, **extra: Any) -> bytes:
    record = {
        "upload_id": state.upload_id,
        "sha256": state.sha256,
        "size": state.size,
        "part_size": state.part_size,
        "created_at": state.created_at,
        **extra,
    }
    return json.dumps(record).encode()


def parse_session(raw: bytes, upload_id: str) -> tuple[UploadState, dict[str, Any]]:
    """A session record written by :func:`session_json`, checked so that a damaged one reads as
    "no such session" rather than a server error."""
    try:
        record = json.loads(raw)
        digest = valid_digest(record["sha256"])
        state = UploadState(
            upload_id=str(record["upload_id"]),
            sha256=str(digest),
            size=int(record["size"]),
            part_size=int(record["part_size"]),
            created_at=float(record["created_at"]),
        )
    except (ValueError, KeyError, TypeError):
        raise upload_not_found(upload_id) from None
    if digest is None or state.upload_id != upload_id:
        raise upload_not_found(upload_id)
    return state, record


def parts_incomplete(upload_id: str, missing: list[int]) -> InvalidArgument:
    shown = ", ".join(map(str, missing[:20])) + (" ..." if len(missing) > 20 else "")
    return InvalidArgument(
        f"upload {upload_id} still lacks parts {shown}",
        field="parts",
        hint="send the missing parts, then complete again",
    )


class BlobSink(Protocol):
    """Bytes written piece by piece as a request body arrives; ``commit`` stores them, ``close``
    discards what was not committed (idempotent)."""

    size: int

    def write(self, data: bytes | bytearray | memoryview) -> None: ...

    def commit(self) -> Any: ...

    def close(self) -> None: ...


@runtime_checkable
class WritesInPlace(Protocol):
    """A store that takes blobs and parts as streams (the local store), so the server writes a
    request body straight to its final file instead of spooling it first."""

    def open_writer(self, expected_sha256: str | None = None) -> BlobSink: ...

    def open_part_writer(self, upload_id: str, number: int, expected_size: int) -> BlobSink: ...


class SealableSink(BlobSink, Protocol):
    """A blob written in place whose durability can be deferred to a group commit."""

    def seal(self) -> str: ...


@runtime_checkable
class CommitsInGroups(Protocol):
    """A store that can make many sealed blobs durable together (the local store: one pass of
    fsyncs, one sync per changed folder) instead of two fsyncs per blob, one after the other."""

    def open_writer(self, expected_sha256: str | None = None) -> SealableSink: ...

    def commit_group(self, writers: Any) -> Any: ...
