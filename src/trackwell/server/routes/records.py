"""Record batches: the SDK's upload endpoint (gzip allowed, NaN tokens allowed, size-limited).

The body is read and decoded in an async dependency (I/O only, decoding in the thread pool), then
applied in a plain ``def`` route, because applying it is blocking database work. The request counts
as in flight for its run from before its body is read until it is answered, so a later batch of the
same run waits for it rather than answering ``sequence_gap`` (``RecordService.arrivals``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from trackwell.schema.records import BatchAck, RecordBatch
from trackwell.server.bodies import decode_body, parse_model_json, read_body
from trackwell.server.deps import RunWriteKey, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter(prefix="/api/v1/runs", tags=["records"])


async def record_batch(request: Request, key: RunWriteKey, services: ServicesDep) -> RecordBatch:
    limit = services.settings.max_batch_bytes
    services.records.arrivals.enter(key)  # left in post_records, or below when the body is refused
    try:
        raw = await read_body(request, limit)
        data = await run_in_threadpool(decode_body, raw, request.headers.get("content-encoding"), limit)
        return await run_in_threadpool(parse_model_json, RecordBatch, data)
    except BaseException:
        services.records.arrivals.leave(key)
        raise


@router.post(
    "/{entity}/{project}/{run_id}/records",
    response_model=BatchAck,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordBatch"}}},
        }
    },
)
def post_records(
    key: RunWriteKey, batch: Annotated[RecordBatch, Depends(record_batch)], services: ServicesDep
) -> Response:
    try:
        return json_response(services.records.apply(key, batch))
    finally:
        services.records.arrivals.leave(key)
