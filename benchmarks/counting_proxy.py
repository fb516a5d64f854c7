"""A forwarding HTTP proxy that counts what the SDK sends: ``artifacts_bench`` puts it in front of the
server while an unchanged artifact is logged again, to show that no file bytes cross the wire.

It runs in a thread of the benchmark process (``CountingProxy(host, port).start()``), reads each
request body whole (Content-Length or chunked), forwards it, and adds its size to ``blob_bytes`` when
it is a blob upload (``PUT /api/v1/blobs/...``: a whole blob or one part of a multipart upload;
``POST /api/v1/blobs/write``: many small blobs in one framed body).
"""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections import Counter
from typing import Any

from benchmarks.slow_proxy import relay

BLOB_PREFIX = "/api/v1/blobs/"
BLOB_WRITE = "/api/v1/blobs/write"  # many small blobs in one framed body


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class CountingProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.blob_bytes = 0
        self.body_bytes = 0
        self.requests: Counter[str] = Counter()  # "POST /api/v1/blobs/..." (the last segment cut)
        self.routes: Counter[str] = Counter()  # "POST /api/v1/blobs/read" (whole paths)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> CountingProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _count(self, method: str, path: str, size: int) -> None:
        route = path.split("?", 1)[0]
        with self._lock:
            self.body_bytes += size
            self.requests[f"{method} {route.rsplit('/', 1)[0]}/..."] += 1
            self.routes[f"{method} {route}"] += 1
            if (method == "PUT" and route.startswith(BLOB_PREFIX)) or (method, route) == ("POST", BLOB_WRITE):
                self.blob_bytes += size

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    parts = []
                    while size := int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16):
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def forward(self) -> None:
                body = self._body()
                proxy._count(self.command, self.path, len(body))
                relay(self, proxy.target, body, timeout=300)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = forward  # noqa: N815

        return Handler
