"""SDK latency as users feel it: ``log()`` p50/p99/p99.9 with the server up, slow and down; init,
finish and ``import trackwell`` times.

Each scenario runs in a fresh interpreter (``python -c CHILD``) so import time is real and no
state leaks between scenarios. "slow" puts a forwarding proxy that delays every request by
``SLOW_DELAY`` s in front of a real server; "down" points the SDK at a port nothing listens on.
Targets (issue: log() of 5 scalars): p50 < 2 µs, p99 < 20 µs, p99.9 < 100 µs.

Run: ``.venv/bin/python -m benchmarks.sdk_bench [--quick]``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Result
from tests.fixtures.live_server import LiveServer

SLOW_DELAY = 0.5

CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
import trackwell
import_s = time.perf_counter() - t0
n = int(sys.argv[1])
t0 = time.perf_counter()
run = trackwell.init(project="bench", dir=sys.argv[2])
init_s = time.perf_counter() - t0
log, clock = run.log, time.perf_counter_ns
lat = [0] * n
for i in range(n):
    row = {"loss": 1.0 / (i + 1), "acc": 0.5, "lr": 0.001, "epoch": i // 1000, "grad_norm": 2.5}
    t = clock()
    log(row)
    lat[i] = clock() - t
t0 = time.perf_counter()
run.finish()
finish_s = time.perf_counter() - t0
lat.sort()
pct = lambda q: lat[min(n - 1, int(q / 100 * n))] / 1000
print("RESULT " + json.dumps({"import_ms": import_s * 1e3, "init_ms": init_s * 1e3, "finish_s": finish_s,
      "p50": pct(50), "p99": pct(99), "p999": pct(99.9), "max": lat[-1] / 1000, "state": run.exit_state}))
"""

PROXY = r"""
import http.client, http.server, socketserver, sys, time
target_host, target_port, delay, port = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def _go(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(delay)
        c = http.client.HTTPConnection(target_host, target_port, timeout=60)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        c.request(self.command, self.path, body=body or None, headers=hdrs)
        r = c.getresponse(); data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data); c.close()
    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _go
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S(("127.0.0.1", port), H).serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _child(n: int, env: dict[str, str], workdir: Path) -> dict[str, float]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    base.update(env, TRACKWELL_CONFIG_DIR=str(workdir / "config"), TRACKWELL_QUIET="true")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(n), str(workdir)], env=base,
                          capture_output=True, text=True, timeout=600)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


def _results(scenario: str, r: dict[str, float]) -> list[Result]:
    name = "sdk"
    out = [
        Result(name, f"log() p50, server {scenario}", r["p50"], "µs", "< 2"),
        Result(name, f"log() p99, server {scenario}", r["p99"], "µs", "< 20"),
        Result(name, f"log() p99.9, server {scenario}", r["p999"], "µs", "< 100"),
        Result(name, f"init(), server {scenario}", r["init_ms"], "ms"),
        Result(name, f"finish(), server {scenario}", r["finish_s"], "s", note=f"run ended {r['state']}"),
    ]
    if scenario == "up":
        out.append(Result(name, "import trackwell", r["import_ms"], "ms", "< 150"))
    return out


def main(quick: bool = False) -> list[Result]:
    n = 20_000 if quick else 100_000
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tw-sdk-bench-") as tmp:
        root = Path(tmp)
        server = LiveServer(root / "data").start()
        proxy = None
        try:
            env = {"TRACKWELL_BASE_URL": server.url, "TRACKWELL_API_KEY": server.api_key}
            results += _results("up", _child(n, env, root / "up"))
            port = _free_port()
            proxy = subprocess.Popen([sys.executable, "-c", PROXY, "127.0.0.1", str(server.port),
                                      str(SLOW_DELAY), str(port)])
            slow = {**env, "TRACKWELL_BASE_URL": f"http://127.0.0.1:{port}"}
            results += _results(f"slow ({SLOW_DELAY}s/request)", _child(n, slow, root / "slow"))
            down = {**env, "TRACKWELL_BASE_URL": f"http://127.0.0.1:{_free_port()}",
                    "TRACKWELL_FINISH_TIMEOUT": "3"}
            results += _results("down", _child(n, down, root / "down"))
        finally:
            if proxy is not None:
                proxy.kill()
                proxy.wait()
            server.stop()
    return results


if __name__ == "__main__":
    for result in main(quick="--quick" in sys.argv):
        print(f"{result.metric}: {result.value:.3f} {result.unit} (target {result.target or '-'}) {result.note}")
