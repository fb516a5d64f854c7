"""SDK latency as users feel it: ``log()`` p50/p99/p99.9 with the server up, slow and down; init,
finish and ``import trackwell`` times.

Each scenario runs in a fresh interpreter (``benchmarks/sdk_child.py``) so import time is real and no
state leaks between scenarios. "slow" puts a forwarding proxy that delays every request by
``SLOW_DELAY`` s (``benchmarks/slow_proxy.py``) in front of a real server; "down" points the
SDK at a port nothing listens on.
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
import time
from pathlib import Path

from tests.fixtures.live_server import LiveServer

from benchmarks.common import Result

SLOW_DELAY = 0.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _child(n: int, env: dict[str, str], workdir: Path) -> dict[str, float]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    base.update(env, TRACKWELL_CONFIG_DIR=str(workdir / "config"), TRACKWELL_QUIET="true")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.sdk_child", str(n), str(workdir)],
        env=base,
        capture_output=True,
        text=True,
        timeout=600,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")


def _results(scenario: str, r: dict[str, float], n_calls: int) -> list[Result]:
    name = "sdk"
    out = [
        Result(name, f"log() p50, server {scenario}", r["p50"], "µs", "< 2"),
        Result(name, f"log() p99, server {scenario}", r["p99"], "µs", "< 20"),
        Result(name, f"log() p99.9, server {scenario}", r["p999"], "µs", "< 100"),
        Result(
            name,
            f"init(), first in the process, server {scenario}",
            r["init_ms"],
            "ms",
            "< 50" if scenario == "up" else "",
            note="after `import trackwell` (measured apart); the run's write path never imports pydantic",
        ),
        Result(name, f"init(), later in the process, server {scenario}", r["warm_init_ms"], "ms"),
        Result(
            name,
            f"finish() after {n_calls:,} log() calls, server {scenario}",
            r["finish_s"],
            "s",
            "< 1" if scenario == "up" else "",
            note=f"run ended {r['state']}",
        ),
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
            results += _results("up", _child(n, env, root / "up"), n)
            port = _free_port()
            proxy = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.slow_proxy",
                    "127.0.0.1",
                    str(server.port),
                    str(SLOW_DELAY),
                    str(port),
                ]
            )
            _wait_listening(port)  # else init() may find nothing there and the run goes offline
            slow = {**env, "TRACKWELL_BASE_URL": f"http://127.0.0.1:{port}"}
            results += _results(f"slow ({SLOW_DELAY}s/request)", _child(n, slow, root / "slow"), n)
            down = {
                **env,
                "TRACKWELL_BASE_URL": f"http://127.0.0.1:{_free_port()}",
                "TRACKWELL_FINISH_TIMEOUT": "3",
            }
            results += _results("down", _child(n, down, root / "down"), n)
        finally:
            if proxy is not None:
                proxy.kill()
                proxy.wait()
            server.stop()
    return results


if __name__ == "__main__":
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.3f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
