"""What ``run.watch`` costs a PyTorch training loop: step time of a tiny MLP with and without it.

A tiny MLP (32 -> 64 -> 64 -> 10, batch 64, SGD, CPU, one thread) trains with
``run.log({"loss": ...})`` every step in an offline run. Variants: no watch; the hooks alone
(``log_freq=10**9``: they run every step, nothing is logged); ``watch(log="all")`` at wandb's default
``log_freq=1000`` and at ``log_freq=100``; and ``log_freq=1``, the worst case (12 histograms every
step). Each round runs every variant for 1000 steps on a fresh model, so every logging variant's
block holds its logging passes and their whole cost.

Time is CPU time by thread, not wall time, medians over the rounds:

* the training thread: the whole block, and its A/B difference from the same round's no-watch block
  (± half the IQR of the paired differences: the machine's noise, often over 1% on a loaded 2-core
  machine, so it is shown but not used for the target);
* the watch's own work on the training thread, measured directly: one hook call per backward pass
  (timed over 200 models in one pass, see ``_hook_cost``) plus the logging passes (arming the
  gradient hooks, the hooks, taking and copying the tensors, logging), timed inside them;
* the SDK's threads (the processor that bins the histograms and writes the rows, drained at the
  end of each block), beyond the same round's no-watch block.

The target (< 1% of the step at ``log_freq=100`` and wandb's default 1000) is checked on the
training thread and on all threads together.

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
from benchmarks.thread_cpu import HookClock, paired_overhead, sdk_threads_cpu

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


Block = tuple[float, float, float]  # CPU seconds per step: training thread, SDK threads, logging passes


def _clock_logging_passes(run: Any, model: Any) -> HookClock:
    """Time, on the training thread, the work of the logging passes of ``model``'s watch: arming the
    one-shot gradient hooks, those hooks, and the end of the pass (taking the tensors, logging)."""
    clock = HookClock()
    hooks = run._watcher.models[model].handles[0]
    hooks._arm = clock.wrap(hooks._arm)
    hooks._finish_logging_pass = clock.wrap(hooks._finish_logging_pass)
    make_hook = hooks._gradient_hook
    hooks._gradient_hook = lambda key: clock.wrap(make_hook(key))
    return clock


def _block(run: Any, watch: dict[str, Any] | None, steps: int) -> Block:
    """CPU seconds per step of ``steps`` training steps of a fresh model under ``watch``: on the
    training thread, on the SDK's threads, and inside the logging passes (training thread)."""
    import torch

    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(64, 32), torch.randint(0, 10, (64,))
    clock = None
    if watch is not None:
        run.watch(model, **watch)
        clock = _clock_logging_passes(run, model)
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
    return train / steps, sdk / steps, (clock.training if clock is not None else 0.0) / steps


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
    return statistics.median(alone) * 1e6, statistics.median(together) * 1e6


def bench(rounds: int, steps: int) -> dict[str, list[Block]]:
    """Per variant, per round: CPU seconds per step (see :data:`Block`)."""
    import torch

    import trackwell

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    times: dict[str, list[Block]] = {name: [] for name in VARIANTS}
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
    base = statistics.median(t[0] for t in base_runs)
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

    # One hook call per backward pass, measured apart (see _hook_cost): the only work between
    # logging passes, and too small to see in a whole step on a shared machine.
    hook = _hook_cost()
    add("hooks per step (one call per backward pass)", hook * 1e6, "µs")
    for variant, runs in times.items():
        if variant == "no watch":
            continue
        train, noise = paired_overhead([t[0] for t in runs], [t[0] for t in base_runs])
        add(f"tiny MLP step, training thread, {variant}", statistics.median(t[0] for t in runs) * 1e6, "µs")
        add(
            f"A/B on the training thread, {variant}",
            train / base * 100,
            note=f"± {noise / base * 100:.1f} % noise",
        )
        if "hooks only" in variant:
            continue
        # Measured directly: the logging passes' own CPU on the training thread (robust), and the
        # SDK threads beyond the same round's no-watch block (binning and writing the histograms).
        passes = statistics.median(t[2] for t in runs)
        sdk = max(paired_overhead([t[1] for t in runs], [t[1] for t in base_runs])[0], 0.0)
        target = "< 1" if variant.endswith(("log_freq=100)", "log_freq=1000)")) else ""
        on_training = (hook + passes) / base * 100
        add(f"{variant}: training thread (hooks + logging passes), % of step", on_training, target=target)
        add(f"{variant}: SDK threads, % of step", sdk / base * 100)
        add(f"{variant}: cost per step, all threads", on_training + sdk / base * 100, target=target)
    every_step = times["watch(log='all', log_freq=1)"]
    add(
        "one logging pass, training thread (12 tensors kept, copied, logged)",
        statistics.median(t[2] for t in every_step) * 1e6,
        "µs",
    )
    sdk_pass = paired_overhead([t[1] for t in every_step], [t[1] for t in base_runs])[0]
    add("one logging pass, SDK threads (12 histograms binned and written)", sdk_pass * 1e6, "µs")
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
