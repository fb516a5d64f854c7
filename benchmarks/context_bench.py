"""What run context capture costs a user: init-time metadata collection and training-loop slowdown.

Measures
  * ``collect_metadata`` wall time, in a synthetic dirty git repository and with git disabled;
  * a CPU-bound, printing training loop timed bare, with the ``SystemMonitor`` sampling (at a
    stress interval of 0.1 s, 100x the default rate), with ``ConsoleCapture`` teeing its output
    (lines plus ``\\r`` progress updates), and with both. Variants are interleaved over several rounds
    and the median is reported, so drift on a shared machine hits every variant alike.

Also the CPU cost of one system sample and of one captured console write, which stay meaningful on
a loaded machine where the loop comparison is noise-bound.

Run: ``.venv/bin/python benchmarks/context_bench.py [--quick] [--json results.json]``. Numbers are
relative to the bare loop measured in the same process; no absolute thresholds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import Result
from trackwell.schema.records import OutputLine
from trackwell.sdk.context import ConsoleCapture, ContextOptions, SystemMonitor, collect_metadata


def _make_repo(root: Path, files: int) -> Path:
    repo = root / "repo"
    (repo / "pkg").mkdir(parents=True)
    for i in range(files):
        (repo / "pkg" / f"mod_{i}.py").write_text(f"VALUE = {i}\n" * 50)
    (repo / "train.py").write_text("print('train')\n")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], cwd=repo, check=True)
    for i in range(0, files, 10):  # a dirty tree: every tenth module edited
        (repo / "pkg" / f"mod_{i}.py").write_text("EDITED = True\n")
    return repo


def bench_metadata(rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        repo = _make_repo(Path(tmp), files=500)
        options = ContextOptions(
            program="train.py", args=["--lr", "0.1"], cwd=repo, environ=dict(os.environ), save_code=True
        )
        results: dict[str, list[float]] = {"with_git_s": [], "without_git_s": [], "without_packages_s": []}
        variants = {
            "with_git_s": options,
            "without_git_s": ContextOptions(**{**options.__dict__, "disable_git": True}),
            "without_packages_s": ContextOptions(
                **{**options.__dict__, "disable_git": True, "capture_packages": False}
            ),
        }
        for i in range(rounds):
            for name, opts in variants.items():
                start = time.perf_counter()
                collect_metadata(opts, Path(tmp) / f"files-{name}-{i}")
                results[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in results.items()}


def training_loop(steps: int) -> float:
    """A CPU-bound loop that logs like a training script: lines and a \\r progress bar."""
    start = time.perf_counter()
    acc = 0.0
    for step in range(steps):
        for j in range(2000):
            acc += (step * j) % 7 * 0.5
        if step % 10 == 0:
            sys.stdout.write(f"\rstep {step}/{steps} acc={acc:.1f}")
        if step % 100 == 0:
            sys.stdout.write(f"\nepoch {step // 100} done\n")
    sys.stdout.flush()
    return time.perf_counter() - start


@contextlib.contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    # The loop's output would flood the terminal; the capture still tees it (to /dev/null).
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _with(monitor: bool, console: bool, steps: int) -> Callable[[], tuple[float, float]]:
    def run() -> tuple[float, float]:
        """(loop wall seconds, process CPU seconds including the capture threads)."""
        cpu0 = time.process_time()
        lines: list[OutputLine] = []
        samples: list[dict[str, float]] = []
        mon = SystemMonitor(0.1, lambda ts, v: samples.append(v)) if monitor else None
        cap = ConsoleCapture(lines.extend, flush_interval=0.5, mode="redirect") if console else None
        if mon:
            mon.start()
        if cap:
            cap.start()
        try:
            wall = training_loop(steps)
        finally:
            if cap:
                cap.stop()
            if mon:
                mon.stop()
        return wall, time.process_time() - cpu0

    return run


def bench_loop(rounds: int, steps: int) -> dict[str, Any]:
    variants = {
        "bare": _with(False, False, steps),
        "system_monitor_0.1s": _with(True, False, steps),
        "console_capture": _with(False, True, steps),
        "both": _with(True, True, steps),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    with _stdout_to_devnull():
        variants["bare"]()  # warm-up
        for _ in range(rounds):
            for name, run in variants.items():
                wall, cpu_s = run()
                times[name].append(wall)
                cpu[name].append(cpu_s)
    medians = {name: statistics.median(t) for name, t in times.items()}
    cpu_medians = {name: statistics.median(t) for name, t in cpu.items()}
    return {
        "loop_median_s": medians,
        "slowdown_percent": {
            name: 100.0 * (medians[name] / medians["bare"] - 1.0) for name in variants if name != "bare"
        },
        # Extra CPU the capture threads burn: steadier than wall time on a busy machine.
        "extra_cpu_percent": {
            name: 100.0 * (cpu_medians[name] / cpu_medians["bare"] - 1.0)
            for name in variants
            if name != "bare"
        },
    }


def bench_unit_costs() -> dict[str, float]:
    """CPU per system sample and per captured line: stable where loop timings drown in noise."""
    count = 0

    def on_sample(ts: float, values: dict[str, float]) -> None:
        nonlocal count
        count += 1

    monitor = SystemMonitor(0.001, on_sample)
    cpu0 = time.process_time()
    monitor.start()
    time.sleep(2.0)
    monitor.stop()
    sample_ms = 1000.0 * (time.process_time() - cpu0) / max(count, 1)

    lines = 20000

    def write_lines() -> float:
        start = time.process_time()
        for i in range(lines):
            sys.stdout.write(f"\rstep {i}")
            if i % 10 == 0:
                sys.stdout.write("\n")
        sys.stdout.flush()
        return time.process_time() - start

    with _stdout_to_devnull():
        bare = min(write_lines() for _ in range(3))
        captured = []
        for _ in range(3):
            capture = ConsoleCapture(lambda batch: None, mode="redirect")
            cpu0 = time.process_time()
            capture.start()
            write_lines()
            capture.stop()
            captured.append(time.process_time() - cpu0)
    return {
        "system_sample_cpu_ms": sample_ms,
        "console_cpu_us_per_write": 1e6 * (min(captured) - bare) / lines,
    }


def bench_init(rounds: int) -> dict[str, float]:
    """``init()`` with every capture on (the default) vs all off: what a user waits for. Metadata is
    collected on a background thread, so the difference is starting the capture, not doing it."""
    import trackwell

    quiet = {"quiet": True, "silent": True}
    on = trackwell.Settings(**quiet)
    off = trackwell.Settings(
        **quiet, console="off", disable_stats=True, disable_git=True, disable_code=True, save_code=False
    )
    times: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory(prefix="tw-ctx-init-") as tmp:
        trackwell.init(project="ctx", dir=tmp, mode="offline", settings=on).finish()  # imports, once
        for _ in range(rounds):
            for name, settings in (("with", on), ("without", off)):
                started = time.perf_counter()
                run = trackwell.init(
                    project="ctx", dir=tmp, mode="offline", settings=settings, reinit="create_new"
                )
                times[name].append(time.perf_counter() - started)
                run.finish()
    return {name: 1e3 * statistics.median(values) for name, values in times.items()}


def main(quick: bool = False) -> list[Result]:
    """Entry point for ``benchmarks.run_all``."""
    rounds = 3 if quick else 7
    init = bench_init(rounds)
    meta = bench_metadata(rounds)
    unit = bench_unit_costs()
    loop = bench_loop(rounds, steps=2000 if quick else 5000)
    name = "run context"
    out = [
        Result(name, "init() with every capture on (offline run)", init["with"], "ms"),
        Result(name, "init() with every capture off (offline run)", init["without"], "ms"),
        Result(
            name,
            "init capture: collect_metadata with git (dirty 500-file repo)",
            1e3 * meta["with_git_s"],
            "ms",
        ),
        Result(name, "init capture: collect_metadata without git", 1e3 * meta["without_git_s"], "ms"),
        Result(name, "init capture: without git and package list", 1e3 * meta["without_packages_s"], "ms"),
        Result(
            name,
            "CPU per system-metrics sample",
            unit["system_sample_cpu_ms"],
            "ms",
            note="default: one per 10 s",
        ),
        Result(name, "CPU per captured console write", unit["console_cpu_us_per_write"], "µs"),
    ]
    for variant, percent in loop["extra_cpu_percent"].items():
        out.append(
            Result(
                name, f"training loop extra CPU with {variant}", percent, "%", note="noisy on 2 shared cores"
            )
        )
    return out


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (CI smoke)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "host": platform.node()},
        "collect_metadata_median_s": bench_metadata(rounds),
        "unit_costs": bench_unit_costs(),
        "training_loop": bench_loop(rounds, steps=2000 if args.quick else 5000),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    cli()
