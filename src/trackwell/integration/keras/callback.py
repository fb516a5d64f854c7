"""``WandbCallback``: wandb's legacy Keras callback, for Keras 3 on any backend.

What it records, as wandb's does for the same code:

* one history row per epoch: ``epoch`` (0-based, Keras' index) and every Keras log of that epoch
  (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, ``learning_rate`` when a scheduler
  callback puts it in the logs, ...), plus ``parameters/...`` / ``gradients/...`` histograms when
  ``log_weights`` / ``log_gradients``;
* with ``log_batch_frequency=N``: also a row of the batch's logs every N batches (batch index % N == 0);
* summary ``best_<monitor>`` and ``best_epoch`` (prefix ``log_best_prefix``) each time ``monitor``
  improves (``mode`` min / max, or auto: max when the name contains ``acc`` or starts with
  ``fmeasure``, min otherwise); a resumed run starts from the summary's previous best;
* ``save_model=True``: at each improvement the model is saved as ``model-best.keras`` in the run's
  files (``model-best.weights.h5`` with ``save_weights_only=True``; Keras 3 writes no ``.h5`` model)
  and logged as a ``model`` artifact ``model-<run name>`` with aliases ``latest`` and ``epoch_<n>``.

wandb's other arguments are accepted so its code runs unchanged; the ones not acted on are listed in
``IGNORED`` and warned about once when switched on.
"""

from __future__ import annotations

import operator
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras

import trackwell
from trackwell.util import make_artifact_name_safe

from .._common import log_model_files
from ._batches import BatchOrder
from ._histograms import GradientLogger, weight_histograms
from ._shared import current_run, keeps_batch_ends_of, require_run, scalars, warn_once

# wandb arguments accepted and not acted on, with why (the docs list them too).
IGNORED = {
    "validation_data": "prediction images/tables of validation data",
    "generator": "prediction images/tables of validation data",
    "labels": "prediction images/tables of validation data",
    "data_type": "prediction images of validation data (wandb's old name of input_type)",
    "input_type": "prediction images of validation data",
    "output_type": "prediction images of validation data",
    "class_colors": "segmentation mask images",
    "log_evaluation": "the validation predictions table",
    "validation_indexes": "the validation predictions table",
    "validation_row_processor": "the validation predictions table",
    "prediction_row_processor": "the validation predictions table",
    "output_row_processor": "the validation predictions table",
    "save_graph": "the model graph (wandb.Graph)",
    "compute_flops": "FLOPs (TensorFlow's profiler in wandb)",
}


def _switched_on(value: Any) -> bool:
    """Whether a user gave an ignored argument a value that would do something in wandb (identity
    and type checks only: ``value`` may be a numpy array, whose ``==`` is elementwise)."""
    if value is None or value is False:
        return False
    return not (isinstance(value, (list, tuple, dict)) and len(value) == 0)


def monitor_op(monitor: str, mode: str) -> tuple[Callable[[Any, Any], bool], float]:
    """wandb's (and Keras 2's) rule for which way ``monitor`` improves, with the starting best."""
    if mode not in ("auto", "min", "max"):
        warn_once(f"mode:{mode}", f"WandbCallback mode {mode} is unknown, fallback to auto mode.")
        mode = "auto"
    if mode == "auto":
        mode = "max" if "acc" in monitor or monitor.startswith("fmeasure") else "min"
    return (operator.gt, float("-inf")) if mode == "max" else (operator.lt, float("inf"))


class WandbCallback(keras.callbacks.Callback):  # type: ignore[misc]
    """wandb's ``WandbCallback`` (see the module doc for what is recorded)::

    run = trackwell.init(project="keras-project")
    model.fit(x, y, validation_split=0.2, epochs=5, callbacks=[WandbCallback()])
    """

    @property
    def async_safe(self) -> bool:
        """Keras may run the batch hooks (``log_batch_frequency``) on its callback thread, unless a
        subclass has batch-end hooks of its own."""
        return keeps_batch_ends_of(self, WandbCallback)

    def __init__(
        self,
        monitor: str = "val_loss",
        verbose: int = 0,
        mode: str = "auto",
        save_weights_only: bool = False,
        log_weights: bool = False,
        log_gradients: bool = False,
        save_model: bool = True,
        training_data: Any = None,
        validation_data: Any = None,
        labels: Any = None,
        predictions: int = 36,
        generator: Any = None,
        input_type: str | None = None,
        output_type: str | None = None,
        log_evaluation: bool = False,
        validation_steps: int | None = None,
        class_colors: Any = None,
        log_batch_frequency: int | None = None,
        log_best_prefix: str | None = "best_",
        save_graph: bool = True,
        validation_indexes: Any = None,
        validation_row_processor: Any = None,
        prediction_row_processor: Any = None,
        infer_missing_processors: bool = True,
        log_evaluation_frequency: int = 0,
        compute_flops: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        run = require_run("WandbCallback")
        given = dict(locals(), **kwargs)
        for name in IGNORED:
            if _switched_on(given.get(name)) and name != "save_graph":  # save_graph defaults to True
                warn_once(
                    f"ignored:{name}",
                    f"WandbCallback({name}=...) is accepted and ignored: "
                    f"trackwell does not log {IGNORED[name]}",
                )
        self.monitor = monitor
        self.verbose = verbose
        self.save_weights_only = save_weights_only
        self.save_model = save_model
        self.log_weights = log_weights
        self.log_gradients = log_gradients
        self.log_batch_frequency = log_batch_frequency
        self.log_best_prefix = log_best_prefix
        self.monitor_op, self.best = monitor_op(monitor, mode)
        self.current: Any = None
        previous = run.summary.get(f"{log_best_prefix}{monitor}") if log_best_prefix else None
        if previous is not None:  # a resumed run: beat the best it already recorded
            self.best = previous
        self._order = BatchOrder(self._log_ordered)
        self._every_end = False
        self._batch_freq = int(log_batch_frequency or 1)  # the batch hooks exist only when it is set
        if log_batch_frequency:
            # Batch hooks only when asked (wandb's _implements_train_batch_hooks). They are
            # async-safe (``async_safe``): Keras runs the ends on its callback thread instead of
            # converting every batch's logs on the training thread, and BatchOrder keeps the rows
            # in batch order (see _batches).
            self.on_train_batch_begin = self._begin_batch
            self.on_train_batch_end = self._log_batch
        self._gradients = GradientLogger(training_data) if log_gradients else None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    # --- Keras hooks --------------------------------------------------------------------------------

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        run = current_run("WandbCallback")
        row: dict[str, Any] = {}
        if self.log_weights:
            row.update(weight_histograms(self.model))
        if self._gradients is not None:
            row.update(self._gradients.histograms(self.model))
        row["epoch"] = epoch
        row.update(scalars(logs))
        run.log(row)  # one row: wandb logs epoch with commit=False, then the logs with commit=True

        self.current = row.get(self.monitor)
        # wandb tests `self.current and ...`, which never records a best of exactly 0: `is not None`.
        if self.current is not None and self.monitor_op(self.current, self.best):
            if self.log_best_prefix:
                run.summary[f"{self.log_best_prefix}{self.monitor}"] = self.current
                run.summary[f"{self.log_best_prefix}epoch"] = epoch
                if self.verbose and not self.save_model:
                    trackwell.termlog(self._improved(epoch))
            if self.save_model:
                self._save_best(run, epoch)
            self.best = self.current

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._order.reset()
        # With steps_per_execution > 1 a batch's end step is not its begin step: order every one.
        self._every_end = getattr(self.model, "steps_per_execution", 1) != 1

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._order.reset()

    def _begin_batch(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """``on_train_batch_begin`` when ``log_batch_frequency`` is set: a batch that will be logged
        takes its place in the order (with steps_per_execution > 1, every batch does)."""
        if self._every_end or batch % self._batch_freq == 0:
            self._order.begin(batch, None)

    def _log_batch(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """``on_train_batch_end`` when ``log_batch_frequency`` is set (bound in ``__init__``), maybe
        on Keras' callback thread: handed to ``_log_ordered`` in batch order."""
        if self._every_end or batch % self._batch_freq == 0:
            self._order.end(batch, logs)

    def _log_ordered(self, batch: int, logs: dict[str, Any], _snapshot: Any, _steps: int) -> None:
        if self.log_batch_frequency and batch % self.log_batch_frequency == 0:
            current_run("WandbCallback").log(scalars(logs))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def _improved(self, epoch: int) -> str:
        return f"Epoch {epoch:05d}: {self.monitor} improved from {self.best:0.5f} to {self.current:0.5f}"

    # --- the best model -----------------------------------------------------------------------------

    def _save_best(self, run: Any, epoch: int) -> None:
        if getattr(run, "disabled", False):
            return
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="trackwell-keras-")
        # Saved outside files/ first: run.save copies it in atomically, and the artifact stages its
        # own copy, so the next improvement cannot rewrite a file while it is being uploaded.
        scratch = Path(self._scratch.name)
        model_file = scratch / "model-best.keras"
        if self.verbose > 0:
            trackwell.termlog(f"{self._improved(epoch)}, saving model to {Path(run.dir) / model_file.name}")
        self.model.save(model_file, overwrite=True)
        if self.save_weights_only:
            weights_file = scratch / "model-best.weights.h5"
            self.model.save_weights(weights_file, overwrite=True)
            run.save(str(weights_file), base_path=str(scratch), policy="now")
        else:
            run.save(str(model_file), base_path=str(scratch), policy="now")
        name = make_artifact_name_safe(f"model-{run.name}")
        log_model_files(run, model_file, name, aliases=["latest", f"epoch_{epoch}"])
