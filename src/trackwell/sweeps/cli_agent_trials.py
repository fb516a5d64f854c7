"""One trial of the command-line agent: its files, its environment and its process.

What a trial gets is W&B's (reference/sweeps.md section 6.1, step 4):

- ``<root>/trackwell/sweep-<sweep>/config-<run>.yaml`` holding the run command's ``args`` as
  ``{name: {value: v}}`` (root: ``TRACKWELL_DIR``/``WANDB_DIR``, else the agent's working folder;
  W&B writes ``wandb/sweep-<sweep>/...`` under ``WANDB_DIR``), and ``config-<run>.json`` beside it
  when the command uses ``${args_json_file}``;
- the agent's environment plus ``WANDB_SWEEP_ID``, ``WANDB_RUN_ID``, ``WANDB_SWEEP_PARAM_PATH``,
  ``WANDB_PROJECT`` and ``WANDB_ENTITY``, so the program's ``init()`` takes the run id and the
  parameters and joins the sweep. The ``TRACKWELL_*`` spellings are set to the same values: they take
  precedence over ``WANDB_*`` in the SDK, and a ``TRACKWELL_PROJECT`` left in the user's shell
  must not send the trial's run to another project than its sweep's;
- the agent's working folder (a relative ``program`` is found from there, as in W&B), its stdout
  and stderr (the program's output passes through), and an empty stdin.

The process starts in a process group of its own (W&B's ``setpgrp``): Ctrl-C in the terminal
reaches the agent only, which then decides what the trials get (``cli_agent``'s tiered shutdown).
Its stdin is closed for the same reason as in W&B: a background process group that reads the
terminal would be stopped by SIGTTIN and hang.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackwell.sweeps.macros import args_json, param_values
from trackwell.sweeps.params import param_file, write_params

# The settings a trial's environment pins, in both spellings (WANDB_* is what W&B's programs and
# tools read; TRACKWELL_* wins over it in our SDK).
_PINNED = ("SWEEP_ID", "RUN_ID", "SWEEP_PARAM_PATH", "PROJECT", "ENTITY")


def write_param_files(
    root: Path, sweep_id: str, run_id: str, args: Mapping[str, Mapping[str, Any]], *, with_json: bool
) -> tuple[Path, Path | None]:
    """Write the trial's parameter file (the SDK's :func:`~trackwell.sweeps.params.write_params`,
    which ``init()`` reads back) and, when asked, the JSON of ``${args_json_file}`` (``{name: v}``)
    beside it. Returns their absolute paths."""
    yaml_path = write_params(param_file(root.absolute(), sweep_id, run_id), args)
    json_path = None
    if with_json:
        json_path = yaml_path.with_suffix(".json")
        partial = json_path.with_name(json_path.name + ".partial")
        partial.write_text(args_json(param_values(args)), encoding="utf-8")
        os.replace(partial, json_path)  # a trial never reads a half-written file
    return yaml_path, json_path


def trial_env(
    base: Mapping[str, str], *, sweep_id: str, run_id: str, param_path: Path, project: str, entity: str
) -> dict[str, str]:
    """The trial's environment: ``base`` plus the sweep variables, in both spellings."""
    values = dict(zip(_PINNED, (sweep_id, run_id, str(param_path), project, entity), strict=True))
    env = dict(base)
    for name, value in values.items():
        env[f"WANDB_{name}"] = value
        env[f"TRACKWELL_{name}"] = value
    return env


@dataclass
class TrialProcess:
    """A running trial: its run id, process and what the agent has done to it.

    ``stop_reason`` is set when the agent stopped it (a ``stop`` command, Ctrl-C): such a trial
    does not count as a failure, whatever its exit code.
    """

    run_id: str
    popen: subprocess.Popen[bytes]
    started_at: float = field(default_factory=time.monotonic)
    stop_reason: str | None = None
    sigterm_at: float | None = None
    killed: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def terminate(self, reason: str) -> bool:
        """SIGTERM to the program (not its group: the program shuts its own workers down, as it
        would under a job scheduler). Once; True when sent now."""
        self.stop_reason = self.stop_reason or reason
        if self.sigterm_at is not None or self.popen.poll() is not None:
            return False
        self.sigterm_at = time.monotonic()
        _signal(self.popen.send_signal, signal.SIGTERM)
        return True

    def kill(self, reason: str) -> bool:
        """SIGKILL to the trial's whole process group, so nothing it started is left behind."""
        self.stop_reason = self.stop_reason or reason
        if self.killed or self.popen.poll() is not None:
            return False
        self.killed = True
        if sys.platform == "win32":  # pragma: no cover - no process groups
            _signal(self.popen.kill)
        else:
            _signal(os.killpg, self.popen.pid, signal.SIGKILL)
        return True

    def overdue(self, now: float, kill_delay: float) -> bool:
        """True when SIGTERM was sent ``kill_delay`` seconds ago and the program still runs."""
        return self.sigterm_at is not None and not self.killed and now - self.sigterm_at >= kill_delay


def _signal(send: Any, *args: Any) -> None:
    try:
        send(*args)
    except (ProcessLookupError, PermissionError):
        pass  # it ended between our poll and the signal


def start_trial(run_id: str, argv: Sequence[str], env: Mapping[str, str]) -> TrialProcess:
    """Start ``argv`` in its own process group with the agent's stdout/stderr and no stdin.

    Raises:
        OSError: the command cannot be started (no such program, not executable).
    """
    kwargs: dict[str, Any] = {}
    if sys.platform == "win32":  # pragma: no cover
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        kwargs["process_group"] = 0  # setpgid in the child, thread-safe (unlike preexec_fn)
    popen = subprocess.Popen(list(argv), env=dict(env), stdin=subprocess.DEVNULL, **kwargs)
    return TrialProcess(run_id=run_id, popen=popen)


def exit_code_text(code: int) -> str:
    """``exit code 1`` or ``killed by SIGTERM`` for a Popen return code (negative: a signal)."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
