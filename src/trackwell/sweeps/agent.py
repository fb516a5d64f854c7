"""``trackwell.agent()``: run a sweep's trials in this process (W&B's ``wandb.agent(function=)``).

The protocol is W&B's (docs/sweeps.md, "The trial protocol"): register, then heartbeat; a heartbeat
that wants a run may get one ``run`` command (the server's run id and the parameters), which is
written to the parameter file and run by calling ``function()`` **in the calling thread** with
``WANDB_SWEEP_ID``, ``WANDB_RUN_ID``, ``WANDB_SWEEP_PARAM_PATH``, ``WANDB_PROJECT`` and
``WANDB_ENTITY`` set (and put back afterwards); ``trackwell.init()`` inside joins the sweep
(``sweeps/join.py``). So the agent works from any thread, a notebook cell or a test harness.

Lean on purpose (the sweep benchmarks count its overhead): when a trial ends the agent reports it
and asks for the next one at once, in one request; it waits only when the server has nothing to
give (a paused sweep). While a trial runs, a daemon thread heartbeats every ``heartbeat_seconds``
(the server's figure) so its lease stays alive and a ``stop`` reaches it (``sweeps/trial.py``).

Failures (W&B's agent policy, reference/sweeps.md 6.1): an exception in a trial is printed, its run
ends failed with the traceback, and the agent goes on, unless 3 trials failed within the agent's
first 60 s (``WANDB_AGENT_DISABLE_FLAPPING=true`` turns that off), or ``WANDB_AGENT_MAX_INITIAL_FAILURES``
(5) trials failed and no more succeeded, or ``max_consecutive_failed_runs`` failed in a row.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from trackwell.schema.errors import NotFound
from trackwell.sdk import term
from trackwell.sdk.errors import CommError, UsageError
from trackwell.sdk.settings import Settings
from trackwell.sweeps.client import SweepClient, TransportError, parse_sweep_path
from trackwell.sweeps.failures import FailurePolicy
from trackwell.sweeps.join import ENTITY_ENV, PROJECT_ENV, RUN_ID_ENV, SWEEP_ID_ENV, take_joined
from trackwell.sweeps.params import PARAM_PATH_ENV, param_file, values, wire_args, write_params
from trackwell.sweeps.trial import TrialCall, TrialEnv, TrialStopped, exit_code_of, report_error, settle_run

log = logging.getLogger("trackwell.sweeps")

RETRY_FOR_S = 300.0  # how long the agent keeps retrying an unreachable server before giving up
BEAT_LOOK_S = 0.25  # how often the heartbeat thread looks whether a beat is due


def agent(
    sweep_id: str,
    function: Callable[[], Any] | None = None,
    entity: str | None = None,
    project: str | None = None,
    count: int | None = None,
    forward_signals: bool = False,
    term_timeout: float | None = None,
    max_consecutive_failed_runs: int | None = None,
) -> None:
    """Run trials of sweep ``sweep_id`` ("id", "project/id" or "entity/project/id") until the sweep
    is done, ``count`` trials ran, or too many failed. Without ``function`` the sweep's ``program``
    is run through its ``command`` in subprocesses, as ``trackwell agent`` does."""
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise UsageError(f"agent(count={count!r}) must be a positive integer, or None for no limit")
    if function is not None and not callable(function):
        raise UsageError(f"agent(function=...) must be callable, got {type(function).__name__}")
    settings = Settings.resolve()
    term.set_silent(settings.silent)
    where = resolve_sweep(sweep_id, entity, project, settings)
    client = SweepClient.from_settings(settings)
    try:
        entity_name = where[0] or client.viewer_entity()
        if function is None:  # the command-line agent's loop: trials as subprocesses of `command`
            from trackwell.sweeps.cli_agent import AgentOptions, CliAgent

            options = AgentOptions.from_env(os.environ, count=count)
            CliAgent(
                client, entity_name, where[1], where[2], options=options, root_dir=settings.root_dir
            ).run()
            return
        policy = FailurePolicy.from_env(max_consecutive_failed_runs)
        runner = InProcessAgent(client, entity_name, where[1], where[2], function, count, policy, settings)
        runner.run()
    finally:
        client.close()


def resolve_sweep(
    sweep_id: str, entity: str | None, project: str | None, settings: Settings
) -> tuple[str | None, str, str]:
    """(entity or None for the viewer's, project, id): the path's parts, else the arguments, else
    where this process created that sweep, else ``WANDB_PROJECT``/``WANDB_ENTITY``, else
    "uncategorized" (where ``sweep()`` puts a sweep with no project)."""
    from trackwell.sweeps.create import DEFAULT_PROJECT, created_in

    path = parse_sweep_path(sweep_id, entity, project)
    known = created_in(path.sweep_id)
    entity_name = path.entity or (known[0] if known else None) or settings.entity
    project_name = path.project or (known[1] if known else None) or settings.project or DEFAULT_PROJECT
    return entity_name, project_name, path.sweep_id


class InProcessAgent:
    """One agent: its registration, trial loop and heartbeat thread (see the module docstring)."""

    def __init__(
        self,
        client: SweepClient,
        entity: str,
        project: str,
        sweep_id: str,
        function: Callable[[], Any],
        count: int | None,
        policy: FailurePolicy,
        settings: Settings,
    ) -> None:
        self.client = client
        self.entity, self.project, self.sweep_id = entity, project, sweep_id
        self.function = function
        self.count = count
        self.policy = policy
        self.root_dir = settings.root_dir
        self.agent_id = ""
        self.interval = 5.0
        self._last_beat = time.monotonic()  # when the last heartbeat was answered
        self.exit_reason: str | None = None
        self.started = 0
        self._lock = threading.Lock()  # the fields below
        self._beat_lock = threading.Lock()  # one heartbeat in flight at a time
        self._pending: deque[dict[str, Any]] = deque()
        self._finished: dict[str, int] = {}
        self._current: tuple[str, TrialCall] | None = None
        self._done = threading.Event()

    # --- the loop -----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            answer = self.client.create_agent(
                self.entity, self.project, self.sweep_id, host=socket.gethostname(), count=self.count
            )
        except NotFound:
            raise UsageError(
                f"sweep {self.sweep_id} not found in {self.entity}/{self.project}; pass the path "
                f"trackwell.sweep() printed ('entity/project/{self.sweep_id}')"
            ) from None
        self.agent_id = str(answer["id"])
        term.termlog(f"Starting sweep agent {self.agent_id} for {self.entity}/{self.project}/{self.sweep_id}")
        beat = threading.Thread(target=self._beat, name="trackwell-sweep-heartbeat", daemon=True)
        beat.start()
        try:
            while self.count is None or self.started < self.count:
                command = self._next_run()
                if command is None:
                    break
                self.started += 1
                code, stopped = self._run_trial(command)
                stop = self.policy.record(code, stopped_by_sweep=stopped)
                if stop is not None:
                    term.termerror(stop)
                    break
        finally:
            self._done.set()
            self._report_last()
        if self.exit_reason:
            term.termlog(f"Sweep agent {self.agent_id} done: {self.exit_reason}")

    def _next_run(self) -> dict[str, Any] | None:
        """The next run command, asking the server at once; None when the agent should end."""
        while True:
            with self._lock:
                if self._pending:
                    return self._pending.popleft()
            if self.exit_reason is not None:
                return None
            if not self._heartbeat(want_run=True, retry=True):
                return None
            with self._lock:
                if self._pending:
                    continue
            if self.exit_reason is None:
                self._done.wait(self.interval)  # nothing to run yet (a paused sweep): ask again later

    def _run_trial(self, command: dict[str, Any]) -> tuple[int, bool]:
        """Run one trial; (its exit code, whether the sweep stopped it)."""
        run_id = str(command["run_id"])
        args = wire_args(command.get("args") or {})
        path = write_params(param_file(self.root_dir, self.sweep_id, run_id), args)
        _announce(run_id, values(args))
        call = TrialCall(self.function)
        with self._lock:
            self._current = (run_id, call)
        env = {
            SWEEP_ID_ENV: self.sweep_id,
            RUN_ID_ENV: run_id,
            PARAM_PATH_ENV: str(path),
            PROJECT_ENV: self.project,
            ENTITY_ENV: self.entity,
        }
        error: BaseException | None = None
        interrupted = False
        try:
            with TrialEnv(env):
                call()
        except TrialStopped as exc:
            error = exc
        except KeyboardInterrupt as exc:  # the user's Ctrl-C: end this trial, then the agent
            error, interrupted = exc, True
        except BaseException as exc:  # an exception or sys.exit() in a trial ends that trial only
            error = exc
        finally:
            settle_run(take_joined(run_id), error)
        code = exit_code_of(error)
        if error is not None and code != 0:
            report_error(run_id, error)
        with self._lock:
            self._current = None
            self._finished[run_id] = code
        if interrupted:
            self.exit_reason = "interrupted"
            raise KeyboardInterrupt
        return code, call.stop_reason is not None

    # --- heartbeats ---------------------------------------------------------------------------

    def _beat(self) -> None:
        """While a trial runs: heartbeat ``interval`` after the last one (keeps its lease, brings
        stops). It looks often, so a shorter period the server answers (hyperband sweeps ask for one
        while a trial runs) applies at once, not after a wait begun under the old one."""
        while not self._done.wait(
            min(BEAT_LOOK_S, max(0.0, self._last_beat + self.interval - time.monotonic()))
        ):
            if time.monotonic() < self._last_beat + self.interval:
                continue
            with self._lock:
                busy = self._current is not None
            if not busy:
                self._last_beat = time.monotonic()
                continue
            try:
                self._heartbeat(want_run=False, retry=False)
            except Exception:  # a refused heartbeat must not end the thread: try again next time
                log.exception("sweep heartbeat failed")
                self._last_beat = time.monotonic()

    def _heartbeat(self, *, want_run: bool, retry: bool) -> bool:
        """One heartbeat and its commands; False when the agent must end (its sweep is gone, or
        the server stayed unreachable past ``RETRY_FOR_S``)."""
        with self._beat_lock:
            with self._lock:
                running = [self._current[0]] if self._current else []
                running += [str(c["run_id"]) for c in self._pending]
                finished = dict(self._finished)
            answer = self._send(running, finished, want_run, retry)
            if answer is None:
                return self.exit_reason is None
            with self._lock:
                for run_id in finished:
                    self._finished.pop(run_id, None)
            self._last_beat = time.monotonic()
            self.interval = max(0.05, float(answer.get("heartbeat_seconds") or self.interval))
            for command in answer.get("commands") or []:
                self._handle(command)
            return True

    def _send(
        self, running: list[str], finished: dict[str, int], want_run: bool, retry: bool
    ) -> dict[str, Any] | None:
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.25
        while True:
            try:
                return self.client.heartbeat(
                    self.entity,
                    self.project,
                    self.sweep_id,
                    self.agent_id,
                    running=running,
                    finished=finished,
                    want_run=want_run,
                )
            except NotFound as exc:
                self.exit_reason = f"the sweep is gone ({exc.message})"
                return None
            except TransportError as exc:
                if not retry:
                    log.warning("sweep heartbeat failed (next one in %.0fs): %s", self.interval, exc)
                    return None
                if time.monotonic() > deadline:
                    raise CommError(
                        f"the sweep server stayed unreachable for {RETRY_FOR_S:.0f}s: {exc}"
                    ) from None
                term.warn_once(
                    f"sweep-hb-{self.agent_id}", f"sweep heartbeat failed, retrying: {exc.message}"
                )
                time.sleep(delay)
                delay = min(delay * 2, max(self.interval, 1.0))

    def _handle(self, command: dict[str, Any]) -> None:
        kind = command.get("type")
        if kind in ("run", "resume"):
            with self._lock:
                self._pending.append(command)
        elif kind == "stop":
            self._stop(str(command.get("run_id")), str(command.get("reason") or "stopped by the sweep"))
        elif kind == "exit":
            self.exit_reason = str(command.get("reason") or "the sweep has no more runs for this agent")
        else:
            log.warning("unknown sweep command %r ignored", kind)

    def _stop(self, run_id: str, reason: str) -> None:
        with self._lock:
            current = self._current
            for queued in list(self._pending):
                if str(queued.get("run_id")) == run_id:  # not started: drop it, report it ended
                    self._pending.remove(queued)
                    self._finished[run_id] = 255
        if current is not None and current[0] == run_id:
            current[1].stop(reason)

    def _report_last(self) -> None:
        """Tell the server what ended since the last heartbeat and that nothing more is wanted."""
        try:
            self._heartbeat(want_run=False, retry=False)
        except Exception:  # the agent is ending anyway; the server's leases expire on their own
            log.exception("final sweep heartbeat failed")


def _announce(run_id: str, params: dict[str, Any]) -> None:
    lines = "".join(f"\n\t{name}: {value!r}" for name, value in params.items())
    term.termlog(f"Agent Starting Run: {run_id} with config:{lines}")
