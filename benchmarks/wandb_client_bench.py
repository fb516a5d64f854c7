"""The official wandb client against a Trackwell server: how soon a logged row is on the server, and
whether many clients logging at once lose anything (issue 15's speed targets).

* latency: one official client logs a row, then polls Trackwell's run route until the row is counted.
  The client batches its file_stream requests (every 15 s by default); the benchmark sets
  ``WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL=1`` so what is measured is the client's flush plus the
  server's apply, and reports the server's part alone too (the time of the file_stream requests).
* concurrency: N official client processes (default 100; WANDB_BENCH_CLIENTS) start together, each
  logs ROWS rows and finishes; then every row of every run must be on the server and every run
  finished.

Needs the official client (``make wandb-client`` makes ``.venv-wandb``).
Run: ``.venv/bin/python -m benchmarks.wandb_client_bench [--quick]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from tests.fixtures.live_server import LiveServer

from benchmarks.common import Result, percentile

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / ".venv-wandb" / "bin" / "python"
NAME = "wandb_client"

LATENCY_SCRIPT = """
import json, os, time, urllib.request, wandb
run = wandb.init(project="latency", name="latency")
url = os.environ["WANDB_BASE_URL"] + f"/api/v1/runs/{run.entity}/latency/{run.id}"
headers = {"Authorization": "Bearer " + os.environ["WANDB_API_KEY"]}
lat = []
for i in range(int(os.environ["ROWS"])):
    t0 = time.perf_counter()
    wandb.log({"x": i})
    request = urllib.request.Request(url, headers=headers)
    while json.load(urllib.request.urlopen(request))["history_count"] <= i:
        time.sleep(0.02)
    lat.append(time.perf_counter() - t0)
run.finish()
print("LAT=" + json.dumps(lat))
"""

WRITER_SCRIPT = """
import os, wandb
writer = os.environ["WRITER"]
run = wandb.init(project="many", name="w" + writer, config={"writer": int(writer)})
for i in range(int(os.environ["ROWS"])):
    wandb.log({"loss": 1.0 / (i + 1), "i": i})
run.finish()
"""


def _env(server: LiveServer, workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TRACKWELL_"))}
    env.update(
        WANDB_BASE_URL=server.url,
        WANDB_API_KEY=server.api_key,
        WANDB_DIR=str(workdir),
        WANDB_CONFIG_DIR=str(workdir / "cfg"),
        WANDB_CACHE_DIR=str(workdir / "cache"),
        WANDB_SILENT="true",
        HOME=str(workdir / "home"),
    )
    env.update(extra)
    return env


def _latency(server: LiveServer, workdir: Path, rows: int) -> list[Result]:
    script = workdir / "latency.py"
    script.write_text(LATENCY_SCRIPT)
    proc = subprocess.run(
        [str(CLIENT), str(script)],
        cwd=workdir,
        env=_env(server, workdir, ROWS=str(rows), WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL="1"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    lat = sorted(json.loads(proc.stdout.split("LAT=", 1)[1].splitlines()[0]))
    note = f"{rows} rows, one client, WANDB_X_FILE_STREAM_TRANSMIT_INTERVAL=1 (default 15 s)"
    return [
        Result(NAME, "logged row on the server, p50", percentile(lat, 50) * 1000, "ms", "< 2000", note),
        Result(NAME, "logged row on the server, p95", percentile(lat, 95) * 1000, "ms", "< 2000", note),
    ]


def _many(server: LiveServer, workdir: Path, clients: int, rows: int) -> list[Result]:
    script = workdir / "writer.py"
    script.write_text(WRITER_SCRIPT)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [str(CLIENT), str(script)],
            cwd=workdir,
            env=_env(server, workdir, ROWS=str(rows), WRITER=str(i)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(clients)
    ]
    failures = [p.communicate(timeout=3600)[1][-500:] for p in procs if p.wait() != 0]
    wall = time.perf_counter() - started
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.api_key}"}) as http:
        entity = http.post("/graphql", json={"query": "{ viewer { entity } }"}).json()["data"]["viewer"][
            "entity"
        ]
        runs = http.get(f"/api/v1/runs/{entity}/many", params={"limit": 1000}).json()["runs"]
    stored_rows = sum(r["history_count"] for r in runs)
    finished = sum(r["state"] == "finished" for r in runs)
    lost = clients * rows - stored_rows
    note = f"{clients} official clients x {rows} rows at once; {len(failures)} client failures"
    return [
        Result(NAME, "rows lost", float(lost), "rows", "< 1", note),
        Result(NAME, "runs finished", float(finished), "runs", f">= {clients}", note),
        Result(NAME, "wall time, all clients", wall, "s", "", note),
    ]


def main(quick: bool = False) -> list[Result]:
    if not CLIENT.exists():
        raise RuntimeError("the official client is not installed: run 'make wandb-client'")
    clients = int(os.environ.get("WANDB_BENCH_CLIENTS", "10" if quick else "100"))
    rows = 50 if quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        server = LiveServer(workdir / "server").start()
        try:
            results = _latency(server, workdir, 10 if quick else 30)
            results += _many(server, workdir, clients, rows)
        finally:
            server.stop()
    return results


if __name__ == "__main__":
    for result in main(quick="--quick" in sys.argv):
        print(f"{result.metric}: {result.value:.4g} {result.unit} ({result.note})")
