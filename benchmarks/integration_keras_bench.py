"""What the Keras callbacks cost ``model.fit``, per training step of a tiny model, by thread.

A tiny MLP (8 -> 32 -> 32 -> 1, batch 64, Adam, Keras 3 on torch, CPU, one torch thread) fits
``STEPS_PER_EPOCH`` batches per epoch with a small validation set, in an offline run, once per variant
per round; the variants are interleaved round by round (each round starting at another one) so drift
on a shared machine hits each alike. Variants: no callback; a no-op batch hook that is not
async-safe (what Keras itself charges the training thread for any such callback: it then converts
every batch's logs on the training thread instead of its callback thread); Keras' own
``ModelCheckpoint``; and each trackwell callback in its default and documented settings.

Per training step, medians over the rounds, CPU time (not wall time) so other processes on the
machine move the numbers less:

* **training thread**: the whole ``fit`` on the thread that runs it, and its A/B difference from the
  no-callback fit of the same round (median of the paired differences, ± half their IQR: the
  machine's noise, often larger than 1% on a loaded 2-core machine);
* **in the callback's hooks** (measured directly, to the microsecond): on the training thread, and on
  Keras' callback thread where Keras runs async-safe batch hooks; Keras' own ``model.save`` inside
  them is counted apart (plain ``ModelCheckpoint`` pays it too);
* **SDK threads**: CPU of the SDK's ``trackwell-*`` threads (the processor that applies and writes
  the rows, artifact staging) beyond the no-callback fit of the same round.

The headline ("cost per step, all threads") adds the hooks on every thread and the SDK threads: the
CPU a callback adds to training, wherever it runs. Target: under 1% of the step.

Run: ``.venv/bin/python -m benchmarks.integration_keras_bench [--quick]``.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Result
from benchmarks.thread_cpu import HookClock, paired_overhead, sdk_threads_cpu

STEPS_PER_EPOCH = 200
BATCH = 64
NO_CALLBACK = "no callback"
KERAS_SYNC = "a no-op batch hook, not async-safe (Keras' own cost)"


def _variants(tmp: Path) -> dict[str, Callable[[], list[Any]]]:
    import keras

    from trackwell.integration.keras import WandbCallback, WandbMetricsLogger, WandbModelCheckpoint

    class BatchHook(keras.callbacks.Callback):  # type: ignore[misc]
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            pass

    fits = itertools.count()
    return {
        NO_CALLBACK: lambda: [],
        KERAS_SYNC: lambda: [BatchHook()],
        "keras ModelCheckpoint (every epoch)": lambda: [
            keras.callbacks.ModelCheckpoint(str(tmp / "plain" / "model.keras"))
        ],
        "WandbCallback(save_model=False)": lambda: [WandbCallback(save_model=False)],
        # A fresh summary prefix per fit: with the run's previous best_val_loss in the summary, a new
        # WandbCallback resumes from it (as wandb's does) and would rarely save again.
        "WandbCallback() (saves the best model)": lambda: [
            WandbCallback(log_best_prefix=f"best{next(fits)}_")
        ],
        "WandbCallback(save_model=False, log_batch_frequency=1)": lambda: [
            WandbCallback(save_model=False, log_batch_frequency=1)
        ],
        "WandbMetricsLogger()": lambda: [WandbMetricsLogger()],
        "WandbMetricsLogger(log_freq='batch')": lambda: [WandbMetricsLogger(log_freq="batch")],
        "WandbMetricsLogger(log_freq=10)": lambda: [WandbMetricsLogger(log_freq=10)],
        "WandbModelCheckpoint (every epoch)": lambda: [
            WandbModelCheckpoint(str(tmp / "ckpt" / "model.keras"))
        ],
    }


HOOKS = (
    "on_train_begin",
    "on_epoch_begin",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_end",
    "on_epoch_end",
    "on_train_end",
)


def _clock_hooks(callbacks: list[Any]) -> HookClock:
    """Wrap each hook a trackwell callback really implements (Keras' defaults stay untouched: wrapping
    one would change how Keras dispatches; the class's ``async_safe`` stays as it is)."""
    from keras.src.utils.python_utils import is_default

    clock = HookClock()
    for callback in callbacks:
        if not type(callback).__module__.startswith("trackwell"):
            continue
        for name in HOOKS:
            hook = getattr(callback, name)
            if not is_default(hook):
                setattr(callback, name, clock.wrap(hook))
    return clock


_SAVING = [0.0]  # CPU seconds inside Keras' own model.save, for the fit being measured


def _clock_keras_saves(model: Any) -> None:
    """Count the CPU time in Keras' ``model.save`` (the callbacks call it on the training thread; it
    is Keras' cost, which plain ``keras.callbacks.ModelCheckpoint`` pays the same)."""
    save = model.save

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return save(*args, **kwargs)
        finally:
            _SAVING[0] += time.thread_time() - start

    model.save = timed


Fit = dict[str, float]  # per training step, seconds: train, sdk, hooks_train, hooks_other, saving


def _fit(run: Any, model: Any, data: tuple[Any, ...], callbacks: list[Any], epochs: int) -> Fit:
    x, y, vx, vy = data
    clock = _clock_hooks(callbacks)
    _SAVING[0] = 0.0
    run._processor.drain()
    sdk = sdk_threads_cpu()
    start = time.thread_time()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, validation_data=(vx, vy), verbose=0, callbacks=callbacks)
    train = time.thread_time() - start
    run._processor.drain()  # the rows of this fit are applied: their SDK cost is in this fit's numbers
    steps = epochs * STEPS_PER_EPOCH
    return {
        "train": train / steps,
        "sdk": (sdk_threads_cpu() - sdk) / steps,
        "hooks_train": clock.training / steps,
        "hooks_other": clock.other / steps,
        "saving": _SAVING[0] / steps,
    }


def bench(rounds: int, epochs: int) -> dict[str, list[Fit]]:
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    import numpy as np
    import torch

    import trackwell

    torch.set_num_threads(1)  # a tiny model: threads add noise, not speed
    rng = np.random.default_rng(0)
    x = rng.normal(size=(STEPS_PER_EPOCH * BATCH, 8)).astype("float32")
    vx = rng.normal(size=(256, 8)).astype("float32")
    data = (x, (x[:, 0] > 0).astype("float32"), vx, (vx[:, 0] > 0).astype("float32"))
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(8,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    _clock_keras_saves(model)
    per_variant: dict[str, list[Fit]] = {}
    with tempfile.TemporaryDirectory(prefix="tw-keras-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)  # run dirs and checkpoints land in the temporary folder
        run = trackwell.init(project="keras-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            variants = _variants(Path(tmp))
            _fit(run, model, data, [], 1)  # warm-up: the first fit builds the train function
            names = list(variants)
            for r in range(rounds):
                # Each round starts at another variant: the SDK's threads still busy with the last
                # fit's files bill the next fit, which must not always be the same one.
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    per_variant.setdefault(name, []).append(_fit(run, model, data, variants[name](), epochs))
        finally:
            run.finish()
            os.chdir(old_cwd)
    return per_variant


def _median(fits: list[Fit], key: str) -> float:
    return statistics.median(f[key] for f in fits)


def main(quick: bool = False) -> list[Result]:
    fits = bench(rounds=3 if quick else 9, epochs=1 if quick else 2)
    base_fits = fits[NO_CALLBACK]
    base = _median(base_fits, "train")
    load = os.getloadavg()[0]
    name = "Keras callbacks"
    out = [
        Result(
            name,
            "tiny MLP step, training thread, no callback",
            base * 1e6,
            "µs",
            note=f"{STEPS_PER_EPOCH} steps/epoch, load avg {load:.1f}; CPU time",
        )
    ]

    def add(metric: str, value: float, unit: str = "%", target: str = "", note: str = "") -> None:
        out.append(Result(name, metric, value, unit, target, note))

    for variant, runs in fits.items():
        if variant == NO_CALLBACK:
            continue
        shift, noise = paired_overhead([f["train"] for f in runs], [f["train"] for f in base_fits])
        add(f"tiny MLP step, training thread, {variant}", _median(runs, "train") * 1e6, "µs")
        add(
            f"A/B on the training thread, {variant}",
            shift / base * 100,
            note=f"± {noise / base * 100:.1f} % noise",
        )
        if not variant.startswith("Wandb"):
            continue
        in_training = (_median(runs, "hooks_train") - _median(runs, "saving")) / base * 100
        in_pool = _median(runs, "hooks_other") / base * 100
        sdk_shift = paired_overhead([f["sdk"] for f in runs], [f["sdk"] for f in base_fits])[0]
        sdk = max(sdk_shift, 0.0) / base * 100
        add(f"{variant}: in its hooks on the training thread, % of step", in_training, target="< 1")
        add(f"{variant}: in its hooks on Keras' callback thread, % of step", in_pool)
        add(f"{variant}: SDK threads, % of step", sdk)
        add(f"{variant}: cost per step, all threads", in_training + in_pool + sdk, target="< 1")
        saving = _median(runs, "saving") / base * 100
        if saving:
            add(f"{variant}: Keras' own model.save, % of step (not counted)", saving)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.3f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
