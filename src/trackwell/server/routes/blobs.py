"""Blob transfers (docs/artifacts.md): missing digests, uploads whole or in resumable parts, and
downloads (here, or a redirect to a presigned S3 URL).

The byte routes are ``async`` so that a request costs as few hand-offs to worker threads as
possible (each is ~0.1 ms of a busy event loop): a body is gathered in batches of up to
``BATCH`` bytes (bounded memory, its size limit checked as it arrives) and each batch is written
to the store by one worker call, the last one together with the verification and publication; a
download does its lookup and first read in one worker call, so a blob up to ``FIRST_READ`` is a
single hand-off and one write to the socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Protocol

import anyio
from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
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
from trackwell.server.bodies import too_large
from trackwell.server.deps import CurrentPrincipal, ServicesDep, current_principal
from trackwell.server.responses import json_response
from trackwell.server.routes.files import byte_range
from trackwell.server.security_headers import USER_CONTENT_SECURITY_POLICY
from trackwell.server.services import Services
from trackwell.service.blob_access import require_readable_blobs
from trackwell.service.blob_batches import MEDIA_TYPE as BATCH_MEDIA_TYPE
from trackwell.service.blob_batches import READ_BUDGET, BlobBatchRead, BlobBatchWrite
from trackwell.service.blob_transfers import BlobRead
from trackwell.store.base import Principal

BATCH = 8 << 20  # body bytes gathered between two writes by a worker thread (memory per request)
FIRST_READ = 1 << 20  # read with the lookup: a blob this small is one worker call
READ_CHUNK = 1 << 20  # then read this much per worker call (and held per slow client)

# Signed in is the router-wide check; reads also need a readable project holding the bytes
# (service/blob_access.py; docs/teams.md, "Blobs").
router = APIRouter(prefix="/api/v1/blobs", tags=["blobs"], dependencies=[Depends(current_principal)])

RAW_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class _Upload(Protocol):
    """What ``_receive`` feeds: a blob, a part (``Receiving``) or a framed batch (``_Digests``)."""

    @property
    def started(self) -> bool: ...

    def write(self, pieces: list[bytes]) -> None: ...

    def finish(self, pieces: list[bytes]) -> Any: ...

    def close(self) -> None: ...


async def _receive(
    request: Request, upload: _Upload, limit: int, refuse: Callable[[], Exception]
) -> Response:
    """Feed the body to ``upload`` as it arrives, ``BATCH`` bytes per worker call; answer what its
    ``finish`` answers. Nothing is stored when the body runs past ``limit`` or the client goes
    away (not a server error: no traceback in the log, and nobody is left to read the answer)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise refuse()
    pending: list[bytes] = []
    buffered = total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise refuse()
            pending.append(chunk)
            buffered += len(chunk)
            if buffered >= BATCH:
                await run_in_threadpool(upload.write, pending)
                pending, buffered = [], 0
        return json_response(await run_in_threadpool(upload.finish, pending))
    except ClientDisconnect:
        return Response(status_code=499)  # "client closed request", as nginx logs it
    finally:
        if upload.started:
            with anyio.CancelScope(shield=True):  # removed even when the request is cancelled
                await run_in_threadpool(upload.close)


@router.post("/missing", response_model=BlobDigests)
def missing_blobs(body: BlobDigests, services: ServicesDep) -> Response:
    return json_response(services.transfers.missing(body))


@router.post("/urls", response_model=BlobUrls)
def blob_urls(body: BlobDigests, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    require_readable_blobs(services.db, principal, body.sha256)
    return json_response(services.transfers.urls(body))


@router.post("/read", response_class=StreamingResponse)
async def read_blobs(body: BlobDigests, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    """Many blobs in one answer, framed (``service/blob_batches.py``): one request's cost for all."""
    batch, first = await run_in_threadpool(_open_batch, services, principal, body)
    headers = {
        "Content-Length": str(batch.length),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(_batch_rest(batch, first), media_type=BATCH_MEDIA_TYPE, headers=headers)


def _open_batch(
    services: Services, principal: Principal, body: BlobDigests
) -> tuple[BlobBatchRead, memoryview]:
    require_readable_blobs(services.db, principal, body.sha256)
    return services.transfers.open_batch(body)


async def _batch_rest(batch: BlobBatchRead, first: memoryview) -> AsyncIterator[memoryview]:
    try:
        if first:
            yield first
        while batch.left > 0:
            yield await run_in_threadpool(batch.read, READ_BUDGET)
    finally:
        batch.close()  # not awaited: see _rest


@router.post("/write", response_model=BlobDigests, openapi_extra=RAW_BODY)
async def write_blobs(request: Request, services: ServicesDep) -> Response:
    """Many blobs in one framed body (``service/blob_batches.py``): answered with the digests
    stored once all of them are durable."""
    batch = services.transfers.receive_batch()
    limit = services.settings.max_file_bytes
    return await _receive(request, _Digests(batch), limit, lambda: too_large(limit, "the body"))


class _Digests:
    """A batch as ``_receive`` feeds it: its answer is ``BlobDigests`` of what was stored."""

    def __init__(self, batch: BlobBatchWrite) -> None:
        self.batch = batch
        self.write = batch.write
        self.close = batch.close

    @property
    def started(self) -> bool:
        return self.batch.started

    def finish(self, pieces: list[bytes]) -> BlobDigests:
        return BlobDigests(sha256=self.batch.finish(pieces))


@router.put("/{sha256}", response_model=BlobOut, openapi_extra=RAW_BODY)
async def put_blob(sha256: str, request: Request, services: ServicesDep) -> Response:
    limit = services.settings.max_file_bytes
    upload = services.transfers.receive_blob(sha256)
    return await _receive(request, upload, limit, lambda: too_large(limit, "the file"))


@router.post("/{sha256}/uploads", response_model=UploadSession)
def start_upload(sha256: str, body: UploadStart, services: ServicesDep) -> Response:
    return json_response(services.transfers.start_upload(sha256, body.size))


@router.put("/uploads/{upload_id}/parts/{n}", response_model=UploadPart, openapi_extra=RAW_BODY)
async def put_part(upload_id: str, n: int, request: Request, services: ServicesDep) -> Response:
    # The session says how big this part must be: anything longer is refused while it arrives.
    upload, expected = await run_in_threadpool(services.transfers.receive_part, upload_id, n)

    def refuse() -> PayloadTooLarge:
        return PayloadTooLarge(
            f"part {n} of upload {upload_id} is longer than its {expected} bytes",
            field="body",
            hint="part n holds part_size bytes from offset (n - 1) * part_size (the last: the rest)",
        )

    return await _receive(request, upload, expected, refuse)


@router.post("/uploads/{upload_id}/complete", response_model=BlobOut)
def complete_upload(upload_id: str, body: UploadComplete, services: ServicesDep) -> Response:
    return json_response(services.transfers.complete(upload_id, body))


@router.delete("/uploads/{upload_id}", status_code=204)
def abort_upload(upload_id: str, services: ServicesDep) -> Response:
    services.transfers.abort(upload_id)
    return Response(status_code=204)


@router.get("/{sha256}", response_class=StreamingResponse)
async def get_blob(
    sha256: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    return await run_in_threadpool(_answer_get, services, principal, sha256, range)


def _answer_get(services: Services, principal: Principal, sha256: str, range_header: str | None) -> Response:
    """The whole answer to a GET in one worker call: access, lookup, headers and the first read."""
    require_readable_blobs(services.db, principal, [sha256])
    transfers = services.transfers
    url = transfers.download_url(sha256)
    if url is not None:
        # The bytes come straight from the bucket; the client's Range header travels with it.
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    info = transfers.describe(sha256)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{info.sha256}"',
        "Cache-Control": "private, max-age=31536000, immutable",  # a digest's bytes never change
        "Content-Security-Policy": USER_CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    wanted = byte_range(range_header, info.size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{info.size}"})
    status = 200
    if wanted is not None:
        status = 206
        headers["Content-Range"] = f"bytes {wanted[0]}-{wanted[1]}/{info.size}"
    reader = transfers.open_read(info, wanted, FIRST_READ)
    media_type = "application/octet-stream"
    if reader.left == 0:  # all of it read already: a plain response, one write to the socket
        reader.close()
        return Response(reader.first, status_code=status, media_type=media_type, headers=headers)
    headers["Content-Length"] = str(reader.length)
    return StreamingResponse(_rest(reader), status_code=status, media_type=media_type, headers=headers)


async def _rest(reader: BlobRead) -> AsyncIterator[bytes]:
    try:
        yield reader.first
        while reader.left > 0:
            yield await run_in_threadpool(reader.read, READ_CHUNK)
    finally:
        # Not awaited: after a disconnect this runs in a cancelled scope, where an await would
        # raise before the file is closed (closing a file does not block).
        reader.close()
