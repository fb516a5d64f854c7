"""The size limit of request bodies (``ServerSettings.max_request_bytes``), as a pure ASGI middleware.

A JSON body is parsed whole in memory, so every route is capped before it sees a byte: a body that
says (``Content-Length``) or turns out to be larger than the limit is answered 413 at once, naming
the limit and how to raise it, and the route never runs. The routes that stream their bodies to
disk keep their own, larger limits and are passed through untouched: file uploads and blobs
(``max_file_bytes``, checked as bytes arrive), upload parts (their part size) and record batches
(``max_batch_bytes``, also after gzip decoding).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trackwell.schema.errors import PayloadTooLarge
from trackwell.server.errors import error_response

# (method, path) of the routes that read their own bodies with their own limits (routes/files.py,
# routes/blobs.py, routes/records.py, and the wandb client's file uploads in wandb_protocol/).
_STREAMING_ROUTES = (
    ("PUT", re.compile(r"/wandb/(?:files|artifact-files)/[^/]+")),
    ("PUT", re.compile(r"/api/v1/runs/[^/]+/[^/]+/[^/]+/files/.+")),
    ("POST", re.compile(r"/api/v1/runs/[^/]+/[^/]+/[^/]+/records")),
    ("PUT", re.compile(r"/api/v1/blobs/uploads/[^/]+/parts/[^/]+")),
    ("PUT", re.compile(r"/api/v1/blobs/[^/]+")),
    ("POST", re.compile(r"/api/v1/blobs/write")),
)


def streams_its_body(method: str, path: str) -> bool:
    return any(method == m and pattern.fullmatch(path) for m, pattern in _STREAMING_ROUTES)


def body_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the request body is larger than the server's limit of {limit} bytes",
        field="body",
        hint="send a smaller body, or raise the server's limit (trackwell server --max-request-bytes, "
        "ServerSettings.max_request_bytes)",
    )


class RequestSizeLimit:
    """Reads a body of up to ``limit`` bytes before the app runs, and hands the app that body.

    Requests without a body (no ``Content-Length``, no ``Transfer-Encoding``: every GET) cost one
    header lookup."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: bytes | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        if (declared is None and not chunked) or streams_its_body(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        body, size, first = bytearray(), 0, None
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                first = message
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            body += chunk
            if not message.get("more_body", False):
                break
        replay: list[Message] = [first or {"type": "http.request", "body": bytes(body), "more_body": False}]

        async def receive_buffered() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, receive_buffered, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Connection: close, as the unread rest of the body cannot be left in the stream.
        response = error_response(body_too_large(self.limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
