"""Domain errors to HTTP, in one place.

Every error answer is an ``ErrorBody`` with the status of its error class, so the SDK and ``Api``
rebuild the same exception (``schema.errors.error_from_body``). Request validation failures become
``InvalidArgument`` naming the offending field. Messages never carry credentials: headers are not
echoed, and unexpected exceptions are answered with a generic message (details go to the log).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from trackwell.schema.error_body import ErrorBody, ErrorDetail
from trackwell.schema.errors import (
    InvalidArgument,
    NotFound,
    TooManyRequests,
    TrackwellError,
    Unauthorized,
)
from trackwell.server.responses import json_response

log = logging.getLogger("trackwell.server")

_SECTIONS = ("body", "query", "path", "header", "cookie")


def invalid_argument(errors: Sequence[Any], prefix: str = "") -> InvalidArgument:
    """The first validation error as ``InvalidArgument``, its field as a dotted path."""
    if not errors:
        return InvalidArgument("the request is not valid")
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    if loc and loc[0] in _SECTIONS:
        loc = loc[1:]
    field = ".".join(([prefix] if prefix else []) + loc) or None
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    message = f"{field}: {first.get('msg', 'invalid value')}{more}" if field else first.get("msg", "invalid")
    return InvalidArgument(message, field=field, hint="see the API schema at /openapi.json")


def error_response(exc: TrackwellError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="trackwell"'} if isinstance(exc, Unauthorized) else None
    if isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
    return json_response(exc.to_body(), status_code=exc.http_status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TrackwellError)
    async def _domain(_: Request, exc: TrackwellError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> Response:
        return error_response(invalid_argument(exc.errors()))

    @app.exception_handler(ValidationError)
    async def _model_invalid(_: Request, exc: ValidationError) -> Response:
        return error_response(invalid_argument(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(NotFound(f"No such endpoint: {request.method} {request.url.path}"))
        body = ErrorBody(error=ErrorDetail(code="error", message=str(exc.detail)))
        return json_response(body, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(TrackwellError("internal server error; the server log has the details"))
