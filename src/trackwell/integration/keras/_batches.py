"""Per-batch logging off the training thread, in batch order, with the learning rate of the batch.

Keras 3 (the torch, JAX and TensorFlow backends) runs ``on_train_batch_end`` on a thread pool when
every callback with that hook says ``async_safe = True``; one without it makes Keras run every
callback's batch hook on the training thread, after converting the batch's logs to Python floats
there: on a tiny model that costs 10-30% of a training step before the hook does anything. The
per-batch callbacks here are async-safe, which leaves two things to get right, done by this module:

* **Order.** Two pool threads can run two batches' hooks at once, so the later batch could log
  first. :class:`BatchOrder` records each batch's start on the training thread
  (``on_train_batch_begin``, which Keras always calls there) and hands batch ends to the logging
  function strictly in that order, whichever thread delivers them. Keras waits for every pending
  batch hook before ``on_epoch_end``, so the epoch's rows still come after its batch rows.
* **The learning rate.** By the time a pool thread runs, the training thread may have taken more
  steps. :class:`RateReader` takes what the rate depends on at the batch's start, on the training
  thread (a variable's value: about 1 µs; for a schedule, the optimizer's step count), and turns it
  into the rate after the batch, wandb's value: the variable's value, or the schedule at the step
  count after the batch's steps.

With another callback that is not async-safe, Keras calls everything on the training thread in
order and this module changes nothing.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import keras

from ._shared import learning_rate

# (end step, logs, snapshot taken as the batch began, optimizer steps the batch ran)
Handle = Callable[[int, dict[str, Any], Any, int], None]


class BatchOrder:
    """Calls ``handle`` for each batch end in the order the batches began (see the module doc)."""

    def __init__(self, handle: Handle) -> None:
        self._handle = handle
        self._lock = threading.Lock()
        # (begin step, snapshot) of each begun batch whose end was not handled yet, oldest first.
        # The training thread appends (deque.append is atomic); ends pop under the lock.
        self._begun: deque[tuple[int, Any]] = deque()
        self._ended: dict[int, dict[str, Any]] = {}  # end step -> logs, arrived ahead of an older batch

    def reset(self) -> None:
        """At the start of ``fit`` and of each epoch (Keras has run every pending end by then)."""
        with self._lock:
            self._begun.clear()
            self._ended.clear()

    def begin(self, step: int, snapshot: Any) -> None:
        self._begun.append((step, snapshot))

    def end(self, step: int, logs: dict[str, Any] | None) -> None:
        with self._lock:
            begun = self._begun
            if begun and not self._ended and (len(begun) == 1 or step < begun[1][0]) and step >= begun[0][0]:
                began, snapshot = begun.popleft()  # the usual case: the oldest batch's end, in order
                self._handle(step, logs or {}, snapshot, step - began + 1)
                return
            if not begun or step < begun[0][0]:
                # No recorded start (a loop that calls only batch ends): nothing to order against.
                self._handle(step, logs or {}, None, 1)
                return
            self._ended[step] = logs or {}
            # A batch's end step lies between its begin step and the next batch's begin step
            # (Keras' steps_per_execution runs several steps between one begin and one end).
            while self._ended:
                first = min(self._ended)
                if len(begun) > 1 and first >= begun[1][0]:
                    return  # the oldest begun batch has not ended yet: keep the newer ones waiting
                began, snapshot = begun.popleft()
                self._handle(first, self._ended.pop(first), snapshot, first - began + 1)
                if not begun:
                    return


class RateReader:
    """The optimizer's learning rate after a batch, from a snapshot taken as the batch begins."""

    def __init__(self, model: Any) -> None:
        self._model = model
        optimizer = getattr(model, "optimizer", None)
        try:  # the public property: a wrapper such as LossScaleOptimizer answers with its inner rate
            current = optimizer.learning_rate if optimizer is not None else None
        except Exception:
            current = None
        self._variable = current if isinstance(current, keras.Variable) else None
        schedule = getattr(optimizer, "_learning_rate", None)
        is_schedule = isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule)
        # Anything else (a wrapped schedule, a callable) is read when logging, as before.
        self._schedule = schedule if self._variable is None and is_schedule else None
        self._iterations = getattr(optimizer, "iterations", None) if self._schedule is not None else None

    def snapshot(self) -> Any:
        """On the training thread, before the batch's steps: a float, a step count, or ``None``."""
        try:
            if self._variable is not None:
                return float(_item(self._variable))
            if self._iterations is not None:
                return int(_item(self._iterations))
        except Exception:  # an unusual backend value: read the rate the slow way when logging
            return None
        return None

    def rate(self, snapshot: Any, steps: int) -> float | None:
        """The rate after ``steps`` optimizer steps from the ``snapshot``, as wandb reads it then."""
        if snapshot is None:
            return learning_rate(self._model)
        if self._schedule is None:
            return float(snapshot)
        try:
            return float(keras.ops.convert_to_numpy(self._schedule(snapshot + steps)).item())
        except Exception:
            return learning_rate(self._model)


def _item(variable: Any) -> Any:
    """A scalar variable's value as a Python number, read on the training thread at every logged
    batch: not through ``convert_to_numpy`` (10 µs on torch) nor the ``value`` property (its scope
    checks cost 3 µs) but from the backend value the variable holds (torch and JAX values have
    ``.item()``; TensorFlow's have ``.numpy()``)."""
    value = getattr(variable, "_value", None)
    if value is None:
        value = variable.value
    item = getattr(value, "item", None)
    return item() if item is not None else value.numpy().item()
