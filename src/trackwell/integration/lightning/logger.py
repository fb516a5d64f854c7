"""``WandbLogger``: Lightning's own ``lightning.pytorch.loggers.WandbLogger``, written against
trackwell instead of wandb, with the same constructor, methods and recorded names.

What a ``Trainer`` with it records (as Lightning's logger into wandb):
- ``log_hyperparams``: the module's (and datamodule's) ``save_hyperparameters()`` into the run
  config, callables by name and anything not JSON by ``str`` (Lightning's own helpers), with
  ``allow_val_change`` so a second ``fit`` may change them.
- ``log_metrics``: one history row per call, with ``trainer/global_step`` added; a run this logger
  starts plots every key against it (``define_metric("*", step_metric="trainer/global_step",
  step_sync=True)``). A run the user started is used as it is and keeps its own axes.
- checkpoints (``log_model``): see :mod:`trackwell.integration.lightning.checkpoints`.
"""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Mapping
from typing import Any, Literal

from lightning.fabric.utilities.logger import (
    _add_prefix,
    _convert_json_serializable,
    _convert_params,
    _sanitize_callable_params,
)
from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
from lightning.pytorch.utilities.exceptions import MisconfigurationException
from lightning.pytorch.utilities.rank_zero import rank_zero_only, rank_zero_warn

import trackwell
from trackwell.integration._common import active_run_or_init, setting
from trackwell.integration.lightning import checkpoints
from trackwell.integration.lightning.media import per_item

LogModel = Literal["all"] | bool


class WandbLogger(Logger):  # type: ignore[misc]  # Lightning is typed Any to mypy
    """Log a Lightning ``Trainer`` to trackwell: ``Trainer(logger=WandbLogger(project="p"))``.

    Arguments as Lightning's: ``name`` (run name), ``save_dir``/``dir`` (where run folders and, by
    default, checkpoints go), ``version``/``id`` (run id; resumed when it exists), ``offline`` (the
    SDK's offline mode: upload later with ``trackwell sync``), ``anonymous``, ``project`` (default
    ``WANDB_PROJECT``, else ``lightning_logs``), ``log_model`` (``False``; ``True``: checkpoints at
    the end of training; ``"all"``: every checkpoint when it is saved), ``experiment`` (a run to log
    to), ``prefix`` (put before every metric key, joined by ``-``), ``checkpoint_name`` (the model
    artifact's name, default ``model-<run id>``), ``add_file_policy`` and any other ``init()``
    argument (``entity``, ``group``, ``tags``, ``config``, ...).
    """

    LOGGER_JOIN_CHAR = "-"

    def __init__(
        self,
        name: str | None = None,
        save_dir: str | os.PathLike[str] = ".",
        version: str | None = None,
        offline: bool = False,
        dir: str | os.PathLike[str] | None = None,
        id: str | None = None,
        anonymous: bool | None = None,
        project: str | None = None,
        log_model: LogModel = False,
        experiment: Any = None,
        prefix: str = "",
        checkpoint_name: str | None = None,
        add_file_policy: Literal["mutable", "immutable"] = "mutable",
        **kwargs: Any,
    ) -> None:
        if log_model not in (True, False, "all"):
            raise ValueError(f"WandbLogger(log_model={log_model!r}): use False, True or 'all'")
        if offline and log_model:
            # Lightning's own check, kept: an offline run's checkpoints would wait for `trackwell
            # sync` in the run folder, which is not what log_model users expect.
            raise MisconfigurationException(
                f"Providing log_model={log_model} and offline={offline} is an invalid configuration"
                " since model checkpoints cannot be uploaded in offline mode.\n"
                "Hint: Set `offline=False` to log your model."
            )
        if add_file_policy not in ("mutable", "immutable"):
            raise ValueError(
                f"WandbLogger(add_file_policy={add_file_policy!r}): use 'mutable' or 'immutable'"
            )
        super().__init__()
        self._offline = offline
        self._log_model: LogModel = log_model
        self._prefix = prefix
        self._experiment = experiment
        self._logged_model_time: dict[str, float] = {}
        self._checkpoint_callbacks: dict[int, Any] = {}
        self.add_file_policy: Literal["mutable", "immutable"] = add_file_policy

        # save_dir wins over dir, as in Lightning (save_dir defaults to ".", so dir counts only
        # when save_dir=None is passed)
        root = os.fspath(save_dir) if save_dir is not None else (os.fspath(dir) if dir is not None else None)
        self._wandb_init: dict[str, Any] = {
            "name": name,
            "project": project or setting("PROJECT", "lightning_logs"),
            "dir": root,
            "id": version or id,
            "resume": "allow",
            "anonymous": "allow" if anonymous else None,
        }
        if offline:
            # Lightning sets WANDB_MODE for the whole process; init(mode=) does it for this run only
            self._wandb_init["mode"] = "offline"
        self._wandb_init.update(**kwargs)
        self._project: str | None = self._wandb_init.get("project")
        self._save_dir: str | None = self._wandb_init.get("dir")
        self._name: str | None = self._wandb_init.get("name")
        self._id: str | None = self._wandb_init.get("id")
        self._checkpoint_name = checkpoint_name

    def __getstate__(self) -> dict[str, Any]:
        # A `spawn` launcher pickles the logger: start the run here, in the main process, and let
        # the worker resume it by id (trackwell has no service process to attach to).
        run = self.experiment
        state = self.__dict__.copy()
        if run is not None and getattr(run, "id", None):
            state["_id"] = run.id
            state["_name"] = run.name
            state["_wandb_init"] = {**self._wandb_init, "id": run.id, "resume": "allow"}
        state["_experiment"] = None
        return state

    # --- the run ---------------------------------------------------------------------------------

    @property
    @rank_zero_experiment  # type: ignore[untyped-decorator]
    def experiment(self) -> Any:
        """The trackwell run (``self.logger.experiment.log(...)`` in a ``LightningModule``): the
        one passed in, else the run already active in this process, else a new one."""
        if self._experiment is None:
            if trackwell.run is not None:
                rank_zero_warn(
                    "There is a wandb run already in progress and newly created instances of `WandbLogger`"
                    " will reuse this run. If this is not desired, call `wandb.finish()` before"
                    " instantiating `WandbLogger`."
                )
                self._experiment = trackwell.run
            else:
                self._experiment = active_run_or_init(**self._wandb_init)
                if self._wandb_init.get("sync_tensorboard"):
                    self._experiment.define_metric("*", step_metric="global_step")
                else:
                    self._experiment.define_metric("trainer/global_step")
                    self._experiment.define_metric("*", step_metric="trainer/global_step", step_sync=True)
        return self._experiment

    def watch(
        self, model: Any, log: str | None = "gradients", log_freq: int = 100, log_graph: bool = True
    ) -> None:
        """Histograms of ``model``'s gradients (``log="parameters"``/``"all"``: also parameters)
        every ``log_freq`` steps: the run's ``watch``."""
        self.experiment.watch(model, log=log, log_freq=log_freq, log_graph=log_graph)

    def unwatch(self, model: Any = None) -> None:
        """Remove the hooks :meth:`watch` put on ``model`` (all watched models when ``None``)."""
        self.experiment.unwatch(model)

    # --- Lightning's Logger API ------------------------------------------------------------------

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_hyperparams(self, params: dict[str, Any] | Namespace) -> None:
        params = _convert_params(params)
        params = _sanitize_callable_params(params)
        params = _convert_json_serializable(params)
        self.experiment.config.update(params, allow_val_change=True)

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        metrics = _add_prefix(metrics, self._prefix, self.LOGGER_JOIN_CHAR)
        if step is not None and not self._wandb_init.get("sync_tensorboard"):
            self.experiment.log(dict(metrics, **{"trainer/global_step": step}))
        else:
            self.experiment.log(dict(metrics))

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_table(
        self,
        key: str,
        columns: list[str] | None = None,
        data: list[list[Any]] | None = None,
        dataframe: Any = None,
        step: int | None = None,
    ) -> None:
        """A ``Table`` from ``columns`` and ``data``, or from a pandas ``dataframe``."""
        self.log_metrics({key: trackwell.Table(columns=columns, data=data, dataframe=dataframe)}, step)

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_text(
        self,
        key: str,
        columns: list[str] | None = None,
        data: list[list[str]] | None = None,
        dataframe: Any = None,
        step: int | None = None,
    ) -> None:
        """Text as a ``Table`` (Lightning's ``log_text`` is ``log_table``)."""
        self.log_table(key, columns, data, dataframe, step)

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_image(self, key: str, images: list[Any], step: int | None = None, **kwargs: Any) -> None:
        """Images (tensors, numpy arrays, PIL images, file paths); each keyword is a list with
        one value per image (``caption=[...]``, ``masks=[...]``, ``boxes=[...]``)."""
        self.log_metrics({key: per_item("images", images, kwargs, trackwell.Image)}, step)

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_audio(self, key: str, audios: list[Any], step: int | None = None, **kwargs: Any) -> None:
        """Audio (numpy arrays or file paths); keywords are per-item lists (``sample_rate=[...]``)."""
        self.log_metrics({key: per_item("audios", audios, kwargs, trackwell.Audio)}, step)

    @rank_zero_only  # type: ignore[untyped-decorator]
    def log_video(self, key: str, videos: list[Any], step: int | None = None, **kwargs: Any) -> None:
        """Videos (numpy arrays or file paths); keywords are per-item lists (``fps=[...]``)."""
        self.log_metrics({key: per_item("videos", videos, kwargs, trackwell.Video)}, step)

    @property
    def save_dir(self) -> str | None:
        """Where run folders go (and Lightning's checkpoints, under ``<save_dir>/<project>/<run id>``)."""
        return self._save_dir

    @property
    def name(self) -> str | None:
        """The project name (the run's own name is ``logger.experiment.name``), as in Lightning."""
        return self._project

    @property
    def version(self) -> str | None:
        """The run id; before the run starts, the id given to the constructor (no run is started)."""
        return self._experiment.id if self._experiment else self._id

    # --- checkpoints as model artifacts ----------------------------------------------------------

    def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
        # "all" (or True with save_top_k=-1, where nothing is ever deleted) logs each save now;
        # True remembers the callback and logs what is left of its checkpoints at the end
        if self._log_model == "all" or (self._log_model is True and checkpoint_callback.save_top_k == -1):
            self._scan_and_log_checkpoints(checkpoint_callback)
        elif self._log_model is True:
            self._checkpoint_callbacks[id(checkpoint_callback)] = checkpoint_callback

    @rank_zero_only  # type: ignore[untyped-decorator]
    def finalize(self, status: str) -> None:
        if status != "success":
            return  # as in Lightning: checkpoints of a failed or interrupted fit are not logged
        if self._experiment is not None:
            for checkpoint_callback in self._checkpoint_callbacks.values():
                self._scan_and_log_checkpoints(checkpoint_callback)

    def _scan_and_log_checkpoints(self, checkpoint_callback: Any) -> None:
        if not self._checkpoint_name:
            self._checkpoint_name = f"model-{self.experiment.id}"
        checkpoints.scan_and_log(
            self.experiment,
            checkpoint_callback,
            self._logged_model_time,
            self._checkpoint_name,
            self.add_file_policy,
        )

    # --- artifacts -------------------------------------------------------------------------------

    @staticmethod
    @rank_zero_only  # type: ignore[untyped-decorator]
    def download_artifact(
        artifact: str,
        save_dir: str | os.PathLike[str] | None = None,
        artifact_type: str | None = None,
        use_artifact: bool | None = True,
    ) -> str:
        """Download an artifact version (``"name:alias"``, ``"entity/project/name:v3"``) into
        ``save_dir`` (default: the artifacts folder) and return that path. With a run active and
        ``use_artifact``, the run records that it used it."""
        root = None if save_dir is None else os.fspath(save_dir)
        if trackwell.run is not None and use_artifact:
            return str(trackwell.run.use_artifact(artifact, type=artifact_type).download(root=root))
        with trackwell.Api() as api:  # closed after the download: no connection left behind
            return str(api.artifact(artifact, type=artifact_type).download(root=root))

    def use_artifact(self, artifact: str, artifact_type: str | None = None) -> Any:
        """Record that this run uses ``artifact``; returns it (``.download()`` fetches the files)."""
        return self.experiment.use_artifact(artifact, type=artifact_type)
