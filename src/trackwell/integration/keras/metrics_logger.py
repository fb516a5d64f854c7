"""``WandbMetricsLogger``: wandb's Keras metrics callback, its keys and step metrics exactly.

* ``log_freq="epoch"`` (default): a row per epoch with every Keras log as ``epoch/<name>``
  (``epoch/loss``, ``epoch/val_loss``, ...), ``epoch/epoch`` (0-based) and ``epoch/learning_rate``;
  ``define_metric("epoch/*", step_metric="epoch/epoch")``.
* ``log_freq="batch"`` (= 1) or an int N: also a row every N batches (batch index within the epoch
  % N == 0) with ``batch/<name>``, ``batch/batch_step`` (0, N, 2N, ... over the whole fit) and
  ``batch/learning_rate``; ``define_metric("batch/*", step_metric="batch/batch_step")``. The epoch
  rows are still logged, as wandb does.
* ``initial_global_step``: wandb's argument for resuming; accepted. Keras 3 reads a schedule's
  learning rate at the optimizer's own iteration count, so the rate is right without it (it only
  starts the callback's ``global_step`` counter, counted in batch mode).
"""

from __future__ import annotations

from typing import Any, Literal

import keras

from ._batches import BatchOrder, RateReader
from ._shared import current_run, keeps_batch_ends_of, learning_rate, require_run, scalars

LogStrategy = Literal["epoch", "batch"]


class WandbMetricsLogger(keras.callbacks.Callback):  # type: ignore[misc]
    """Logs Keras' ``logs`` per epoch, and per N batches when asked (see the module doc)."""

    @property
    def async_safe(self) -> bool:
        """Keras may run the batch hooks on its callback thread (see ``_batches``), unless a
        subclass has batch-end hooks of its own."""
        return keeps_batch_ends_of(self, WandbMetricsLogger)

    def __init__(
        self, log_freq: LogStrategy | int = "epoch", initial_global_step: int = 0, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        run = require_run("WandbMetricsLogger")
        if log_freq == "batch":
            log_freq = 1
        if log_freq != "epoch" and (
            isinstance(log_freq, bool) or not isinstance(log_freq, int) or log_freq < 1
        ):
            raise ValueError(
                f"WandbMetricsLogger(log_freq={log_freq!r}) must be 'epoch', 'batch' or a positive number "
                "of batches, e.g. log_freq=10"
            )
        self.logging_batch_wise = isinstance(log_freq, int)
        self.log_freq: Any = log_freq if self.logging_batch_wise else None
        self.global_batch = 0
        self.global_step = initial_global_step
        self._order = BatchOrder(self._log_batch)
        self._rate: RateReader | None = None
        self._snapshot_every = False
        if self.logging_batch_wise:
            # Batch hooks only when logging per batch (in epoch mode the callback has none and
            # counts no global_step). They are async-safe (``async_safe``): Keras runs the batch
            # ends on its callback thread, in batch order thanks to BatchOrder (see _batches).
            self.on_train_batch_begin = self._on_batch_begin
            self.on_batch_end = self._on_batch_end
            self.on_train_batch_end = self._on_batch_end
            run.define_metric("batch/batch_step")
            run.define_metric("batch/*", step_metric="batch/batch_step")
        else:
            run.define_metric("epoch/epoch")
            run.define_metric("epoch/*", step_metric="epoch/epoch")

    def _get_lr(self) -> float | None:  # wandb's name: subclasses in the wild call it
        return learning_rate(self.model)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        row = scalars(logs, "epoch/")
        row["epoch/epoch"] = epoch
        lr = self._get_lr()
        if lr is not None:
            row["epoch/learning_rate"] = lr
        current_run("WandbMetricsLogger").log(row)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._order.reset()
        # A subclass with its own _get_lr keeps it for batch rows too (read when logging).
        own_rate = type(self)._get_lr is WandbMetricsLogger._get_lr
        self._rate = RateReader(self.model) if self.logging_batch_wise and own_rate else None
        # With steps_per_execution > 1 a batch's end step is not its begin step: snapshot each one.
        self._snapshot_every = getattr(self.model, "steps_per_execution", 1) != 1

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._order.reset()

    def _on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """``on_train_batch_begin`` in batch mode, on the training thread: a batch that will be
        logged takes its place in the order, with the learning rate's snapshot (about 1 µs)."""
        self.global_step += 1
        if self._snapshot_every or batch % self.log_freq == 0:
            self._order.begin(batch, self._rate.snapshot() if self._rate is not None else None)

    def _on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """``on_batch_end``/``on_train_batch_end`` in batch mode (bound in ``__init__``); Keras may run
        it on its callback thread: the row is logged in batch order by ``_log_batch``. A batch
        that is not logged returns at once (with one step per batch, a batch ends at the step it
        began with; with steps_per_execution > 1 every batch goes through the order)."""
        if self._snapshot_every or batch % self.log_freq == 0:
            self._order.end(batch, logs)

    def _log_batch(self, batch: int, logs: dict[str, Any], snapshot: Any, steps: int) -> None:
        if batch % self.log_freq == 0:
            row = scalars(logs, "batch/")
            row["batch/batch_step"] = self.global_batch
            rate = self._rate.rate(snapshot, steps) if self._rate is not None else self._get_lr()
            if rate is not None:
                row["batch/learning_rate"] = rate
            current_run("WandbMetricsLogger").log(row)
            self.global_batch += self.log_freq
