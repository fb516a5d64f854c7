"""Request bodies: read with a size limit, gzip-decoded, parsed tolerantly, validated.

Record batches come from Python's json module, which writes NaN and ±Infinity as bare tokens, so
they are parsed with a parser that accepts them. A body is never trusted for its size: the raw
stream and the gzip output are both cut off at the limit.
"""

from __future__ import annotations

import json
import tempfile
import zlib
from collections.abc import AsyncIterator
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from trackwell.schema.errors import InvalidArgument, PayloadTooLarge
from trackwell.server.errors import invalid_argument

M = TypeVar("M", bound=BaseModel)
_SPOOL_IN_MEMORY = 8 << 20


def too_large(limit: int, what: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{what} is larger than the server's limit of {limit} bytes",
        field="body",
        hint="send smaller batches (or raise the server's limit)",
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing it as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit, "the request body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit, "the request body")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json_body(raw: bytes, content_encoding: str | None, limit: int) -> Any:
    """gzip-decode (bounded by ``limit``) and parse JSON that may contain NaN/Infinity tokens."""
    raw = decode_body(raw, content_encoding, limit)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidArgument(
            f"the body is not valid JSON: {exc}", field="body", hint="send a JSON document"
        ) from None


def decode_body(raw: bytes, content_encoding: str | None, limit: int) -> bytes:
    """The body's bytes after Content-Encoding (only gzip), bounded by ``limit`` when inflated."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "gzip":
        decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            raw = decoder.decompress(raw, limit + 1)
        except zlib.error as exc:
            raise InvalidArgument(
                f"the body is not valid gzip: {exc}", field="Content-Encoding", hint="send gzip or plain JSON"
            ) from None
        if len(raw) > limit or decoder.unconsumed_tail:
            raise too_large(limit, "the decompressed request body")
    elif encoding != "identity":
        raise InvalidArgument(
            f"Content-Encoding {encoding!r} is not supported",
            field="Content-Encoding",
            hint="send 'gzip' or no Content-Encoding",
        )
    return raw


def parse_model_json(model: type[M], raw: bytes) -> M:
    """Parse and validate in one pass (pydantic's JSON parser, which accepts NaN/Infinity tokens):
    ~1.5x faster than ``json.loads`` + ``model_validate`` on the record-batch hot path."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors()
        if errors and errors[0].get("type") == "json_invalid":
            raise InvalidArgument(
                f"the body is not valid JSON: {errors[0].get('msg')}",
                field="body",
                hint="send a JSON document",
            ) from None
        raise invalid_argument(errors) from None


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_argument(exc.errors()) from None


async def spool_body(request: Request, limit: int) -> AsyncIterator[IO[bytes]]:
    """The body in a temporary file (in memory while small), closed after the response."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 (closed below)
    try:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit, "the file")
            spool.write(chunk)
        spool.seek(0)
        yield spool
    finally:
        spool.close()
