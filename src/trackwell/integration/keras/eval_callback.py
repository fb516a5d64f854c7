"""``WandbEvalCallback``: wandb's base class for Keras callbacks that log model predictions as tables.

A subclass implements ``add_ground_truth`` (fill ``self.data_table`` once, at the start of training)
and ``add_model_predictions`` (fill ``self.pred_table`` at the end of each epoch). The base class, as
wandb's does:

* ``on_train_begin``: ``init_data_table(data_table_columns)``, ``add_ground_truth(logs)``, then
  ``log_data_table()``: the table goes into a ``dataset`` artifact ``val`` (table ``val_data``) that
  the run *uses* (and so logs), and ``self.data_table_ref`` is the table read back from it, so
  predictions can refer to its rows (``data_table_ref.data[idx]``, ``data_table_ref.get_index()``);
* ``on_epoch_end``: ``init_pred_table(pred_table_columns)``, ``add_model_predictions(epoch, logs)``,
  then ``log_pred_table()``: an ``evaluation`` artifact ``run_<run id>_pred`` (table ``eval_data``),
  a new version each epoch with the alias ``latest``.

The ``log_*`` methods keep wandb's arguments (artifact name, type, table name, aliases) so a subclass
that overrides the hooks and calls them itself works unchanged.
"""

from __future__ import annotations

import abc
from typing import Any

import keras

from trackwell.artifacts import Artifact
from trackwell.data_types import Table

from ._shared import current_run, require_run


class WandbEvalCallback(keras.callbacks.Callback, abc.ABC):  # type: ignore[misc]
    """Base class: implement ``add_ground_truth`` and ``add_model_predictions`` (see the module doc)."""

    def __init__(
        self, data_table_columns: list[str], pred_table_columns: list[str], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        require_run("WandbEvalCallback")
        self.data_table_columns = list(data_table_columns)
        self.pred_table_columns = list(pred_table_columns)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.init_data_table(column_names=self.data_table_columns)
        self.add_ground_truth(logs)
        self.log_data_table()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.init_pred_table(column_names=self.pred_table_columns)
        self.add_model_predictions(epoch, logs)
        self.log_pred_table()

    @abc.abstractmethod
    def add_ground_truth(self, logs: dict[str, Any] | None = None) -> None:
        """Add the validation (or training) data to ``self.data_table``; called once per fit."""

    @abc.abstractmethod
    def add_model_predictions(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Add this epoch's predictions to ``self.pred_table``; ``self.data_table_ref`` holds the
        logged ground truth to refer to."""

    def init_data_table(self, column_names: list[str]) -> None:
        self.data_table = Table(columns=column_names, allow_mixed_types=True)

    def init_pred_table(self, column_names: list[str]) -> None:
        self.pred_table = Table(columns=column_names)

    def log_data_table(self, name: str = "val", type: str = "dataset", table_name: str = "val_data") -> None:
        """Log ``data_table`` as an artifact the run uses, and read it back as ``data_table_ref``."""
        run = current_run("WandbEvalCallback")
        artifact = Artifact(name, type=type)
        artifact.add(self.data_table, table_name)
        run.use_artifact(artifact)
        artifact.wait()
        self.data_table_ref = artifact.get(table_name)

    def log_pred_table(
        self, type: str = "evaluation", table_name: str = "eval_data", aliases: list[str] | None = None
    ) -> None:
        """Log ``pred_table`` as a new version of the run's ``run_<id>_pred`` artifact."""
        run = current_run("WandbEvalCallback")
        artifact = Artifact(f"run_{run.id}_pred", type=type)
        artifact.add(self.pred_table, table_name)
        run.log_artifact(artifact, aliases=aliases or ["latest"])


__all__ = ["WandbEvalCallback"]
