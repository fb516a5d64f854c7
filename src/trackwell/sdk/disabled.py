"""``mode="disabled"``: a run on which every method works and nothing is recorded.

Code written for wandb runs unchanged with tracking switched off (``WANDB_MODE=disabled``), so
this object accepts everything a live :class:`~trackwell.sdk.run.Run` accepts, keeps config and
summary in memory (scripts read them back), and never touches disk or network.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from trackwell.sdk.config import Config
from trackwell.sdk.ids import new_run_id
from trackwell.sdk.values import copy_log_data


class _DictSummary(dict[str, Any]):
    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


class RunDisabled:
    """wandb's ``RunDisabled`` / ``NoopRun``."""

    def __init__(
        self, *, settings: Any = None, config: dict[str, Any] | None = None, allow_val_change: bool = False
    ) -> None:
        self.id = new_run_id()
        self.name = "dummy-" + self.id
        self.display_name = self.name
        self.project = "disabled"
        self.entity = "disabled"
        self.path = f"{self.entity}/{self.project}/{self.id}"
        self.url: str | None = None
        self.dir = ""
        self.group: str | None = None
        self.job_type: str | None = None
        self.tags: tuple[str, ...] = ()
        self.notes: str | None = None
        self.resumed = False
        self.starting_step = 0
        self.step = 0
        self.start_time = time.time()
        self.offline = False
        self.disabled = True
        self.settings = settings
        self.sweep_id: str | None = None
        self.config = Config(allow_val_change=allow_val_change)
        if config:
            self.config.update(config)
        self.summary = _DictSummary()

    def log(
        self,
        data: dict[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        copy_log_data(data)  # the same type errors as a real run, so bugs show up with tracking off

    def _finish(
        self,
        exit_code: int | None,
        exc: BaseException | None,
        *,
        quiet: bool | None = None,
        state: str | None = None,
    ) -> None:
        from trackwell.sdk.active import clear_if_current

        clear_if_current(self)

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        self._finish(exit_code, None)

    @property
    def config_static(self) -> Any:
        from trackwell.sdk.config import ConfigStatic

        return ConfigStatic(self.config)

    @property
    def sweep_url(self) -> str | None:
        return None

    def status(self) -> Any:
        from trackwell.sdk.run_status import RunStatus

        return RunStatus()

    def __getattr__(self, name: str) -> Any:
        # Any other wandb method (alert, log_artifact, use_artifact, save, watch, ...) is a no-op.
        if name.startswith("__"):
            raise AttributeError(name)
        return _noop

    def __enter__(self) -> RunDisabled:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finish()


def _noop(*args: Any, **kwargs: Any) -> None:
    return None
