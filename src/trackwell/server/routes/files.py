"""Run files: upload raw bytes, list, download (streamed)."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from typing import IO, Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from starlette.responses import Response, StreamingResponse

from trackwell.schema.files import RunFile, RunFileList
from trackwell.server.bodies import spool_body
from trackwell.server.deps import RunKeyDep, ServicesDep, current_user
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/runs", tags=["files"], dependencies=[Depends(current_user)])

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
    key: RunKeyDep,
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
def list_files(key: RunKeyDep, services: ServicesDep) -> Response:
    return json_response(services.files.list_files(key))


@router.get(FILES + "/{path:path}", response_class=StreamingResponse)
def download_file(key: RunKeyDep, path: str, services: ServicesDep) -> StreamingResponse:
    info, chunks = services.files.read(key, path)
    media_type = mimetypes.guess_type(info.path)[0] or "application/octet-stream"
    headers = {
        "Content-Length": str(info.size),
        "ETag": f'"{info.sha256}"',
        # Run files are user content served from the UI's origin: never let them run as a page.
        "Content-Security-Policy": "sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(chunks, media_type=media_type, headers=headers)
