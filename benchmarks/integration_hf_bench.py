"""What the Hugging Face ``WandbCallback`` costs ``Trainer.train``, per training step of a tiny model.

The tiny BERT of ``examples/10_hf_trainer.py`` (1 layer, hidden 16, batch 16, sequence 12, AdamW,
CPU, one torch thread) trains ``STEPS`` steps (``max_steps``, no evaluation, no saving) with the
Trainer's own logging every ``logging_steps`` in every variant, so the only difference is our
callback: ``logging_steps=1`` (the worst case: a row every step) and ``5`` (the handbook's example),
each without and with the callback. The callback logs into an offline run started once (neither
``init()`` nor the network is in the numbers). Variants are interleaved round by round so drift on a
shared machine hits each alike; medians of the rounds, with the load average beside them.

Two measurements:

* **A/B**: CPU time of the whole process (every thread) over ``trainer.train()`` per step, without
  and with the callback. On a shared 2-core machine the difference is within the noise (a few %
  either way), so it is reported, not checked against the target.
* **Direct** (checked against the target, < 1 % of the step): the main thread's CPU time inside
  ``on_log`` during those same real trainings (what the training loop waits for), plus the CPU the
  SDK's background thread spends applying each row (measured on 2,000 rows logged through
  ``on_log``: process CPU minus the main thread's, up to a summary read that waits for the thread),
  per step, over the step time without the callback. The callback's other Trainer events are
  inherited no-ops, and its setup (a config of ~150 keys, ``define_metric``) is 1-2 ms once per
  ``train()``.

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
    model: Any, data: list[dict[str, Any]], out: Path, logging_steps: int, callback: Any, steps: int
) -> float:
    """CPU seconds (all threads of this process) per training step of one ``trainer.train()``."""
    from transformers import Trainer

    args = _args(out, logging_steps, steps)
    trainer = Trainer(model=model, args=args, train_dataset=data, callbacks=[callback] if callback else [])
    # The Trainer prints each log without tqdm: the same in every variant, kept off the terminal.
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.process_time()
        trainer.train()
        return (time.process_time() - start) / steps


# A Trainer log at a training step, as on_log receives it.
TRAIN_LOG = {"loss": 0.6931, "grad_norm": 0.1995, "learning_rate": 4.58e-05, "epoch": 0.3125}


def _background_per_row(run: Any, callback: Any, args: Any, rows: int) -> float:
    """CPU seconds the SDK's background thread spends per row logged by ``on_log``: process CPU minus
    the main thread's, over ``rows`` logs and a summary read (which waits until they are applied)."""
    from transformers import TrainerControl, TrainerState

    state, control = TrainerState(), TrainerControl()
    run.summary.get("train/loss")  # start with nothing pending
    process, main = time.process_time(), time.thread_time()
    for step in range(1, rows + 1):
        state.global_step = step
        callback.on_log(args, state, control, logs=dict(TRAIN_LOG))
    run.summary.get("train/loss")
    return max(0.0, (time.process_time() - process) - (time.thread_time() - main)) / rows


def _timed_callback() -> Any:
    """A WandbCallback that adds up the main thread's CPU time inside ``on_log``."""
    from trackwell.integration.transformers import WandbCallback

    class Timed(WandbCallback):
        seconds = 0.0
        calls = 0

        def on_log(self, *args: Any, **kwargs: Any) -> None:
            start = time.thread_time()
            super().on_log(*args, **kwargs)
            Timed.seconds += time.thread_time() - start
            Timed.calls += 1

    return Timed


def bench(rounds: int, steps: int) -> tuple[dict[str, float], float, float]:
    """(median CPU per step of each variant, on_log main-thread CPU per call, background CPU per row)."""
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
    timed = _timed_callback()
    variants = {
        f"logging_steps={n}, {'callback' if cb else 'no callback'}": (n, cb)
        for n in (1, 5)
        for cb in (False, True)
    }
    per_variant: dict[str, list[float]] = {}
    background: list[float] = []
    with tempfile.TemporaryDirectory(prefix="tw-hf-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)
        run = trackwell.init(project="hf-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            _train(model, data, Path(tmp) / "out", 5, timed(), 20)  # warm-up: first steps allocate
            timed.seconds, timed.calls = 0.0, 0
            direct = WandbCallback()  # not timed: its rows measure the background thread only
            args = _args(Path(tmp) / "out", 1, 10)
            direct.on_train_begin(args, TrainerState(), TrainerControl(), model=model)
            for _ in range(rounds):
                for name, (logging_steps, with_callback) in variants.items():
                    callback = timed() if with_callback else None
                    seconds = _train(model, data, Path(tmp) / "out", logging_steps, callback, steps)
                    per_variant.setdefault(name, []).append(seconds)
                background.append(_background_per_row(run, direct, args, 2000))
        finally:
            run.finish()
            os.chdir(old_cwd)
    on_log = timed.seconds / max(1, timed.calls)  # the real trainings' calls only
    medians = {name: statistics.median(times) for name, times in per_variant.items()}
    return medians, on_log, statistics.median(background)


def main(quick: bool = False) -> list[Result]:
    steps = 100 if quick else STEPS
    medians, on_log, background = bench(rounds=3 if quick else 7, steps=steps)
    load = os.getloadavg()[0]
    name = "Hugging Face Trainer callback"
    out = [
        Result(name, "on_log, main thread CPU per call (in real training)", on_log * 1e6, "µs"),
        Result(name, "SDK background thread CPU per row", background * 1e6, "µs"),
    ]
    for logging_steps in (1, 5):
        base = medians[f"logging_steps={logging_steps}, no callback"]
        ours = medians[f"logging_steps={logging_steps}, callback"]
        label = f"logging_steps={logging_steps}"
        note = f"{steps} steps, load avg {load:.1f}"
        per_step = (on_log + background) / logging_steps
        out += [
            Result(name, f"tiny BERT step, {label}, no callback", base * 1e6, "µs", note=note),
            Result(name, f"tiny BERT step, {label}, WandbCallback (A/B)", ours * 1e6, "µs"),
            Result(name, f"A/B step time difference, {label}", (ours - base) / base * 100, "%", note="noisy"),
            Result(name, f"overhead of WandbCallback, {label}", per_step / base * 100, "%", "< 1"),
        ]
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
