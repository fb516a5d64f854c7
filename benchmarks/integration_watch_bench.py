"""What ``run.watch`` costs a PyTorch training loop: step time of a tiny MLP with and without it.

A tiny MLP (32 -> 64 -> 64 -> 10, batch 64, SGD, CPU, one thread) trains with
``run.log({"loss": ...})`` every step in an offline run. Variants: no watch; the hooks alone
(``log_freq=10**9``: they run every step, nothing is logged); ``watch(log="all")`` at wandb's default
``log_freq=1000`` and at ``log_freq=100``; and ``log_freq=1``, the worst case (12 histograms every
step). Each variant runs in blocks of ``max(100, log_freq)`` steps, so every block of a logging
variant holds its logging step(s) and their whole cost; variants take turns round by round.

The time of a block is the CPU time of this process (the training loop and the SDK's threads
that bind and write the histograms), not wall time. The machine these run on is shared and often
loaded: other processes' interference only ever adds time, so each variant's step time is a low
percentile (the 20th) of its blocks, and overheads compare those. The load average is printed.

Run: ``.venv/bin/python -m benchmarks.integration_watch_bench [--quick]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Result, percentile

VARIANTS: dict[str, dict[str, Any] | None] = {
    "no watch": None,
    "watch(log='all', log_freq=10**9), hooks only": {"log": "all", "log_freq": 10**9},
    "watch(log='all', log_freq=1000)": {"log": "all", "log_freq": 1000},  # wandb's default frequency
    "watch(log='all', log_freq=100)": {"log": "all", "log_freq": 100},
    "watch(log='all', log_freq=1)": {"log": "all", "log_freq": 1},
}


def _model() -> Any:
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(32, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 10),
    )


def _blocks(run: Any, watch: dict[str, Any] | None, steps: int) -> list[float]:
    """CPU seconds per step of each block of ``steps`` training steps under ``watch``."""
    import torch

    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(64, 32), torch.randint(0, 10, (64,))
    log_freq = watch["log_freq"] if watch else 1
    block = max(100, log_freq if log_freq < 10**6 else 100)
    if watch is not None:
        run.watch(model, **watch)
    out = []
    for _ in range(max(1, steps // block)):
        start = time.process_time()
        for _ in range(block):
            loss = torch.nn.functional.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            run.log({"loss": loss.item()})
        out.append((time.process_time() - start) / block)
    if watch is not None:
        run.unwatch(model)
    return out


def _histogram_cost(rounds: int = 300) -> float:
    """Microseconds for one 64-bin histogram of a 64x64 weight (the work per key when logging):
    the fastest of ``rounds`` calls, interference only adds time."""
    import torch

    from trackwell.sdk.watch_stats import tensor_histogram

    weight = torch.randn(64, 64)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        tensor_histogram(weight)
        best = min(best, time.perf_counter() - start)
    return best * 1e6


def bench(rounds: int, steps: int) -> dict[str, float]:
    """Per variant, seconds per step: the 20th percentile of its blocks over every round."""
    import torch

    import trackwell

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    blocks: dict[str, list[float]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="tw-watch-bench-") as tmp:
        run = trackwell.init(project="watch-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            _blocks(run, None, 300)  # warm-up: allocator, autograd, first log
            for _ in range(rounds):
                for name, watch in VARIANTS.items():
                    blocks[name] += _blocks(run, watch, steps)
        finally:
            run.finish()
    return {name: percentile(sorted(values), 20) for name, values in blocks.items()}


def main(quick: bool = False) -> list[Result]:
    steps = bench(rounds=2 if quick else 6, steps=1000 if quick else 2000)
    load = os.getloadavg()[0]
    name = "run.watch (PyTorch)"
    base = steps["no watch"]
    out = []
    for variant, seconds in steps.items():
        note = f"load avg {load:.1f}; CPU time per step" if variant == "no watch" else ""
        out.append(Result(name, f"tiny MLP step, {variant}", seconds * 1e6, "µs", note=note))
        if variant != "no watch":
            target = "< 1" if variant.endswith(("log_freq=100)", "log_freq=1000)")) else ""
            out.append(Result(name, f"overhead of {variant}", (seconds - base) / base * 100, "%", target))
    out.append(Result(name, "one 64-bin histogram of a 64x64 tensor (CPU)", _histogram_cost(), "µs"))
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
