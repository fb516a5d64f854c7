"""What the Hugging Face ``WandbCallback`` costs ``Trainer.train``: step time of a tiny model with and
without it.

The tiny BERT of ``examples/10_hf_trainer.py`` (1 layer, hidden 16, batch 16, sequence 12, AdamW,
CPU, one torch thread) trains ``STEPS`` steps (``max_steps``, no evaluation, no saving) with the
Trainer's own logging every ``logging_steps`` in every variant, so the only difference is our
callback:

* ``logging_steps=1`` (the worst case: a row every step) without and with the callback;
* ``logging_steps=5`` (the handbook's example) without and with it.

The callback logs into an offline run started once (so neither ``init()`` nor the network is in the
numbers; the SDK's processor thread, which applies the row rules and writes the run log, is). Step
time is CPU time of this process (every thread: the Trainer's loop and the SDK's threads) over
``trainer.train()``, divided by the number of steps; the callback's setup (config of ~150 keys,
``define_metric``) is inside it. The variants are interleaved round by round so drift on a shared
machine hits each alike; medians of the rounds, with the load average printed beside them.

On a shared machine that A/B difference is within the noise (a few % either way), so the overhead
checked against the target is measured directly: the CPU time of everything the callback does per
step (the Trainer's step events, ``on_log`` every ``logging_steps``, and the SDK's processor thread
applying those rows, waited for by a summary read), 2,000 simulated steps per round, divided by the
step time without the callback.

Run: ``.venv/bin/python -m benchmarks.integration_hf_bench [--quick]``.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Result

STEPS = 300
BATCH = 16


def _data(n: int) -> list[dict[str, Any]]:
    import torch

    rows = []
    for _ in range(n):
        ids = torch.randint(1, 64, (12,))
        rows.append(
            {
                "input_ids": ids,
                "attention_mask": torch.ones(12, dtype=torch.long),
                "labels": (ids[0] % 2).long(),
            }
        )
    return rows


def _args(out: Path, logging_steps: int, steps: int) -> Any:
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=BATCH,
        max_steps=steps,
        logging_strategy="steps",
        logging_steps=logging_steps,
        save_strategy="no",
        eval_strategy="no",
        report_to="none",
        run_name="hf-bench",
        disable_tqdm=True,
        dataloader_pin_memory=False,
        use_cpu=True,
    )


def _train(
    model: Any, data: list[dict[str, Any]], out: Path, logging_steps: int, callback: bool, steps: int
) -> float:
    """CPU seconds (all threads of this process) per training step of one ``trainer.train()``."""
    from transformers import Trainer

    from trackwell.integration.transformers import WandbCallback

    args = _args(out, logging_steps, steps)
    trainer = Trainer(
        model=model, args=args, train_dataset=data, callbacks=[WandbCallback()] if callback else []
    )
    # The Trainer prints each log without tqdm: the same in every variant, kept off the terminal.
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.process_time()
        trainer.train()
        return (time.process_time() - start) / steps


# A Trainer log at a training step, as on_log receives it (the values the Trainer computes anyway).
TRAIN_LOG = {"loss": 0.6931, "grad_norm": 0.1995, "learning_rate": 4.58e-05, "epoch": 0.3125}


def _direct(run: Any, callback: Any, args: Any, logging_steps: int, steps: int) -> float:
    """CPU seconds per step of everything the callback does in a training loop: the Trainer's calls
    of its step events (inherited no-ops) and ``on_log`` every ``logging_steps``; then a summary
    read, which waits for the SDK's processor thread to apply the rows, so its work is counted."""
    from transformers import TrainerControl, TrainerState

    state, control = TrainerState(), TrainerControl()
    start = time.process_time()
    for step in range(1, steps + 1):
        state.global_step = step
        callback.on_step_begin(args, state, control)
        callback.on_pre_optimizer_step(args, state, control)
        callback.on_optimizer_step(args, state, control)
        callback.on_step_end(args, state, control)
        if step % logging_steps == 0:
            callback.on_log(args, state, control, logs=dict(TRAIN_LOG))
    run.summary.get("train/loss")
    return (time.process_time() - start) / steps


def bench(rounds: int, steps: int) -> tuple[dict[str, float], dict[int, float]]:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, TrainerControl, TrainerState
    from transformers.utils import logging as hf_logging

    import trackwell
    from trackwell.integration.transformers import WandbCallback

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    hf_logging.set_verbosity_error()
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=64,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    data = _data(BATCH * 64)
    variants = {
        f"logging_steps={n}, {'callback' if cb else 'no callback'}": (n, cb)
        for n in (1, 5)
        for cb in (False, True)
    }
    per_variant: dict[str, list[float]] = {}
    direct: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="tw-hf-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)
        run = trackwell.init(project="hf-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            _train(model, data, Path(tmp) / "out", 5, True, 20)  # warm-up: first steps allocate
            callback = WandbCallback()
            args = _args(Path(tmp) / "out", 1, 10)
            callback.on_train_begin(args, TrainerState(), TrainerControl(), model=model)
            for _ in range(rounds):
                for name, (logging_steps, with_callback) in variants.items():
                    seconds = _train(model, data, Path(tmp) / "out", logging_steps, with_callback, steps)
                    per_variant.setdefault(name, []).append(seconds)
                for logging_steps in (1, 5):
                    direct.setdefault(logging_steps, []).append(
                        _direct(run, callback, args, logging_steps, 2000)
                    )
        finally:
            run.finish()
            os.chdir(old_cwd)
    medians = {name: statistics.median(times) for name, times in per_variant.items()}
    return medians, {n: statistics.median(times) for n, times in direct.items()}


def main(quick: bool = False) -> list[Result]:
    steps = 100 if quick else STEPS
    medians, direct = bench(rounds=3 if quick else 7, steps=steps)
    load = os.getloadavg()[0]
    name = "Hugging Face Trainer callback"
    out: list[Result] = []
    for logging_steps in (1, 5):
        base = medians[f"logging_steps={logging_steps}, no callback"]
        ours = medians[f"logging_steps={logging_steps}, callback"]
        label = f"logging_steps={logging_steps}"
        note = f"{steps} steps, load avg {load:.1f}"
        out.append(Result(name, f"tiny BERT step, {label}, no callback", base * 1e6, "µs", note=note))
        out.append(Result(name, f"tiny BERT step, {label}, WandbCallback", ours * 1e6, "µs"))
        out.append(
            Result(
                name,
                f"step time difference with WandbCallback, {label} (A/B, noisy)",
                (ours - base) / base * 100,
                "%",
                note="whole train() with and without; within the machine's noise",
            )
        )
        out.append(Result(name, f"WandbCallback CPU per step, {label}", direct[logging_steps] * 1e6, "µs"))
        out.append(
            Result(
                name,
                f"overhead of WandbCallback, {label}",
                direct[logging_steps] / base * 100,
                "%",
                "< 1",
                note="its CPU per step (incl. the SDK's processor thread) / the step without it",
            )
        )
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
