"""The server side of blob transfers, without the SDK: raw HTTP against a live local server.

Run: ``.venv/bin/python -m benchmarks.blob_server_bench`` (prints, writes nothing; ~30 s).

Each step sends real requests over loopback with keep-alive connections (``http.client``, whose
own cost is small), as many at once as the SDK uses: PUT of 1 MiB and 1 KiB blobs on 4
connections, GET on 8, and one 512 MiB blob in 64 MiB parts (4 at a time) plus its ``complete``.
Besides the rate, each step prints the server process's CPU time per request (user + system,
from ``/proc``): on a shared 2-core machine the rates move with the load, the CPU per request
much less, so compare that between versions.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.fixtures.live_server import LiveServer

MIB = 1 << 20


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Client:
    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self._local = threading.local()

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> bytes:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=300)
        conn.request(
            method,
            path,
            body=body,
            headers={"Authorization": f"Bearer {self.server.api_key}"} | (headers or {}),
        )
        answer = conn.getresponse()
        data = answer.read()
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
        return data

    def post_json(self, path: str, payload: object) -> Any:
        return json.loads(
            self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})
        )


def _step(
    server: LiveServer,
    name: str,
    threads: int,
    items: Iterable[Any],
    fn: Callable[[Any], object],
    nbytes: int,
) -> None:
    todo = list(items)
    os.sync()  # writeback of the previous step must not land in this one
    cpu0, t0 = _cpu_seconds(server.process.pid), time.perf_counter()  # type: ignore[union-attr]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fn, todo))
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds(server.process.pid) - cpu0  # type: ignore[union-attr]
    rate = (
        f"{nbytes / 1e6 / seconds:8.1f} MB/s"
        if nbytes >= MIB * len(todo)
        else f"{len(todo) / seconds:8.0f} req/s"
    )
    per_request = cpu / len(todo) * 1000
    print(f"{name:38s} {rate}   server CPU {per_request:6.2f} ms/request ({cpu / seconds:.0%} of a core)")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "server").start()
        api = _Client(server)
        try:
            big = [os.urandom(MIB) for _ in range(200)]
            big_digests = [hashlib.sha256(b).hexdigest() for b in big]
            pairs = list(zip(big_digests, big, strict=True))
            _step(
                server,
                "PUT 1 MiB x100, 1 connection",
                1,
                pairs[:100],
                lambda p: api.request("PUT", f"/api/v1/blobs/{p[0]}", p[1]),
                100 * MIB,
            )
            _step(
                server,
                "PUT 1 MiB x100, 4 connections",
                4,
                pairs[100:],
                lambda p: api.request("PUT", f"/api/v1/blobs/{p[0]}", p[1]),
                100 * MIB,
            )
            _step(
                server,
                "GET 1 MiB x400, 1 connection",
                1,
                big_digests * 2,
                lambda d: api.request("GET", f"/api/v1/blobs/{d}"),
                400 * MIB,
            )
            _step(
                server,
                "GET 1 MiB x400, 8 connections",
                8,
                big_digests * 2,
                lambda d: api.request("GET", f"/api/v1/blobs/{d}"),
                400 * MIB,
            )
            small = [os.urandom(1024) for _ in range(1000)]
            small_pairs = [(hashlib.sha256(b).hexdigest(), b) for b in small]
            _step(
                server,
                "PUT 1 KiB x1000, 4 connections",
                4,
                small_pairs,
                lambda p: api.request("PUT", f"/api/v1/blobs/{p[0]}", p[1]),
                0,
            )
            _step(
                server,
                "GET 1 KiB x1000, 8 connections",
                8,
                [d for d, _ in small_pairs],
                lambda d: api.request("GET", f"/api/v1/blobs/{d}"),
                0,
            )

            size = 512 * MIB
            data = os.urandom(size)
            digest = hashlib.sha256(data).hexdigest()
            view = memoryview(data)
            os.sync()
            t0 = time.perf_counter()
            session = api.post_json(f"/api/v1/blobs/{digest}/uploads", {"size": size})
            part, upload_id = session["part_size"], session["upload_id"]
            count = -(-size // part)

            def send(n: int) -> Any:
                body = view[(n - 1) * part : n * part]
                return json.loads(api.request("PUT", f"/api/v1/blobs/uploads/{upload_id}/parts/{n}", body))

            with ThreadPoolExecutor(4) as pool:
                parts = list(pool.map(send, range(1, count + 1)))
            t1 = time.perf_counter()
            api.post_json(f"/api/v1/blobs/uploads/{upload_id}/complete", {"parts": parts})
            t2 = time.perf_counter()
            print(
                f"{'512 MiB in ' + str(count) + ' parts, 4 at a time':38s} {size / 1e6 / (t2 - t0):8.1f} MB/s"
                f"   parts {t1 - t0:.2f} s, complete {t2 - t1:.2f} s"
            )
            assert (
                api.request("GET", f"/api/v1/blobs/{digest}", headers={"Range": "bytes=100-199"})
                == data[100:200]
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
