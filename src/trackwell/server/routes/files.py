"""Run files: upload raw bytes, list, download (streamed)."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator, Callable, Iterator
from typing import IO, Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Header, Request
from starlette.responses import Response, StreamingResponse

from trackwell.schema.files import RunFile, RunFileList
from trackwell.server.bodies import spool_body
from trackwell.server.deps import RunReadKey, RunWriteKey, ServicesDep
from trackwell.server.responses import json_response
from trackwell.server.security_headers import USER_CONTENT_SECURITY_POLICY

router = APIRouter(prefix="/api/v1/runs", tags=["files"])

FILES = "/{entity}/{project}/{run_id}/files"
TABLE_SUFFIX = ".table.json"  # how data_types.Table names its files


async def upload_body(request: Request, services: ServicesDep) -> AsyncIterator[IO[bytes]]:
    async for body in spool_body(request, services.settings.max_file_bytes):
        yield body


@router.put(
    FILES + "/{path:path}",
    response_model=RunFile,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def upload_file(
    key: RunWriteKey,
    path: str,
    body: Annotated[IO[bytes], Depends(upload_body)],
    services: ServicesDep,
    background: BackgroundTasks,
) -> Response:
    stored = services.files.upload(key, path, body)
    if stored.path.endswith(TABLE_SUFFIX):
        # A logged wandb.Table: build its columnar copy once the upload is answered.
        background.add_task(services.tables.prepare, key, stored.path)
    return json_response(stored)


@router.get(FILES, response_model=RunFileList)
def list_files(key: RunReadKey, services: ServicesDep) -> Response:
    return json_response(services.files.list_files(key))


@router.get(FILES + "/{path:path}", response_class=StreamingResponse)
def download_file(
    key: RunReadKey, path: str, services: ServicesDep, range: Annotated[str | None, Header()] = None
) -> Response:
    info = services.files.describe(key, path)
    media_type = mimetypes.guess_type(info.path)[0] or "application/octet-stream"
    # The file found above is streamed: no second lookup.
    return ranged_download(
        range, info.size, info.sha256, media_type, lambda wanted: services.files.stream(info, wanted)
    )


def ranged_download(
    range_header: str | None,
    size: int,
    digest: str,
    media_type: str,
    stream: Callable[[tuple[int, int] | None], Iterator[bytes]],
) -> Response:
    """User content (a run file, an artifact's file) as a download: the whole of it, or the one
    ``Range`` asked for (206; 416 past the end), so players can seek. Served from the UI's origin,
    so it is never let run as a page (CSP sandbox, nosniff)."""
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{digest}"',
        "Content-Security-Policy": USER_CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    wanted = byte_range(range_header, size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    chunks = stream(wanted)
    if wanted is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(chunks, media_type=media_type, headers=headers)
    first, last = wanted
    headers |= {"Content-Length": str(last - first + 1), "Content-Range": f"bytes {first}-{last}/{size}"}
    return StreamingResponse(chunks, status_code=206, media_type=media_type, headers=headers)


def byte_range(header: str | None, size: int) -> tuple[int, int] | Literal["unsatisfiable"] | None:
    """The one byte range of a ``Range: bytes=...`` header (RFC 9110), as inclusive offsets.

    None means "send the whole file": no header, another unit, several ranges (allowed to be
    ignored), or a malformed one. Browsers send one range when they seek in audio and video."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first_text, dash, last_text = header[len("bytes=") :].strip().partition("-")
    if not dash or not (first_text.isdigit() or last_text.isdigit()):
        return None
    if not first_text:  # bytes=-N: the last N bytes
        n = int(last_text)
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else "unsatisfiable"
    first = int(first_text)
    if last_text and not last_text.isdigit():
        return None
    if first >= size:
        return "unsatisfiable"
    if last_text and int(last_text) < first:
        return None  # an invalid range is ignored
    return first, min(int(last_text), size - 1) if last_text else size - 1
