"""The server side of blob transfers, without the SDK: raw HTTP against a live local server.

Run: ``.venv/bin/python -m benchmarks.blob_server_bench`` (prints, writes nothing; ~40 s).

Each step sends real requests over loopback with keep-alive connections (``http.client``, whose
own cost is small), as many at once as the SDK uses: PUT of 1 MiB and 1 KiB blobs on 4
connections, GET on 8, the framed routes the SDK uses for small blobs (``POST /blobs/write`` and
``/blobs/read``, many blobs a request, 4 at once), and one 512 MiB blob in 64 MiB parts (4 at a
time) plus its ``complete``.
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
        return json.loads(self.post_raw(path, payload))

    def post_raw(self, path: str, payload: object) -> bytes:
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def _step(
    server: LiveServer,
    name: str,
    threads: int,
    items: Iterable[Any],
    fn: Callable[[Any], object],
    nbytes: int,
    blobs: int = 0,
) -> None:
    """One step; ``blobs``: the blobs its requests carry when there are several per request (the
    CPU is then shown per blob too, and the rate in blobs/s when they are small)."""
    todo = list(items)
    os.sync()  # writeback of the previous step must not land in this one
    cpu0, t0 = _cpu_seconds(server.process.pid), time.perf_counter()  # type: ignore[union-attr]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fn, todo))
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds(server.process.pid) - cpu0  # type: ignore[union-attr]
    count = blobs or len(todo)
    rate = (
        f"{nbytes / 1e6 / seconds:8.1f} MB/s"
        if nbytes >= MIB * count
        else f"{count / seconds:8.0f} {'blobs' if blobs else 'req'}/s"
    )
    per = f"{cpu / len(todo) * 1000:6.2f} ms/request" + (
        f", {cpu / blobs * 1000:.3f} ms/blob" if blobs else ""
    )
    print(f"{name:44s} {rate}   server CPU {per} ({cpu / seconds:.0%} of a core)")


def _framed(pairs: list[tuple[str, bytes]]) -> bytes:
    """A ``POST /blobs/write`` body: ``<sha256> <size>\\n<bytes>`` per blob."""
    return b"".join(b"%s %d\n%s" % (d.encode(), len(b), b) for d, b in pairs)


def _groups(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


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

            # Many blobs per request: the framed routes the SDK uses for blobs up to 16 MiB.
            framed = {"Content-Type": "application/vnd.trackwell.blobs"}
            more = [os.urandom(MIB) for _ in range(256)]
            more_pairs = [(hashlib.sha256(b).hexdigest(), b) for b in more]
            _step(
                server,
                "POST /write 1 MiB x256, 32 a request, 4 conns",
                4,
                [_framed(g) for g in _groups(more_pairs, 32)],
                lambda body: api.request("POST", "/api/v1/blobs/write", body, framed),
                256 * MIB,
                blobs=256,
            )
            _step(
                server,
                "POST /read 1 MiB x400, 50 a request, 4 conns",
                4,
                _groups(big_digests * 2, 50),
                lambda ds: api.post_raw("/api/v1/blobs/read", {"sha256": ds}),
                400 * MIB,
                blobs=400,
            )
            tiny = [os.urandom(1024) for _ in range(4000)]
            tiny_pairs = [(hashlib.sha256(b).hexdigest(), b) for b in tiny]
            _step(
                server,
                "POST /write 1 KiB x4000, 1000 a request, 4 conns",
                4,
                [_framed(g) for g in _groups(tiny_pairs, 1000)],
                lambda body: api.request("POST", "/api/v1/blobs/write", body, framed),
                0,
                blobs=4000,
            )
            _step(
                server,
                "POST /read 1 KiB x4000, 1000 a request, 4 conns",
                4,
                _groups([d for d, _ in tiny_pairs], 1000),
                lambda ds: api.post_raw("/api/v1/blobs/read", {"sha256": ds}),
                0,
                blobs=4000,
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
