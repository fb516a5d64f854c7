"""Per-batch logging off Keras' training thread: the batch rows of ``WandbMetricsLogger`` and
``WandbCallback(log_batch_frequency=)`` are the same, in the same order, whether Keras runs the batch
hooks on its callback thread (the callbacks are async-safe) or on the training thread (another
callback that is not async-safe forces that), even when the callback thread delivers batches out of
order. Against real Keras 3 (torch backend, CPU) and a real server, read back through ``Api``.
"""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported: no TensorFlow here

import threading
import time
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import point_artifacts_at
from trackwell.integration.keras import WandbCallback, WandbMetricsLogger
from trackwell.integration.keras._batches import BatchOrder

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


@pytest.fixture
def api(server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    point_artifacts_at(server, tmp_path, monkeypatch)
    return trackwell.Api(overrides={"base_url": server.url}, api_key=server.api_key)


class _NotAsyncSafe(keras.callbacks.Callback):  # type: ignore[misc]
    """Any callback with a batch hook and no ``async_safe``: Keras then runs every batch hook on
    the training thread, in order (the reference behaviour)."""

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        pass


def _late_first_batch(callback: Any, threads: set[str]) -> None:
    """Holds batch 0's end back 0.3 s, on Keras' callback thread, so that later batches' ends get
    there first (Keras' pool starts another thread for them): the rows must still come in order."""
    end = callback.on_train_batch_end

    def delayed(batch: int, logs: Any = None) -> None:
        threads.add(threading.current_thread().name)
        if batch == 0 and threading.current_thread() is not threading.main_thread():
            time.sleep(0.3)
        end(batch, logs)

    callback.on_train_batch_end = delayed


def _fit_rows(
    api: Any, make: Any, extra: list[Any], delay: bool = False, rate: Any = None
) -> tuple[list[dict[str, Any]], set[str]]:
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    if rate is None:
        rate = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.SGD(rate), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype("float32")
    threads: set[str] = set()
    with trackwell.init(project="keras-batches") as run:
        callback = make()
        if delay:
            _late_first_batch(callback, threads)
        model.fit(x, x[:, :1], epochs=2, batch_size=8, shuffle=False, verbose=0, callbacks=[callback, *extra])
        run_id = run.id
    rows = api.run(f"keras-batches/{run_id}").scan_history()
    return [{k: v for k, v in row.items() if k != "_timestamp" and k != "_runtime"} for row in rows], threads


def test_metrics_logger_rows_are_the_same_on_keras_callback_thread_and_in_order(api: Any) -> None:
    def make() -> Any:
        return WandbMetricsLogger(log_freq=2)

    reference, _ = _fit_rows(api, make, [_NotAsyncSafe()])
    off_thread, threads = _fit_rows(api, make, [], delay=True)
    assert threads and threading.main_thread().name not in threads  # Keras ran them on its pool
    assert off_thread == reference
    batch_rows = [r for r in reference if "batch/batch_step" in r]
    # 6 batches per epoch, every 2nd logged: wandb's counter over the whole fit, in order.
    assert [r["batch/batch_step"] for r in batch_rows] == [0, 2, 4, 6, 8, 10]
    # The schedule's rate after each logged batch's step (global steps 0, 2, 4, 6, 8, 10).
    expected = [0.05 * 0.9 ** (step + 1) for step in (0, 2, 4, 6, 8, 10)]
    assert [r["batch/learning_rate"] for r in batch_rows] == pytest.approx(expected, rel=1e-6)
    assert [r["_step"] for r in reference] == list(range(8))  # 3 batch rows, epoch row, twice


def test_a_rate_changed_by_a_callback_between_epochs_is_in_the_next_batch_rows(api: Any) -> None:
    # A variable rate (not a schedule), set by Keras' LearningRateScheduler as each epoch begins.
    def make() -> Any:
        return WandbMetricsLogger(log_freq=3)

    def scheduler() -> Any:
        return keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.01)

    reference, _ = _fit_rows(api, make, [scheduler(), _NotAsyncSafe()], rate=0.5)
    off_thread, threads = _fit_rows(api, make, [scheduler()], delay=True, rate=0.5)
    assert threads and threading.main_thread().name not in threads
    assert off_thread == reference
    batch_rates = [r["batch/learning_rate"] for r in reference if "batch/batch_step" in r]
    assert batch_rates == pytest.approx([0.1, 0.1, 0.01, 0.01], rel=1e-6)


def test_wandb_callback_batch_rows_are_the_same_on_keras_callback_thread(api: Any) -> None:
    def make() -> Any:
        return WandbCallback(save_model=False, log_batch_frequency=3)

    reference, _ = _fit_rows(api, make, [_NotAsyncSafe()])
    off_thread, threads = _fit_rows(api, make, [], delay=True)
    assert threads and threading.main_thread().name not in threads
    assert off_thread == reference
    # Batches 0 and 3 of each epoch, then the epoch row: wandb's order.
    assert [r.get("epoch") for r in reference] == [None, None, 0, None, None, 1]


def test_batch_order_hands_ends_over_in_the_order_batches_began() -> None:
    handled: list[tuple[int, Any, int]] = []
    order = BatchOrder(lambda step, logs, snapshot, steps: handled.append((step, snapshot, steps)))
    for step in range(4):
        order.begin(step, f"lr{step}")
    for step in (1, 3, 0, 2):  # as pool threads might deliver them
        order.end(step, {"loss": step})
    assert handled == [(0, "lr0", 1), (1, "lr1", 1), (2, "lr2", 1), (3, "lr3", 1)]

    # steps_per_execution=3: one begin and one end per 3 steps; the end step is the last of them.
    handled.clear()
    order.reset()
    for step in (0, 3, 6):
        order.begin(step, step)
    for step in (5, 8, 2):
        order.end(step, None)
    assert handled == [(2, 0, 3), (5, 3, 3), (8, 6, 3)]

    # A loop that calls batch ends only: handled as they come.
    handled.clear()
    order.reset()
    order.end(7, None)
    assert handled == [(7, None, 1)]


def test_a_subclass_with_its_own_batch_hook_keeps_it_on_the_training_thread(api: Any) -> None:
    seen: set[str] = set()

    class ReadsTheModelEachBatch(WandbMetricsLogger):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            seen.add(threading.current_thread().name)

    keras.backend.clear_session()
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((32, 4), dtype="float32")
    with trackwell.init(project="keras-batches"):
        callback = ReadsTheModelEachBatch()
        assert not callback.async_safe and WandbMetricsLogger().async_safe
        model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0, callbacks=[callback])
    assert seen == {threading.main_thread().name}
