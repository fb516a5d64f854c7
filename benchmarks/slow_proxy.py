"""A forwarding HTTP proxy that delays every request: the "slow server" of ``sdk_bench``.

Usage: ``python -m benchmarks.slow_proxy TARGET_HOST TARGET_PORT DELAY_S LISTEN_PORT``.
"""

from __future__ import annotations

import http.client
import http.server
import socketserver
import sys
import time
from typing import Any

HOP_BY_HOP = ("transfer-encoding", "connection", "content-length", "keep-alive")


def relay(
    handler: http.server.BaseHTTPRequestHandler, target: tuple[str, int], body: bytes, timeout: float
) -> None:
    """Send ``handler``'s request (its ``body`` already read) to ``target`` and copy the answer back:
    what this proxy and ``counting_proxy`` share."""
    upstream = http.client.HTTPConnection(*target, timeout=timeout)
    try:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", *HOP_BY_HOP)}
        headers["Content-Length"] = str(len(body))
        upstream.request(handler.command, handler.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        handler.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_BY_HOP:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    finally:
        upstream.close()


def make_handler(
    target_host: str, target_port: int, delay: float
) -> type[http.server.BaseHTTPRequestHandler]:
    class DelayingHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(delay)
            relay(self, (target_host, target_port), body, timeout=60)

        do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = forward  # noqa: N815 (stdlib's names)

    return DelayingHandler


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main() -> None:
    host, port, delay, listen = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    ThreadingServer(("127.0.0.1", listen), make_handler(host, port, delay)).serve_forever()


if __name__ == "__main__":
    main()
