"""What the Keras callbacks cost ``model.fit``: step time of a tiny model with and without each.

A tiny MLP (8 -> 32 -> 32 -> 1, batch 64, Adam, Keras 3 on torch, CPU, one torch thread) fits
``STEPS_PER_EPOCH`` batches per epoch with a small validation set, in an offline run, once per variant
per round, the variants interleaved round by round so drift on a shared machine hits each alike:

* no callback;
* ``WandbCallback(save_model=False)`` (a row per epoch, best_<monitor> in the summary);
* ``WandbCallback()`` (wandb's default: also saves the best model, files + artifact, at each
  improvement: a per-epoch cost, reported against the whole epoch);
* ``WandbMetricsLogger()`` (per epoch) and ``WandbMetricsLogger(log_freq="batch")`` (the worst case:
  a row and a learning-rate read every batch);
* ``WandbModelCheckpoint(".../model.keras")`` (Keras' own save every epoch, plus the artifact).

Step time is CPU time of this process (every thread: Keras' loop and the SDK's threads) over the
whole ``fit``, divided by the number of training steps, so per-epoch work (validation, saving) is
spread over the epoch as a user experiences it. The load average is printed with the numbers.

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

STEPS_PER_EPOCH = 200
BATCH = 64


def _variants(tmp: Path) -> dict[str, Callable[[], list[Any]]]:
    import keras

    from trackwell.integration.keras import WandbCallback, WandbMetricsLogger, WandbModelCheckpoint

    class BatchHook(keras.callbacks.Callback):  # type: ignore[misc]
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            pass

    fits = itertools.count()
    return {
        "no callback": lambda: [],
        # Keras' own price of any callback with a batch hook: synchronous dispatch and logs
        # converted to Python floats every batch.
        "a no-op batch hook (Keras' own cost)": lambda: [BatchHook()],
        "keras ModelCheckpoint (every epoch)": lambda: [
            keras.callbacks.ModelCheckpoint(str(tmp / "plain" / "model.keras"))
        ],
        "WandbCallback(save_model=False)": lambda: [WandbCallback(save_model=False)],
        # A fresh summary prefix per fit: with the run's previous best_val_loss in the summary, a new
        # WandbCallback resumes from it (as wandb's does) and would rarely save again.
        "WandbCallback() (saves the best model)": lambda: [
            WandbCallback(log_best_prefix=f"best{next(fits)}_")
        ],
        "WandbMetricsLogger()": lambda: [WandbMetricsLogger()],
        "WandbMetricsLogger(log_freq='batch')": lambda: [WandbMetricsLogger(log_freq="batch")],
        "WandbModelCheckpoint (every epoch)": lambda: [
            WandbModelCheckpoint(str(tmp / "ckpt" / "model.keras"))
        ],
    }


HOOKS = (
    "on_train_begin",
    "on_epoch_begin",
    "on_train_batch_end",
    "on_batch_end",
    "on_epoch_end",
    "on_train_end",
)


def _time_hooks(callbacks: list[Any]) -> list[float]:
    """Wrap each hook a callback really implements (Keras' defaults stay untouched: wrapping one would
    change how Keras dispatches) to add its wall time into the returned one-element list."""
    from keras.src.utils.python_utils import is_default

    spent = [0.0]
    for callback in callbacks:
        for name in HOOKS:
            hook = getattr(callback, name)
            if is_default(hook):
                continue

            def timed(*args: Any, _hook: Any = hook, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return _hook(*args, **kwargs)
                finally:
                    spent[0] += time.perf_counter() - start

            setattr(callback, name, timed)
    return spent


_SAVING = [0.0]  # wall seconds inside Keras' own model.save, for the fit being timed


def _time_keras_saves(model: Any) -> None:
    """Count the time in Keras' ``model.save`` (the callbacks call it; it is Keras' cost, which
    plain ``keras.callbacks.ModelCheckpoint`` pays the same)."""
    save = model.save

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return save(*args, **kwargs)
        finally:
            _SAVING[0] += time.perf_counter() - start

    model.save = timed


def _fit(model: Any, data: tuple[Any, ...], callbacks: list[Any], epochs: int) -> tuple[float, float, float]:
    """Per training step of one ``fit``: CPU seconds (all threads of this process), wall seconds inside
    the callbacks' own hooks, and wall seconds of those inside Keras' ``model.save``."""
    x, y, vx, vy = data
    spent = _time_hooks(callbacks)
    _SAVING[0] = 0.0
    start = time.process_time()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, validation_data=(vx, vy), verbose=0, callbacks=callbacks)
    steps = epochs * STEPS_PER_EPOCH
    return (time.process_time() - start) / steps, spent[0] / steps, _SAVING[0] / steps


def bench(rounds: int, epochs: int) -> dict[str, tuple[float, float, float]]:
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
    _time_keras_saves(model)
    per_variant: dict[str, list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="tw-keras-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)  # run dirs and checkpoints land in the temporary folder
        run = trackwell.init(project="keras-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            variants = _variants(Path(tmp))
            _fit(model, data, [], 1)  # warm-up: first fit builds the train function
            names = list(variants)
            for r in range(rounds):
                # Each round starts at another variant: the SDK's threads still busy with the last
                # fit's files bill the next fit, which must not always be the same one.
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    make = variants[name]
                    per_variant.setdefault(name, []).append(_fit(model, data, make(), epochs))
        finally:
            run.finish()
            os.chdir(old_cwd)
    return {
        name: (
            statistics.median(t[0] for t in times),
            statistics.median(t[1] for t in times),
            statistics.median(t[2] for t in times),
        )
        for name, times in per_variant.items()
    }


def main(quick: bool = False) -> list[Result]:
    medians = bench(rounds=2 if quick else 8, epochs=1 if quick else 2)
    base = medians["no callback"][0]
    load = os.getloadavg()[0]
    name = "Keras callbacks"
    note = f"{STEPS_PER_EPOCH} steps/epoch, load avg {load:.1f}"
    out = [Result(name, "tiny MLP step, no callback", base * 1e6, "µs", note=note)]
    for variant, (step, in_hooks, saving) in medians.items():
        if variant == "no callback":
            continue
        # The fit's step time against the same fit without the callback (noisy on a loaded machine);
        # WandbModelCheckpoint against Keras' own ModelCheckpoint, whose saving it adds to.
        reference = (
            "keras ModelCheckpoint (every epoch)" if variant.startswith("WandbModelCheckpoint") else None
        )
        against = medians[reference][0] if reference else base
        ours = variant.startswith("Wandb")
        out.append(Result(name, f"tiny MLP step, {variant}", step * 1e6, "µs"))
        label = f"step overhead of {variant}" + (" vs keras ModelCheckpoint" if reference else "")
        out.append(Result(name, label, (step - against) / against * 100, "%"))
        if ours:
            # Exact and load-independent: time inside the callback's own hooks per training step,
            # less Keras' own model.save (the saving a plain ModelCheckpoint does too).
            target = "< 1" if "'batch'" not in variant else ""
            ours_only = (in_hooks - saving) / base * 100
            out.append(Result(name, f"time in {variant}'s hooks, % of step", ours_only, "%", target))
            if saving:
                out.append(
                    Result(name, f"Keras' model.save in {variant}, % of step", saving / base * 100, "%")
                )
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
