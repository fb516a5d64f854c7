"""The parts of wandb's ``Run`` beyond logging: alerts, code saving, sync status, static config.

A mixin of :class:`~trackwell.sdk.run.Run`, kept apart so ``run.py`` stays the hot path and its
lifecycle. Each method follows wandb 0.31's signature and meaning; where Trackwell lacks the
feature behind it the method says what it does instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackwell.schema.names import url_path
from trackwell.sdk.config import ConfigStatic
from trackwell.sdk.errors import UsageError
from trackwell.sdk.log_code import CODE_PREFIX, code_files, exclude_run_dirs, is_py_requirements_or_dockerfile
from trackwell.sdk.term import termwarn
from trackwell.sdk.wandb_alerts import AlertLevel, alert_record

if TYPE_CHECKING:
    from datetime import timedelta

    from trackwell.sdk.config import Config
    from trackwell.sdk.context.files import FileSaver
    from trackwell.sdk.processor import Processor
    from trackwell.sdk.run import RunInfo
    from trackwell.sdk.run_status import RunStatus
    from trackwell.sdk.uploader import Uploader


_NOTHING_TO_SAVE = (
    "No relevant files were detected in the specified directory. No code will be logged to your run."
)


class RunExtras:
    # Set by Run.__init__ (declared here for the type checker).
    _info: RunInfo
    _processor: Processor
    _uploader: Uploader | None
    _settings: Any
    _finished: bool
    _file_saver: FileSaver | None
    _app_url: str | None
    config: Config

    def _record(self, fields: dict[str, Any]) -> None:
        raise NotImplementedError  # Run's: queue a record for the run log

    def _refuse_if_finished(self, what: str) -> None:
        if self._finished:
            raise UsageError(
                f"Run ({self._info.id}) is finished. The call to `{what}` will be ignored. "
                "Please make sure that you are using an active run."
            )

    def _label(
        self, code: str | None = None, repo: str | None = None, code_version: str | None = None, **kwargs: Any
    ) -> None:
        """wandb's integration telemetry label (transformers' ``WandbCallback`` calls
        ``run._label(code="transformers_trainer")``): accepted; Trackwell keeps no telemetry."""

    @property
    def config_static(self) -> ConfigStatic:
        """A read-only snapshot of the config with attribute access (``run.config_static.lr``)."""
        return ConfigStatic(self.config)

    @property
    def sweep_url(self) -> str | None:
        """The page of the sweep this run is a trial of (``<app>/<entity>/<project>/sweeps/<id>``,
        wandb's address); None outside a sweep and offline."""
        app_url, info = self._app_url, self._info
        if not app_url or not info.sweep_id or info.entity is None:
            return None
        return f"{app_url}/{url_path(info.entity, info.project, 'sweeps', info.sweep_id)}"

    def alert(
        self,
        title: str,
        text: str,
        level: str | AlertLevel | None = None,
        wait_duration: int | float | timedelta | None = None,
    ) -> None:
        """Raise an alert: stored with the run and shown on its page (wandb's ``run.alert``).

        ``level``: ``AlertLevel`` or "INFO" (default), "WARN", "ERROR". ``wait_duration``: seconds
        or a ``timedelta`` (default one minute); a repeat of the same title sooner than that is not
        a new alert (the server counts it on the earlier one). The server posts it to the
        project's webhooks (Slack-compatible JSON; the project's Alerts page, docs/alerts.md)."""
        self._refuse_if_finished("alert")
        # Through Run._record, like every record built outside the processor (one queueing path).
        self._record(alert_record(title, text, level, wait_duration, time.time()))

    def status(self) -> RunStatus:
        """Sync information (wandb's ``run.status()``): records written, not yet acknowledged, and
        when the server last acknowledged some. Waits for the records queued so far to be written."""
        self._refuse_if_finished("status")
        from datetime import datetime

        from trackwell.sdk.run_status import RunStatus  # a dataclass: built on first use, not at import

        self._processor.drain()
        total = self._processor.seq
        uploader = self._uploader
        if uploader is None:
            return RunStatus(sync_items_total=total, sync_items_pending=total)
        progress = uploader.progress
        applied = progress.applied_through + 1 if progress is not None else 0
        synced_at = uploader.acked_at
        return RunStatus(
            sync_items_total=total,
            sync_items_pending=max(0, total - applied),
            sync_time=datetime.fromtimestamp(synced_at) if synced_at is not None else None,
        )

    def log_code(
        self,
        root: str | os.PathLike[str] | None = ".",
        name: str | None = None,
        include_fn: Callable[..., Any] = is_py_requirements_or_dockerfile,
        exclude_fn: Callable[..., Any] = exclude_run_dirs,
    ) -> None:
        """Save the source files under ``root`` with the run, as run files ``code/<relative path>``.

        Files are chosen as wandb chooses them (``include_fn``/``exclude_fn``, called with
        ``(path, root)`` or ``(path)``; default: ``*.py``, ``requirements.txt``, ``Dockerfile*``).
        wandb returns a ``code`` artifact; here the code is saved as run files, so this returns None
        and ``name`` (the artifact's name) is accepted and unused."""
        self._refuse_if_finished("log_code")
        saver = self._file_saver
        if saver is None:
            raise UsageError("run.log_code() needs a run started by trackwell.init()")
        if root is None:
            termwarn(_NOTHING_TO_SAVE)
            return None
        saved = 0
        for relative, path in code_files(os.fspath(root), include_fn, exclude_fn):
            saver.save_file(f"{CODE_PREFIX}/{relative}", Path(path))
            saved += 1
        if not saved:
            termwarn(_NOTHING_TO_SAVE)
        return None

    # --- artifacts: trackwell.artifacts.run_ops does the work (loaded on first use) -------------

    def log_artifact(
        self,
        artifact_or_path: Any,
        name: str | None = None,
        type: str | None = None,
        aliases: list[str] | None = None,
        tags: list[str] | None = None,
        cache: bool = True,
    ) -> Any:
        """Save an ``Artifact`` (or a file, folder or reference URI) as a new version; returns at
        once, the upload runs on the saver thread (``artifact.wait()`` blocks on it). ``cache=False``
        keeps the uploaded files out of the download cache (checkpoints that will not be reused)."""
        self._refuse_if_finished("log_artifact")
        from trackwell.artifacts import run_ops

        return run_ops.log_artifact(self, artifact_or_path, name, type, aliases, tags, cache=cache)  # type: ignore[arg-type]

    def use_artifact(
        self,
        artifact_or_name: Any,
        type: str | None = None,
        aliases: list[str] | None = None,
        use_as: str | None = None,
    ) -> Any:
        """Declare that this run reads an artifact version (``"name:alias"``, ``"name:v3"``,
        ``"entity/project/name:alias"`` or an ``Artifact``); returns it, ready to ``download()``."""
        self._refuse_if_finished("use_artifact")
        from trackwell.artifacts import run_ops

        return run_ops.use_artifact(self, artifact_or_name, type, aliases, use_as)  # type: ignore[arg-type]

    def link_artifact(self, artifact: Any, target_path: str, aliases: list[str] | None = None) -> Any:
        """Link a logged artifact's version into the collection ``target_path`` (a registry)."""
        self._refuse_if_finished("link_artifact")
        from trackwell.artifacts import run_ops

        return run_ops.link_artifact(self, artifact, target_path, aliases)  # type: ignore[arg-type]

    def log_model(self, path: Any, name: str | None = None, aliases: list[str] | None = None) -> Any:
        """Log a file or folder as a ``model`` artifact (wandb's ``run.log_model``)."""
        self._refuse_if_finished("log_model")
        from trackwell.artifacts import run_ops

        return run_ops.log_model(self, path, name, aliases)  # type: ignore[arg-type]

    def use_model(self, name: str) -> str:
        """Use and download a ``model`` artifact; returns the path of its file (or folder)."""
        self._refuse_if_finished("use_model")
        from trackwell.artifacts import run_ops

        return run_ops.use_model(self, name)  # type: ignore[arg-type]

    def link_model(
        self,
        path: Any,
        registered_model_name: str,
        name: str | None = None,
        aliases: list[str] | None = None,
    ) -> Any:
        """Log ``path`` as a model and link it into ``model-registry/<registered_model_name>``."""
        self._refuse_if_finished("link_model")
        from trackwell.artifacts import run_ops

        return run_ops.link_model(self, path, registered_model_name, name, aliases)  # type: ignore[arg-type]
