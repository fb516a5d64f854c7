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

    return {
        "no callback": lambda: [],
        # Keras' own price of any callback with a batch hook: synchronous dispatch and logs
        # converted to Python floats every batch.
        "a no-op batch hook (Keras' own cost)": lambda: [BatchHook()],
        "keras ModelCheckpoint (every epoch)": lambda: [
            keras.callbacks.ModelCheckpoint(str(tmp / "plain" / "model.keras"))
        ],
        "WandbCallback(save_model=False)": lambda: [WandbCallback(save_model=False)],
        "WandbCallback() (saves the best model)": lambda: [WandbCallback()],
        "WandbMetricsLogger()": lambda: [WandbMetricsLogger()],
        "WandbMetricsLogger(log_freq='batch')": lambda: [WandbMetricsLogger(log_freq="batch")],
        "WandbModelCheckpoint (every epoch)": lambda: [
            WandbModelCheckpoint(str(tmp / "ckpt" / "model.keras"))
        ],
    }


def _fit(model: Any, data: tuple[Any, ...], callbacks: list[Any], epochs: int) -> float:
    """CPU seconds (all threads of this process) per training step of one ``fit``."""
    x, y, vx, vy = data
    start = time.process_time()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, validation_data=(vx, vy), verbose=0, callbacks=callbacks)
    return (time.process_time() - start) / (epochs * STEPS_PER_EPOCH)


def bench(rounds: int, epochs: int) -> dict[str, float]:
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
    per_variant: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="tw-keras-bench-") as tmp:
        old_cwd = os.getcwd()
        os.chdir(tmp)  # run dirs and checkpoints land in the temporary folder
        run = trackwell.init(project="keras-bench", mode="offline", dir=tmp, settings={"silent": True})
        try:
            variants = _variants(Path(tmp))
            _fit(model, data, [], 1)  # warm-up: first fit builds the train function
            for _ in range(rounds):
                for name, make in variants.items():
                    per_variant.setdefault(name, []).append(_fit(model, data, make(), epochs))
        finally:
            run.finish()
            os.chdir(old_cwd)
    return {name: statistics.median(times) for name, times in per_variant.items()}


def main(quick: bool = False) -> list[Result]:
    medians = bench(rounds=3 if quick else 7, epochs=2 if quick else 3)
    base = medians["no callback"]
    load = os.getloadavg()[0]
    name = "Keras callbacks"
    note = f"{STEPS_PER_EPOCH} steps/epoch, load avg {load:.1f}"
    out = [Result(name, "tiny MLP step, no callback", base * 1e6, "µs", note=note)]
    for variant, seconds in medians.items():
        if variant == "no callback":
            continue
        # Against the same fit without it; WandbModelCheckpoint against Keras' own ModelCheckpoint,
        # whose saving it adds to (the saving itself is Keras' cost, not the integration's).
        reference = (
            "keras ModelCheckpoint (every epoch)" if variant.startswith("WandbModelCheckpoint") else None
        )
        against = medians[reference] if reference else base
        overhead = (seconds - against) / against * 100
        ours = variant.startswith("Wandb") and "'batch'" not in variant
        out.append(Result(name, f"tiny MLP step, {variant}", seconds * 1e6, "µs"))
        label = f"overhead of {variant}" + (" vs keras ModelCheckpoint" if reference else "")
        out.append(Result(name, label, overhead, "%", "< 1" if ours else ""))
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for result in main(quick="--quick" in sys.argv):
        print(
            f"{result.metric}: {result.value:.2f} {result.unit} (target {result.target or '-'}) {result.note}"
        )
