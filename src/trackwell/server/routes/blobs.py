"""Blob transfers (docs/artifacts.md): missing digests, uploads whole or in resumable parts, and
downloads (here, or a redirect to a presigned S3 URL). Bodies are spooled to a temporary file with a
size limit (bounded memory) and stored by the service in the thread pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response, StreamingResponse

from trackwell.schema.artifacts import (
    BlobDigests,
    BlobOut,
    BlobUrls,
    UploadComplete,
    UploadPart,
    UploadSession,
    UploadStart,
)
from trackwell.schema.errors import PayloadTooLarge
from trackwell.server.bodies import spool_body
from trackwell.server.deps import ServicesDep, current_user
from trackwell.server.responses import json_response
from trackwell.server.routes.files import byte_range

router = APIRouter(prefix="/api/v1/blobs", tags=["blobs"], dependencies=[Depends(current_user)])

RAW_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def blob_body(request: Request, services: ServicesDep) -> AsyncIterator[IO[bytes]]:
    async for body in spool_body(request, services.settings.max_file_bytes):
        yield body


async def part_body(
    request: Request, upload_id: str, n: int, services: ServicesDep
) -> AsyncIterator[IO[bytes]]:
    # The session says how big this part must be: anything longer is refused while it arrives.
    expected = await run_in_threadpool(services.transfers.part_size, upload_id, n)
    try:
        async for body in spool_body(request, expected):
            yield body
    except PayloadTooLarge:
        raise PayloadTooLarge(
            f"part {n} of upload {upload_id} is longer than its {expected} bytes",
            field="body",
            hint="part n holds part_size bytes from offset (n - 1) * part_size (the last: the rest)",
        ) from None


@router.post("/missing", response_model=BlobDigests)
def missing_blobs(body: BlobDigests, services: ServicesDep) -> Response:
    return json_response(services.transfers.missing(body))


@router.post("/urls", response_model=BlobUrls)
def blob_urls(body: BlobDigests, services: ServicesDep) -> Response:
    return json_response(services.transfers.urls(body))


@router.put("/{sha256}", response_model=BlobOut, openapi_extra=RAW_BODY)
def put_blob(sha256: str, body: Annotated[IO[bytes], Depends(blob_body)], services: ServicesDep) -> Response:
    return json_response(services.transfers.put(sha256, body))


@router.post("/{sha256}/uploads", response_model=UploadSession)
def start_upload(sha256: str, body: UploadStart, services: ServicesDep) -> Response:
    return json_response(services.transfers.start_upload(sha256, body.size))


@router.put("/uploads/{upload_id}/parts/{n}", response_model=UploadPart, openapi_extra=RAW_BODY)
def put_part(
    upload_id: str, n: int, body: Annotated[IO[bytes], Depends(part_body)], services: ServicesDep
) -> Response:
    return json_response(services.transfers.put_part(upload_id, n, body))


@router.post("/uploads/{upload_id}/complete", response_model=BlobOut)
def complete_upload(upload_id: str, body: UploadComplete, services: ServicesDep) -> Response:
    return json_response(services.transfers.complete(upload_id, body))


@router.delete("/uploads/{upload_id}", status_code=204)
def abort_upload(upload_id: str, services: ServicesDep) -> Response:
    services.transfers.abort(upload_id)
    return Response(status_code=204)


@router.get("/{sha256}", response_class=StreamingResponse)
def get_blob(sha256: str, services: ServicesDep, range: Annotated[str | None, Header()] = None) -> Response:
    url = services.transfers.download_url(sha256)
    if url is not None:
        # The bytes come straight from the bucket; the client's Range header travels with it.
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    info = services.transfers.describe(sha256)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{info.sha256}"',
        "Cache-Control": "private, max-age=31536000, immutable",  # a digest's bytes never change
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    wanted = byte_range(range, info.size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{info.size}"})
    chunks = services.transfers.stream(info, wanted)
    media_type = "application/octet-stream"
    if wanted is None:
        headers["Content-Length"] = str(info.size)
        return StreamingResponse(chunks, media_type=media_type, headers=headers)
    first, last = wanted
    headers |= {"Content-Length": str(last - first + 1), "Content-Range": f"bytes {first}-{last}/{info.size}"}
    return StreamingResponse(chunks, status_code=206, media_type=media_type, headers=headers)
