"""The command-line agent (``trackwell agent SWEEP_ID``): W&B's agent loop, trials as subprocesses.

The protocol is docs/sweeps.md's "trial protocol" (W&B's, reference/sweeps.md section 6.1): the agent
registers, then heartbeats; each heartbeat reports the live trials (``running``, which keeps their
leases) and the ones that ended with their exit codes (``finished``), asks for a trial when it has
a free slot (``want_run``), and carries back the controller's commands:

- ``run``: write the parameter file, start ``command`` (:mod:`.macros`) as a subprocess
  (:mod:`.cli_agent_trials`). One trial at a time, as W&B's CLI agent.
- ``stop``: SIGTERM to the program; SIGKILL to its process group when it still runs ``kill_delay``
  seconds later (``WANDB_AGENT_KILL_DELAY``, default 30 s). W&B sends SIGKILL only when the server
  repeats the stop after that delay; here the agent's own clock decides, so one stop is enough.
- ``exit``: ask for nothing more, let the live trials finish, report them, and end.

Failure policy: W&B's, the one ``trackwell.agent()`` applies too (:class:`~.failures.FailurePolicy`):
"flapping", 3 trials failed within the agent's first 60 s, ends the agent
(``WANDB_AGENT_DISABLE_FLAPPING=true`` turns it off); so does "failing", at least
``WANDB_AGENT_MAX_INITIAL_FAILURES`` (5) failures and no more successes. A failure is a non-zero
exit of a trial the agent did not stop itself (W&B counts positive exit codes only, so a program
killed by a signal, a segfault, was never a failure there; here it is). ``--count N`` ends the
agent after N trials. A sweep deleted under the agent (404) lets the live trials finish, then the
agent ends with exit code 1.

Ctrl-C is W&B's tiered shutdown: the first waits for the live trials (no new ones), the second sends
them SIGTERM, the third SIGKILL. SIGTERM to the agent (a job scheduler) is the second step at once,
with SIGKILL after ``kill_delay``. Heartbeats go on meanwhile, so what ended is reported.

The loop polls its trials every ``poll_seconds`` (50 ms) and heartbeats at once when one ends, so
the next trial starts within milliseconds, not at the next ``heartbeat_seconds`` tick.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from trackwell.schema.errors import NotFound, TrackwellError
from trackwell.sweeps.cli_agent_setup import AgentOptions, check_program
from trackwell.sweeps.cli_agent_trials import (
    TrialProcess,
    exit_code_text,
    start_trial,
    trial_env,
    write_param_files,
)
from trackwell.sweeps.client import SweepClient, TransportError
from trackwell.sweeps.failures import FailurePolicy
from trackwell.sweeps.macros import DEFAULT_COMMAND, build_command, unknown_macros, uses_macro

__all__ = ["AgentOptions", "CliAgent", "check_program"]

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
START_FAILED = 127  # what a shell reports for a command it cannot start


class CliAgent:
    """One agent process. :meth:`run` returns the exit code of ``trackwell agent``."""

    def __init__(
        self,
        client: SweepClient,
        entity: str,
        project: str,
        sweep_id: str,
        *,
        options: AgentOptions,
        root_dir: Path,
        environ: Mapping[str, str] | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.client = client
        self.entity, self.project, self.sweep_id = entity, project, sweep_id
        self.options = options
        self.root_dir = root_dir
        self.environ = dict(os.environ if environ is None else environ)
        self.out = out or sys.stderr
        self.agent_id = ""
        self.trials: dict[str, TrialProcess] = {}
        self.unreported: dict[str, int] = {}  # run id -> exit code, until a heartbeat carries it
        self.started = self.ended = 0
        self.failures = self._failure_policy()
        self.stopping: str | None = None  # why no new trial is asked for
        self.exit_code = EXIT_OK
        self.interrupts = 0  # Ctrl-Cs received (SIGTERM counts as two)
        self._acted = 0  # the interrupt level already acted on
        self._heartbeat_now = True
        self._next_heartbeat = 0.0
        self._retry_delay = 0.5
        self._network_down = False
        self._gone = False  # the sweep or agent is no longer on the server
        self._command: list[Any] | None = None
        self._program: str | None = None

    # --- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        sweep = self.client.get_sweep(self.entity, self.project, self.sweep_id)
        config = sweep.get("config") or {}
        command = config.get("command")
        self._command = list(command) if isinstance(command, list | tuple) and command else None
        self._program = config.get("program")
        check_program(self._command, self._program, Path.cwd())
        for token in unknown_macros(self._command or []):
            self._say(
                f"warning: {token} in the sweep's command is no macro and expands to nothing (as in W&B)"
            )
        registered = self.client.create_agent(
            self.entity, self.project, self.sweep_id, host=socket.gethostname(), count=self.options.count
        )
        self.agent_id = str(registered["id"])
        self._say(f"agent {self.agent_id} started on sweep {self.path}")
        self.failures = self._failure_policy()  # the 60 s of flapping count from here
        restore = self._install_signal_handlers()
        try:
            self._loop()
        finally:
            restore()
        return self.exit_code

    def _failure_policy(self) -> FailurePolicy:
        opts = self.options
        return FailurePolicy(flapping=opts.flapping, max_initial_failures=max(1, opts.max_initial_failures))

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.project}/{self.sweep_id}"

    def _loop(self) -> None:
        while True:
            self._on_interrupts()
            self._reap()
            self._escalate()
            if self._finished():
                self._final_heartbeat()
                return
            now = time.monotonic()
            if self._heartbeat_now or now >= self._next_heartbeat:
                self._heartbeat()
            time.sleep(self.options.poll_seconds)

    def _finished(self) -> bool:
        if self.trials:
            return False
        if self.options.count is not None and self.ended >= self.options.count and not self.stopping:
            self.stopping = f"{self.ended} run(s) done (--count {self.options.count})"
        return self.stopping is not None

    def _wants_run(self) -> bool:
        if self.stopping or self.trials:
            return False
        return self.options.count is None or self.started < self.options.count

    # --- heartbeats -------------------------------------------------------------------------

    def _heartbeat(self, *, final: bool = False) -> bool:
        reported = dict(self.unreported)
        try:
            answer = self.client.heartbeat(
                self.entity,
                self.project,
                self.sweep_id,
                self.agent_id,
                running=list(self.trials),
                finished=reported,
                want_run=not final and self._wants_run(),
            )
        except NotFound as exc:
            self._gone = True
            self.exit_code = EXIT_FAILED
            self._stop_asking(f"the sweep or this agent is gone from the server ({exc})")
            self._heartbeat_now = False
            return False
        except TransportError as exc:
            self._heartbeat_now = False
            self._next_heartbeat = time.monotonic() + self._retry_delay
            if not self._network_down:
                self._say(f"warning: heartbeat failed ({exc}); retrying, trials keep running")
            self._network_down = True
            self._retry_delay = min(self._retry_delay * 2, self.options.retry_max_seconds)
            return False
        except TrackwellError as exc:
            self.exit_code = EXIT_FAILED
            self._stop_asking(f"the server refused the heartbeat: {exc}")
            self._heartbeat_now = False
            return False
        if self._network_down:
            self._say("the server answers again")
        self._network_down, self._retry_delay = False, 0.5
        for run_id in reported:
            self.unreported.pop(run_id, None)
        self._heartbeat_now = False
        interval = answer.get("heartbeat_seconds")
        seconds = float(interval) if isinstance(interval, int | float) and interval > 0 else 5.0
        self._next_heartbeat = time.monotonic() + seconds
        if not final:
            for command in answer.get("commands") or []:
                self._command_of(command)
        return True

    def _final_heartbeat(self) -> None:
        """Report the trials that ended since the last heartbeat (a few tries; a server that is
        down or a sweep that is gone gets none)."""
        for _ in range(3):
            if not self.unreported or self._gone:
                break
            if self._heartbeat(final=True):
                break
            time.sleep(min(self._retry_delay, 2.0))
        if self.unreported and not self._gone:
            self._say(f"warning: could not report the end of run(s) {', '.join(self.unreported)}")
        self._say(f"agent {self.agent_id} ends: {self.stopping}")

    def _command_of(self, command: Mapping[str, Any]) -> None:
        kind = command.get("type")
        if kind == "run":
            self._run_command(command)
        elif kind == "stop":
            trial = self.trials.get(str(command.get("run_id")))
            if trial is not None and trial.terminate(f"stopped: {command.get('reason') or 'by the sweep'}"):
                self._say(
                    f"stopping run {trial.run_id} ({command.get('reason') or 'stop command'}): SIGTERM, "
                    f"SIGKILL in {self.options.kill_delay:g} s if it still runs"
                )
        elif kind == "exit":
            self._stop_asking(f"the sweep says exit ({command.get('reason') or 'no reason given'})")
        else:
            self._say(f"warning: unknown command {kind!r} from the server ignored")

    # --- trials -----------------------------------------------------------------------------

    def _run_command(self, command: Mapping[str, Any]) -> None:
        run_id = str(command.get("run_id"))
        args = command.get("args") or {}
        if self.stopping or (self.options.count is not None and self.started >= self.options.count):
            # Not started and not reported as running: its lease lapses and it is offered again.
            self._say(f"run {run_id} not started: {self.stopping or 'count reached'}")
            return
        self.started += 1
        program = command.get("program") or self._program
        tokens = self._command or list(DEFAULT_COMMAND)
        try:
            param_path, json_path = write_param_files(
                self.root_dir, self.sweep_id, run_id, args, with_json=uses_macro(tokens, "args_json_file")
            )
            env = trial_env(
                self.environ,
                sweep_id=self.sweep_id,
                run_id=run_id,
                param_path=param_path,
                project=self.project,
                entity=self.entity,
            )
            argv = build_command(
                tokens,
                args,
                program=program,
                environ=self.environ,
                json_file=str(json_path) if json_path else None,
            )
            params = "\n".join(f"    {name}: {spec.get('value')!r}" for name, spec in args.items())
            self._say(f"starting run {run_id} with config:\n{params}\n  command: {_shell_line(argv)}")
            trial = start_trial(run_id, argv, env)
        except (OSError, ValueError) as exc:
            self._say(f"error: run {run_id} could not start: {exc}")
            self._ended(run_id, START_FAILED, None)
            return
        self.trials[run_id] = trial

    def _reap(self) -> None:
        for run_id, trial in list(self.trials.items()):
            code = trial.poll()
            if code is None:
                continue
            del self.trials[run_id]
            self._ended(run_id, code, trial.stop_reason)

    def _ended(self, run_id: str, code: int, stop_reason: str | None) -> None:
        self.unreported[run_id] = code
        self._heartbeat_now = True
        self.ended += 1
        outcome = stop_reason or ("finished" if code == 0 else "failed")
        self._say(f"run {run_id} {outcome} ({exit_code_text(code)})")
        give_up = self.failures.record(code, stopped_by_sweep=stop_reason is not None)
        if give_up is not None:
            self.exit_code = EXIT_FAILED
            self._stop_asking(give_up)

    def _escalate(self) -> None:
        now = time.monotonic()
        for trial in self.trials.values():
            if trial.overdue(now, self.options.kill_delay) and trial.kill(trial.stop_reason or "killed"):
                self._say(
                    f"run {trial.run_id} still runs {self.options.kill_delay:g} s after SIGTERM: SIGKILL"
                )

    def _stop_asking(self, why: str) -> None:
        if self.stopping is None:
            self.stopping = why
            live = f"; waiting for run(s) {', '.join(self.trials)}" if self.trials else ""
            self._say(f"{why}{live}")

    # --- signals ----------------------------------------------------------------------------

    def _install_signal_handlers(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

        def on_sigint(_sig: int, _frame: Any) -> None:
            self.interrupts += 1

        def on_sigterm(_sig: int, _frame: Any) -> None:
            self.interrupts = max(self.interrupts, 2)

        signal.signal(signal.SIGINT, on_sigint)
        signal.signal(signal.SIGTERM, on_sigterm)

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def _on_interrupts(self) -> None:
        """Act once on each new level of Ctrl-C (1: wait, 2: SIGTERM, 3: SIGKILL)."""
        level = min(self.interrupts, 3)
        if level <= self._acted:
            return
        if self._acted < 1:
            self.exit_code = EXIT_INTERRUPTED
            self._stop_asking("interrupted")
            if self.trials and level == 1:
                self._say("Ctrl-C: waiting for the running trial(s) to end; Ctrl-C again to terminate them")
        if level >= 2 and self._acted < 2:
            for trial in self.trials.values():
                trial.terminate("terminated (agent interrupted)")
            if self.trials:
                self._say(
                    f"terminating run(s) {', '.join(self.trials)} (SIGTERM; SIGKILL in "
                    f"{self.options.kill_delay:g} s); Ctrl-C again to kill them now"
                )
        if level >= 3:
            for trial in self.trials.values():
                trial.kill("killed (agent interrupted)")
            if self.trials:
                self._say(f"killing run(s) {', '.join(self.trials)} (SIGKILL)")
        self._acted = level

    def _say(self, message: str) -> None:
        print(f"trackwell: {message}", file=self.out, flush=True)


def _shell_line(argv: list[str]) -> str:
    return shlex.join(argv)
