"""What ``run.watch`` costs a PyTorch training loop: step time of a tiny MLP with and without it.

A tiny MLP (32 -> 64 -> 64 -> 10, batch 64, SGD, CPU, one thread) trains with
``run.log({"loss": ...})`` every step in an offline run. Variants: no watch; the hooks alone
(``log_freq=10**9``: they run every step, nothing is logged); ``watch(log="all")`` at wandb's default
``log_freq=1000`` and at ``log_freq=100``; and ``log_freq=1``, the worst case (12 histograms every
step). Each round runs every variant for 1000 steps on a fresh model, so every logging variant's
block holds its logging passes and their whole cost.

Time is CPU time by thread, not wall time: the training thread (the loop, the hooks, and a logging
pass's snapshot of the tensors) and the SDK's threads (the processor that bins the histograms and
writes the rows, drained at the end of each block). A/B overheads are the median over rounds of each
variant's extra time against the no-watch block of the same round, ± half their IQR (the machine's
noise, often over 1% on a loaded 2-core machine). So the overhead at ``log_freq=100`` and ``1000``
is also given from its parts, each measured robustly: the hooks' per-step cost (one hook call per
backward pass, timed over 200 models in one pass) plus one logging pass (from ``log_freq=1``, a
large signal: its extra time per step, on each thread) divided by ``log_freq``.

Run: ``.venv/bin/python -m benchmarks.integration_watch_bench [--quick]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Result
from benchmarks.thread_cpu import paired_overhead, sdk_threads_cpu

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


def _block(run: Any, watch: dict[str, Any] | None, steps: int) -> tuple[float, float]:
    """CPU seconds per step of ``steps`` training steps of a fresh model under ``watch``: on the
    training thread, and on the SDK's threads."""
    import torch

    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(64, 32), torch.randint(0, 10, (64,))
    if watch is not None:
        run.watch(model, **watch)
    run._processor.drain()
    sdk = sdk_threads_cpu()
    start = time.thread_time()
    for _ in range(steps):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log({"loss": loss.item()})
    train = time.thread_time() - start
    run._processor.drain()  # the SDK thread's share of this block (binning, writing) is in it too
    sdk = sdk_threads_cpu() - sdk
    if watch is not None:
        run.unwatch(model)
    return train / steps, sdk / steps


def _hook_cost(models: int = 200, reps: int = 300) -> float:
    """Seconds that watching adds to a backward pass that logs nothing: one counting hook per
    model. Measured over 200 one-layer models in one backward pass (the fastest of ``reps``), so
    the cost of one hook call stands out of the noise that hides it in a whole training step."""
    import torch

    import trackwell

    layers = [torch.nn.Linear(4, 1) for _ in range(models)]
    x = torch.randn(8, 4)

    def backward_time() -> float:
        loss = torch.stack([layer(x).sum() for layer in layers]).sum()
        start = time.thread_time()
        loss.backward()
        return time.thread_time() - start

    bare, hooked = float("inf"), float("inf")
    with tempfile.TemporaryDirectory(prefix="tw-watch-bench-") as tmp:
        run = trackwell.init(project="watch-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            for _ in range(reps):  # alternating, so both see the same moments of the machine
                bare = min(bare, backward_time())
                run.watch(layers, log="all", log_freq=10**9)
                hooked = min(hooked, backward_time())
                run.unwatch()
        finally:
            run.finish()
    return max(hooked - bare, 0.0) / models


def _histogram_costs(rounds: int = 300) -> tuple[float, float]:
    """Microseconds to bin the 12 tensors of the MLP's logging pass (its 6 parameters and 6
    same-shaped gradients) one by one on the device (``tensor_histogram``) and together
    (``batch_histograms``): the median of ``rounds`` calls."""
    import torch

    from trackwell.sdk.watch_stats import batch_histograms, tensor_histogram

    tensors = [p.detach().clone() for p in _model().parameters()] * 2
    alone, together = [], []
    for _ in range(rounds):
        start = time.thread_time()
        for tensor in tensors:
            tensor_histogram(tensor)
        alone.append(time.thread_time() - start)
        start = time.thread_time()
        batch_histograms(tensors)
        together.append(time.thread_time() - start)
    del torch
    return statistics.median(alone) * 1e6, statistics.median(together) * 1e6


def bench(rounds: int, steps: int) -> dict[str, list[tuple[float, float]]]:
    """Per variant, per round: (training thread, SDK threads) CPU seconds per step."""
    import torch

    import trackwell

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="tw-watch-bench-") as tmp:
        run = trackwell.init(project="watch-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            _block(run, None, 300)  # warm-up: allocator, autograd, first log
            for _ in range(rounds):
                for name, watch in VARIANTS.items():
                    times[name].append(_block(run, watch, steps))
        finally:
            run.finish()
    return times


def main(quick: bool = False) -> list[Result]:
    times = bench(rounds=3 if quick else 12, steps=1000)
    load = os.getloadavg()[0]
    name = "run.watch (PyTorch)"
    base_runs = times["no watch"]
    base = statistics.median(t for t, _ in base_runs)
    out = [
        Result(
            name,
            "tiny MLP step, training thread, no watch",
            base * 1e6,
            "µs",
            note=f"load avg {load:.1f}; CPU time",
        )
    ]

    def add(metric: str, value: float, unit: str = "%", target: str = "", note: str = "") -> None:
        out.append(Result(name, metric, value, unit, target, note))

    extra: dict[str, tuple[float, float]] = {}
    for variant, runs in times.items():
        if variant == "no watch":
            continue
        train, noise = paired_overhead([t for t, _ in runs], [t for t, _ in base_runs])
        sdk = paired_overhead([s for _, s in runs], [s for _, s in base_runs])[0]
        extra[variant] = (train, sdk)
        add(f"tiny MLP step, training thread, {variant}", statistics.median(t for t, _ in runs) * 1e6, "µs")
        add(
            f"A/B on the training thread, {variant}",
            train / base * 100,
            note=f"± {noise / base * 100:.1f} % noise",
        )
        add(f"SDK threads, {variant}, % of step", max(sdk, 0.0) / base * 100)
    # The logging variants' fraction of a percent is within this machine's noise; their cost is
    # also the sum of robust measurements: one hook call per step (measured apart, see _hook_cost)
    # plus one logging pass spread over log_freq steps (a pass costs log_freq=1's extra time per
    # step, a signal far above the noise), on the training thread and on the SDK's threads.
    hook = _hook_cost()
    pass_train = extra["watch(log='all', log_freq=1)"][0] - hook
    pass_sdk = max(extra["watch(log='all', log_freq=1)"][1], 0.0)
    add("hooks per step (one call per backward pass)", hook * 1e6, "µs")
    add("one logging pass, training thread (12 tensors kept and copied)", pass_train * 1e6, "µs")
    add("one logging pass, SDK threads (12 histograms binned and written)", pass_sdk * 1e6, "µs")
    for freq in (1000, 100):
        on_training = (hook + pass_train / freq) / base * 100
        add(f"overhead at log_freq={freq}, training thread, from the parts", on_training, target="< 1")
        add(
            f"overhead at log_freq={freq}, all threads, from the parts",
            on_training + pass_sdk / freq / base * 100,
            target="< 1",
        )
    alone, together = _histogram_costs()
    add("the pass's 12 histograms binned one by one (tensor_histogram)", alone, "µs")
    add("the pass's 12 histograms binned together (batch_histograms)", together, "µs")
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
