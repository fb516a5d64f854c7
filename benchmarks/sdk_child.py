"""One SDK benchmark scenario in a fresh interpreter: import, init, N log() calls, finish.

Prints one ``RESULT {json}`` line for ``sdk_bench``. Usage: ``python -m benchmarks.sdk_child N DIR``.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    t0 = time.perf_counter()
    import trackwell

    import_s = time.perf_counter() - t0
    n = int(sys.argv[1])
    t0 = time.perf_counter()
    run = trackwell.init(project="bench", dir=sys.argv[2])
    init_s = time.perf_counter() - t0
    log, clock = run.log, time.perf_counter_ns
    latencies = [0] * n
    for i in range(n):
        row = {"loss": 1.0 / (i + 1), "acc": 0.5, "lr": 0.001, "epoch": i // 1000, "grad_norm": 2.5}
        t = clock()
        log(row)
        latencies[i] = clock() - t
    t0 = time.perf_counter()
    run.finish()
    finish_s = time.perf_counter() - t0
    latencies.sort()
    # A second run in the same process: init() without the one-time cost of importing the SDK.
    t0 = time.perf_counter()
    again = trackwell.init(project="bench", dir=sys.argv[2], reinit="create_new")
    warm_init_s = time.perf_counter() - t0
    again.finish()

    def pct(q: float) -> float:
        return latencies[min(n - 1, int(q / 100 * n))] / 1000

    result = {
        "import_ms": import_s * 1e3,
        "init_ms": init_s * 1e3,
        "warm_init_ms": warm_init_s * 1e3,
        "finish_s": finish_s,
        "p50": pct(50),
        "p99": pct(99),
        "p999": pct(99.9),
        "max": latencies[-1] / 1000,
        "state": run.exit_state,
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
