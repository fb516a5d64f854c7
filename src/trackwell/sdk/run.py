"""``Run``: the object ``trackwell.init()`` returns, with wandb's attributes and methods.

Thin on purpose: every method turns a call into a queued item for the processor thread
(:mod:`processor`) and returns. ``log`` is the hot path (microseconds: a type check per value, a dict
copy and a ``deque.append``); everything slower happens on the processor and uploader threads.
``finish`` is the one method that waits, with a deadline.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from trackwell.schema.names import url_path
from trackwell.sdk.config import Config
from trackwell.sdk.context.files import FileSaver
from trackwell.sdk.ending import EXIT_FAILED, deliver, exit_state
from trackwell.sdk.errors import UsageError
from trackwell.sdk.processor import Processor
from trackwell.sdk.processor_messages import (
    AppendRecord,
    ConfigChanged,
    DefineMetric,
    SummaryDelete,
    SummarySet,
)
from trackwell.sdk.run_extras import RunExtras
from trackwell.sdk.summary import Summary
from trackwell.sdk.summary_state import parse_metric
from trackwell.sdk.uploader import Uploader
from trackwell.sdk.values import SCALARS, copy_log_data

log = logging.getLogger("trackwell.sdk")
_now = time.time


@dataclass
class RunInfo:
    """Identity of a run, settled by ``init()`` (some fields only once the server answered)."""

    id: str
    project: str
    entity: str | None
    name: str
    run_dir: Path
    session_id: str
    mode: str = "online"
    group: str | None = None
    job_type: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    base_url: str | None = None
    resumed: bool = False
    starting_step: int = 0
    start_time: float = field(default_factory=time.time)
    sweep_id: str | None = None


class Run(RunExtras):
    """A live run. Attributes and methods follow wandb's ``Run`` (see the wandb reference, 1.3);
    alerts, ``log_code``, ``status`` and ``config_static`` are in :class:`RunExtras`."""

    def __init__(
        self,
        info: RunInfo,
        *,
        processor: Processor,
        uploader: Uploader | None,
        settings: Any,
        config: Config | None = None,
        app_url: str | None = None,
    ) -> None:
        self._info = info
        self._processor = processor
        self._uploader = uploader
        self._settings = settings
        self._app_url = app_url
        self._submit = processor.queue.append
        self._finished = False
        self._finish_lock = threading.Lock()
        self.config = config or Config()
        object.__setattr__(self.config, "_sink", self._config_changed)
        self.summary = Summary(self._read_summary, self._write_summary, self._delete_summary)
        # Called when finish() starts (context capture stops) and once the run is fully closed.
        self._on_finish: list[Callable[[Run], None]] = []
        self._on_closed: list[Callable[[Run], None]] = []
        self._file_saver: FileSaver | None = None  # set by init() when context capture starts
        self.exit_state: str | None = None

    # --- the hot path --------------------------------------------------------------------------

    def log(
        self,
        data: dict[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        """Log a row of metrics (wandb semantics: see :mod:`trackwell.sdk.rows`)."""
        if self._finished:
            raise UsageError(
                f"run {self._info.id} is finished; log() after finish() is ignored by wandb and refused "
                "here: call trackwell.init() to start a new run"
            )
        deferred = False
        if type(data) is dict:
            for key, value in data.items():
                if type(value) not in SCALARS or type(key) is not str:
                    data, deferred = copy_log_data(data)
                    break
            else:
                data = data.copy()
        else:
            data, deferred = copy_log_data(data)
        if step is not None and (type(step) is not int or step < 0):
            step = _check_step(step)
        if commit is not None and type(commit) is not bool:
            commit = bool(commit)
        self._submit((data, step, commit, _now(), deferred))  # a LogCall

    # --- identity ------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._info.id

    @property
    def name(self) -> str:
        return self._info.name

    @name.setter
    def name(self, value: str) -> None:
        self._info.name = str(value)
        self._meta(display_name=self._info.name)

    display_name = name

    @property
    def project(self) -> str:
        return self._info.project

    @property
    def entity(self) -> str | None:
        return self._info.entity

    @property
    def path(self) -> str:
        return f"{self._info.entity}/{self._info.project}/{self._info.id}"

    @property
    def url(self) -> str | None:
        if not self._app_url or self._info.entity is None:
            return None
        return f"{self._app_url}/{url_path(self._info.entity, self._info.project, 'runs', self._info.id)}"

    @property
    def project_url(self) -> str | None:
        if not self._app_url or self._info.entity is None:
            return None
        return f"{self._app_url}/{url_path(self._info.entity, self._info.project)}"

    @property
    def dir(self) -> str:
        return str(self._info.run_dir / "files")

    @property
    def sync_dir(self) -> str:
        return str(self._info.run_dir)

    @property
    def group(self) -> str | None:
        return self._info.group

    @property
    def job_type(self) -> str | None:
        return self._info.job_type

    @property
    def tags(self) -> tuple[str, ...]:
        return self._info.tags

    @tags.setter
    def tags(self, value: Any) -> None:
        self._info.tags = tuple(str(t) for t in value)
        self._meta(tags=list(self._info.tags))

    @property
    def notes(self) -> str | None:
        return self._info.notes

    @notes.setter
    def notes(self, value: str | None) -> None:
        self._info.notes = value
        self._meta(notes=value)

    @property
    def sweep_id(self) -> str | None:
        return self._info.sweep_id

    @property
    def resumed(self) -> bool:
        return self._info.resumed

    @property
    def starting_step(self) -> int:
        return self._info.starting_step

    @property
    def step(self) -> int:
        """The step the next row will get (drains the processor first)."""
        self._processor.drain()
        return self._processor.rows.step

    @property
    def start_time(self) -> float:
        return self._info.start_time

    @property
    def offline(self) -> bool:
        return self._info.mode == "offline"

    @property
    def disabled(self) -> bool:
        return False

    @property
    def settings(self) -> Any:
        return self._settings

    def __repr__(self) -> str:
        return f"<Run {self.path} ({self._info.name})>"

    # --- metrics, summary, config --------------------------------------------------------------

    def define_metric(
        self,
        name: str,
        step_metric: str | None = None,
        step_sync: bool | None = None,
        hidden: bool | None = None,
        summary: str | None = None,
        goal: str | None = None,
        overwrite: bool | None = None,
    ) -> Any:
        """wandb's ``define_metric`` (legacy ``goal=`` and ``summary="best"`` accepted)."""
        metric = parse_metric(name, step_metric, step_sync, hidden, summary, goal)
        self._submit(DefineMetric(metric))
        return metric

    def _config_changed(self, values: dict[str, Any]) -> None:
        self._submit(ConfigChanged(values))

    def _read_summary(self) -> dict[str, Any]:
        processor = self._processor
        if processor.closed:
            return processor.summary.snapshot()
        result = processor.call(processor.summary.snapshot)
        return result if result is not None else {}

    def _write_summary(self, values: dict[str, Any]) -> None:
        self._submit(SummarySet(values))

    def _delete_summary(self, key: str) -> None:
        self._submit(SummaryDelete(key))

    def _meta(self, **fields: Any) -> None:
        if not self._finished:
            self._submit(AppendRecord({"kind": "meta", **fields}))

    def _record(self, fields: dict[str, Any]) -> None:
        """Queue a record built elsewhere (console output, system stats, files): the context seam.

        Accepted until the run log closes, not only until finish() starts: the finish hooks stop the
        context capture, and what it hands over then (the metadata of a run that lasted a few
        milliseconds, the last console lines) still belongs before the exit record."""
        if not self._processor.closed:
            self._submit(AppendRecord(fields))

    # --- ending ------------------------------------------------------------------------------

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """End the run: flush, record the exit state, and wait (bounded) for the upload.

        With no ``exit_code``, an exception being handled (``finish()`` in a ``finally:`` while an
        error propagates) marks the run failed with that error, KeyboardInterrupt as killed.
        """
        self._finish(exit_code, sys.exc_info()[1], quiet=quiet)

    def _finish(
        self,
        exit_code: int | None,
        exc: BaseException | None,
        *,
        quiet: bool | None = None,
        state: str | None = None,
    ) -> None:
        with self._finish_lock:
            if self._finished:
                return
            self._finished = True
        inferred, code, error = exit_state(exit_code, exc)
        state = state or inferred
        self.exit_state = state
        timeout = float(getattr(self._settings, "finish_timeout", 30.0))
        deadline = time.monotonic() + timeout
        for hook in list(self._on_finish):
            try:
                hook(self)
            except Exception:
                log.exception("finish hook failed")
        self._processor.finish({"state": state, "exit_code": code, "error": error}, timeout=timeout)
        quiet = bool(quiet or getattr(self._settings, "quiet", False))
        if getattr(self, "_artifact_jobs", None):
            from trackwell.artifacts.run_ops import wait_for_saves

            # Every pending artifact save, however long a big upload takes (only a stalled one is
            # given up); the records were uploading meanwhile, so their wait starts afresh.
            wait_for_saves(self, quiet=quiet)
            deadline = max(deadline, time.monotonic() + min(timeout, 10.0))
        try:
            self._deliver(deadline, quiet=quiet)
        finally:
            for hook in list(self._on_closed):
                try:
                    hook(self)
                except Exception:
                    log.exception("close hook failed")

    def _deliver(self, deadline: float, *, quiet: bool) -> None:
        where = f": {self.url}" if self.url else ""
        synced = f"run {self._info.name} ({self._info.id}) synced{where}"
        deliver(self._uploader, self._info.run_dir, deadline, quiet=quiet, synced=synced)

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and not isinstance(exc, KeyboardInterrupt):
            self._finish(EXIT_FAILED, exc)
        else:
            self._finish(None, exc)

    # --- wandb methods that other parts implement --------------------------------------------

    def save(self, glob_str: str | None = None, base_path: str | None = None, policy: str = "live") -> Any:
        """Upload files matching ``glob_str`` (wandb's ``run.save``): ``policy="live"`` re-uploads them
        as they change, ``"now"`` once, ``"end"`` at finish. Paths are kept relative to ``base_path``."""
        if self._file_saver is None:
            raise UsageError("run.save() needs a run started by trackwell.init()")
        return self._file_saver.save(glob_str, base_path, policy)

    def mark_preempting(self) -> None:
        self._meta(metadata={"preempting": True})

    def watch(
        self,
        models: Any,
        criterion: Any = None,
        log: str | None = "gradients",
        log_freq: int = 1000,
        idx: int | None = None,
        log_graph: bool = False,
    ) -> None:
        """Histograms of a PyTorch model's gradients/parameters every ``log_freq`` batches (wandb's)."""
        from trackwell.sdk.watch import watch

        watch(self, models, criterion, log, log_freq, idx, log_graph)

    def unwatch(self, models: Any = None) -> None:
        """Remove ``run.watch`` hooks from ``models`` (a model or a list), or from every watched model."""
        from trackwell.sdk.watch import unwatch

        unwatch(self, models)


def _check_step(step: Any) -> int:
    if isinstance(step, bool) or not (isinstance(step, int) or hasattr(step, "__index__")):
        raise TypeError(
            f"trackwell.log(step=...) must be a non-negative integer, got {step!r}; "
            "pass e.g. step=epoch * steps_per_epoch + i"
        )
    value = int(step.__index__())
    if value < 0:
        raise ValueError(f"trackwell.log(step={value}) must not be negative")
    return value
