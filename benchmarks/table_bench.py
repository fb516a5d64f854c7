"""Server-side table queries over HTTP: a 100,000-row Table logged through the real SDK into a real
server, then the table viewer's requests timed end to end (HTTP, auth, DuckDB over the Parquet copy,
JSON answer).

"Cold" is the first request for a table whose columnar copy does not exist yet (the server reads
the table file and writes the Parquet copy, then answers); the copy is deleted before each cold
sample. "Warm" requests find the copy. Each figure is the median of several calls. Target (issue 4):
a 100,000-row table sorts, filters and groups in under 300 ms.

Run: ``.venv/bin/python -m benchmarks.table_bench [--quick]`` (or ``python -m benchmarks.run_all table``).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from tests.fixtures.live_server import LiveServer

from benchmarks.common import Result

BENCH = "table"
ROWS = 100_000
LABELS = ["billing", "bug", "feature", "account", "shipping", "refund", "login", "other"]
FILTER = 'row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]'

SCRIPT = """
import random, sys
import trackwell as wandb
rows, labels = int(sys.argv[1]), sys.argv[2].split(",")
rng = random.Random(0)
words = "the app crashes on launch refund not received add dark mode please login fails".split()
run = wandb.init(project="table-bench")
table = wandb.Table(columns=["id", "text", "actual_label", "predicted_label", "confidence", "loss"])
for i in range(rows):
    text = " ".join(rng.choice(words) for _ in range(6))
    table.add_data(i, text, rng.choice(labels), rng.choice(labels), rng.random(), rng.expovariate(1.0))
run.log({"predictions": table})
run.finish()
"""


def _log_table(server: LiveServer, work: Path, rows: int) -> tuple[str, str]:
    env = server.sdk_env(work / "config")
    script = work / "log_table.py"
    script.write_text(SCRIPT)
    proc = subprocess.run(
        [sys.executable, str(script), str(rows), ",".join(LABELS)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"logging the table failed:\n{proc.stderr[-2000:]}")
    with server.client() as api:
        entity = api.get("/api/v1/viewer").json()["entity"]
        runs = api.get(f"/api/v1/runs/{entity}/table-bench").json()["runs"]
        base = f"/api/v1/runs/{entity}/table-bench/{runs[0]['id']}"
        ref = api.get(base + "/history/rows").json()["rows"][0]["predictions"]
    return base + "/tables", ref["path"]


def _median_ms(api: httpx.Client, url: str, params: dict[str, Any], calls: int, before: Any = None) -> float:
    times = []
    for _ in range(calls):
        if before is not None:
            before()
        started = time.perf_counter()
        response = api.get(url, params=params)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times)


def main(quick: bool = False) -> list[Result]:
    rows = 20_000 if quick else ROWS
    calls = 5 if quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = LiveServer(root / "data").start()
        try:
            url, path = _log_table(server, root, rows)
            cache = server.data_dir / "cache" / "tables"

            def drop_copy() -> None:
                shutil.rmtree(cache, ignore_errors=True)

            queries: list[tuple[str, str, dict[str, Any]]] = [
                ("first page (100 rows)", "rows", {"limit": 100}),
                ("sort by a float column, desc", "rows", {"sort": "-confidence", "limit": 100}),
                ("sort by a string column then id", "rows", {"sort": ["text", "id"], "limit": 100}),
                ("filter (issue 4 expression)", "rows", {"filter": FILTER, "limit": 100}),
                (
                    "filter + sort, a page deep in",
                    "rows",
                    {"filter": FILTER, "sort": "-loss", "offset": 5000},
                ),
                ("group by a column (counts, mean/min/max)", "groups", {"by": "predicted_label"}),
                ("column stats, all 6 columns", "stats", {}),
            ]
            results = []
            with server.client() as api:
                cold = _median_ms(
                    api, f"{url}/rows", {"path": path, "limit": 100}, 3 if quick else 5, before=drop_copy
                )
                results.append(
                    Result(BENCH, f"cold: first page, {rows:,} rows (builds the Parquet copy)", cold, "ms")
                )
                for name, what, params in queries:
                    ms = _median_ms(api, f"{url}/{what}", {"path": path, **params}, calls)
                    results.append(Result(BENCH, f"warm: {name}, {rows:,} rows", ms, "ms", "< 300"))
                csv_ms = _median_ms(api, f"{url}/csv", {"path": path, "filter": FILTER}, 3)
                results.append(
                    Result(BENCH, f"warm: CSV export of the filtered rows, {rows:,} rows", csv_ms, "ms")
                )
        finally:
            server.stop()
    return results


if __name__ == "__main__":
    for r in main(quick="--quick" in sys.argv):
        print(f"{r.metric}: {r.value:.1f} {r.unit} {('(target ' + r.target + ')') if r.target else ''}")
