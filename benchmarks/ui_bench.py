"""Web UI speed, measured in headless Chromium against a real server (``benchmarks/ui_bench.mjs``).

Seeds a project of runs x metrics x steps through the HTTP API (the SDK path is measured by the
ingest benchmarks; here only the read side matters) plus one run with a very long metric, then times
what a user waits for: first chart, all visible charts, table filter and sort, the long run's chart,
and checks no chart response carries more than ~2,000 points per series.

The full targets are for 1,000 runs x 20 metrics x 10,000 steps; seeding that takes hours on a small
machine, so ``quick`` (and the default) uses a smaller project and the sizes are in the notes.
Override with UI_BENCH_RUNS / UI_BENCH_STEPS / UI_BENCH_BIG. UI_BENCH_DATA=<dir> keeps the seeded
data directory there and reuses it on the next run with the same sizes (seeding 1,000 runs takes
minutes; iterating on the UI should not).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import httpx

from benchmarks.common import Result

ROOT = Path(__file__).resolve().parent.parent
METRICS = [f"train/m{i:02d}" for i in range(10)] + [f"val/m{i:02d}" for i in range(10, 15)]
METRICS += [f"m{i:02d}" for i in range(15, 20)]
BATCH = 2000


def _post_run(c: httpx.Client, path: str, rows: int, keys: list[str], config: Mapping[str, object]) -> None:
    session = uuid.uuid4().hex
    c.put(path, json={"session_id": session, "config": config}).raise_for_status()
    seq = 0
    last: dict[str, float] = {}
    for start in range(0, rows, BATCH):
        records = []
        for step in range(start, min(rows, start + BATCH)):
            values = {k: 1.0 / (step + 1 + i) + random.random() * 0.01 for i, k in enumerate(keys)}
            last = values
            records.append(
                {
                    "kind": "history",
                    "seq": seq,
                    "step": step,
                    "timestamp": 1.7e9 + step,
                    "runtime": step,
                    "values": values,
                }
            )
            seq += 1
        c.post(f"{path}/records", json={"session_id": session, "records": records}).raise_for_status()
    tail = [
        {"kind": "summary", "seq": seq, "values": last},
        {"kind": "exit", "seq": seq + 1, "state": "finished", "exit_code": 0, "runtime": float(rows)},
    ]
    c.post(f"{path}/records", json={"session_id": session, "records": tail}).raise_for_status()


def main(quick: bool) -> list[Result]:
    runs = int(os.environ.get("UI_BENCH_RUNS", 50 if quick else 200))
    steps = int(os.environ.get("UI_BENCH_STEPS", 500 if quick else 2000))
    big = int(os.environ.get("UI_BENCH_BIG", 100_000 if quick else 1_000_000))
    keep = os.environ.get("UI_BENCH_DATA")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(keep) if keep else Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        sizes = f"{runs}x{steps}+{big}"
        seeded = (data / "bench-seeded").exists() and (data / "bench-seeded").read_text() == sizes
        (data / "server.json").unlink(missing_ok=True)  # a reused dir: never read the last server's
        cmd = [sys.executable, "-m", "trackwell", "server", "--data-dir", str(data), "--port", "0"]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if (data / "server.json").exists():
                    break
                time.sleep(0.1)
            url = json.loads((data / "server.json").read_text())["url"]
            key = (data / "local-api-key").read_text().strip()
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
                entity = c.get("/api/v1/viewer").json()["entity"]
                t = time.perf_counter()
                if not seeded:
                    for i in range(runs):
                        cfg = {"lr": random.random(), "batch": random.choice([32, 64, 128])}
                        _post_run(c, f"/api/v1/runs/{entity}/bench/r{i:05d}", steps, METRICS, cfg)
                    _post_run(c, f"/api/v1/runs/{entity}/bench-big/big", big, ["loss"], {})
                    (data / "bench-seeded").write_text(sizes)
                seed_s = time.perf_counter() - t
            driver = [
                "node",
                str(ROOT / "benchmarks/ui_bench.mjs"),
                url,
                key,
                entity,
                "bench",
                "bench-big",
                "big",
                str(min(runs, 1000)),
            ]
            done = subprocess.run(driver, check=True, capture_output=True, text=True, timeout=600)
            if done.stderr:
                print(done.stderr, file=sys.stderr)  # TRACE=1 timelines
            out = json.loads(done.stdout)
        finally:
            server.terminate()
            server.wait(timeout=30)
    seed_note = f"seeded in {seed_s:.0f}s" if not seeded else "reused a seeded data dir"
    size = f"{runs} runs x {len(METRICS)} metrics x {steps} steps"
    default = f"{size}, 20 runs in charts (the default); {seed_note}"
    every = f"{size}, all {min(runs, 1000)} runs in charts (max={min(runs, 1000)})"
    return [
        Result("ui", "workspace first chart drawn", out["first_chart_default_ms"], "ms", "< 1000", default),
        Result(
            "ui",
            "workspace all visible charts drawn",
            out["all_visible_charts_default_ms"],
            "ms",
            "< 2000",
            default,
        ),
        Result("ui", "runs table filter", out["filter_ms"], "ms", "< 100", f"{runs} runs, in-page timing"),
        Result("ui", "runs table sort", out["sort_ms"], "ms", "< 100", f"{runs} runs, in-page timing"),
        Result(
            "ui",
            "runs table scroll, 95th percentile frame",
            out["scroll"]["p95"],
            "ms",
            "",
            f"{runs} runs top to bottom, 120 px per frame, {out['scroll']['frames']} frames, "
            f"longest {out['scroll']['max']:.0f} ms",
        ),
        Result(
            "ui", "workspace first chart drawn, every run in charts", out["first_chart_ms"], "ms", "", every
        ),
        Result(
            "ui",
            "workspace all visible charts drawn, every run in charts",
            out["all_visible_charts_ms"],
            "ms",
            "",
            every,
        ),
        Result("ui", "runs table filter, every run in charts", out["filter_all_ms"], "ms", "< 100", every),
        Result("ui", "runs table sort, every run in charts", out["sort_all_ms"], "ms", "< 100", every),
        Result(
            "ui", "points per series in chart answers (max)", out["max_points_per_series"], "points", "< 2001"
        ),
        Result(
            "ui",
            "long run chart opens",
            out["big_run_chart_idle_ms"],
            "ms",
            "< 500",
            f"one run, {big} points, fresh page, server idle",
        ),
        Result(
            "ui",
            "long run chart opens from a busy workspace",
            out["big_run_chart_ms"],
            "ms",
            "",
            f"one run, {big} points, opened from the every-run workspace (its chart requests still queued)",
        ),
    ]


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.4g} {r.unit} (target {r.target}) {r.note}")
