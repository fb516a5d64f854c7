"""``WandbModelCheckpoint``: Keras' own ``ModelCheckpoint`` (same arguments, same files), each saved
checkpoint also logged as a ``model`` artifact, named and aliased as wandb's callback does:

* name ``run_<run id>_model``, one version per distinct checkpoint (an unchanged file, e.g. with
  ``save_best_only`` and no improvement, is the same version: its aliases move to it);
* aliases ``latest`` and ``epoch_<n>`` (``n`` = Keras' 0-based epoch index, while Keras' own
  ``{epoch}`` in ``filepath`` is 1-based), or ``epoch_<n>_batch_<b>`` with an int ``save_freq``.

An epoch that saved nothing (``save_best_only`` with a templated ``filepath``) logs nothing; wandb
would raise ``FileNotFoundError`` there.
"""

from __future__ import annotations

import os
import string
from typing import Any, Literal

import keras

import trackwell

from .._common import log_model_files
from ._shared import current_run, keeps_batch_ends_of, require_run

Mode = Literal["auto", "min", "max"]


class WandbModelCheckpoint(keras.callbacks.ModelCheckpoint):  # type: ignore[misc]
    """``keras.callbacks.ModelCheckpoint`` whose checkpoints become artifact versions."""

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: Mode = "auto",
        save_freq: Literal["epoch"] | int = "epoch",
        initial_value_threshold: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filepath=filepath,
            monitor=monitor,
            verbose=verbose,
            save_best_only=save_best_only,
            save_weights_only=save_weights_only,
            mode=mode,
            save_freq=save_freq,
            initial_value_threshold=initial_value_threshold,
            **kwargs,
        )
        require_run("WandbModelCheckpoint")
        # Keras' ModelCheckpoint has a batch hook, so Keras would run every callback's batch hooks
        # on the training thread (and convert each batch's logs there): 10-60% of a tiny model's
        # step. Saving per epoch, that hook does nothing, so Keras may run it on its callback
        # thread; saving every N batches it saves, and must run on the training thread.
        self.async_safe = save_freq == "epoch" and keeps_batch_ends_of(self, WandbModelCheckpoint)
        if save_best_only and not any(field for _, field, _, _ in string.Formatter().parse(self.filepath)):
            trackwell.termwarn(
                "When using `save_best_only`, ensure that the `filepath` argument contains formatting "
                "placeholders like `{epoch:02d}` or `{batch:02d}`. This ensures correct interpretation "
                "of the logged artifacts."
            )

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)
            path = self._get_file_path(epoch=self._current_epoch, batch=batch, logs=logs or {})
            self._log_checkpoint(path, ["latest", f"epoch_{self._current_epoch}_batch_{batch}"])

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        if self.save_freq == "epoch":
            path = self._get_file_path(epoch=epoch, batch=None, logs=logs or {})
            self._log_checkpoint(path, ["latest", f"epoch_{epoch}"])

    def _log_checkpoint(self, path: str, aliases: list[str]) -> None:
        run = current_run("WandbModelCheckpoint")
        if getattr(run, "disabled", False) or not os.path.exists(path):
            return  # nothing saved this time (save_best_only) or nothing to upload (disabled run)
        log_model_files(run, path, f"run_{run.id}_model", aliases=aliases)
