"""One in-process trial: call the user's function in the calling thread with the protocol's
environment, stop it on the controller's word, and settle its run whatever happened.

Why the calling thread and not a worker thread (wandb's pyagent uses one): ``trackwell.agent`` must
work wherever it is called (a notebook cell, a library's thread, a test harness), and a function
run in its caller's thread sees the caller's context (thread-locals, a debugger, Ctrl-C in a
notebook). The cost is how a ``stop`` reaches it: the heartbeat thread raises :class:`TrialStopped`
in the trial's thread with ``PyThreadState_SetAsyncExc``. The exception is delivered at the next
Python bytecode the trial runs (a trial blocked inside one long C call sees it when that returns).
It derives from ``KeyboardInterrupt``, so ``except Exception:`` in training code does not swallow it
and the run ends ``killed`` with the reason as its error, as a Ctrl-C'd run does (the controller,
which asked for the stop, shows it as stopped).

The exception can only be raised while the function runs: :class:`TrialCall` raises it under a lock
that the calling thread takes when the function returns, and any exception still pending then is
cancelled.
"""

from __future__ import annotations

import ctypes
import os
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from trackwell.sdk import term
from trackwell.sdk.ending import EXIT_FAILED, EXIT_KILLED


class TrialStopped(KeyboardInterrupt):
    """Raised in a trial's thread when the sweep stops it (hyperband, a cancelled sweep)."""

    reason = "the sweep stopped this run"

    def __str__(self) -> str:
        return f"stopped by the sweep: {self.reason}"


def _stopped_with(reason: str) -> type[TrialStopped]:
    # SetAsyncExc takes a class (instantiated without arguments): the reason travels on a subclass.
    return type("TrialStopped", (TrialStopped,), {"reason": reason})


class TrialCall:
    """Call ``function`` once in the current thread; :meth:`stop` may be called from any thread."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._function = function
        self._lock = threading.Lock()
        self._thread_id: int | None = None
        self.stop_reason: str | None = None

    def __call__(self) -> None:
        try:
            with self._lock:
                self._thread_id = threading.get_ident()
            self._function()
        finally:
            # A stop raised after the function returned may still be pending: cancel it. One
            # delivered inside this block propagates from here, as the stop it is.
            with self._lock:
                thread_id, self._thread_id = self._thread_id, None
                if thread_id is not None and self.stop_reason is not None:
                    _set_async_exc(thread_id, None)

    def stop(self, reason: str) -> bool:
        """Raise :class:`TrialStopped` in the trial's thread; False when it is not running."""
        with self._lock:
            if self._thread_id is None or self.stop_reason is not None:
                return False
            self.stop_reason = reason
            return _set_async_exc(self._thread_id, _stopped_with(reason))


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> bool:
    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    changed = int(set_exc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None))
    if changed > 1:  # cannot happen for a live thread id; undo rather than hit another thread
        set_exc(ctypes.c_ulong(thread_id), None)
        return False
    return changed == 1


class TrialEnv:
    """Set the protocol's environment variables for the trial and put back what was there."""

    def __init__(self, values: Mapping[str, str | None]) -> None:
        self._values = {k: v for k, v in values.items() if v is not None}
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> TrialEnv:
        self._saved = {name: os.environ.get(name) for name in self._values}
        os.environ.update(self._values)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def exit_code_of(error: BaseException | None) -> int:
    """The exit code a trial reports: 0, 255 for a stop or Ctrl-C, SystemExit's code, else 1."""
    if error is None:
        return 0
    if isinstance(error, KeyboardInterrupt):
        return EXIT_KILLED
    if isinstance(error, SystemExit):
        code = error.code
        return 0 if code is None else code if isinstance(code, int) else EXIT_FAILED
    return EXIT_FAILED


def settle_run(run: Any, error: BaseException | None) -> None:
    """Finish the trial's run if the function left it open: failed with the traceback for an
    exception (as a failing script's run ends), killed for a stop, finished otherwise."""
    if run is None or getattr(run, "_finished", True):
        return
    finish = getattr(run, "_finish", None)
    if finish is not None:
        finish(None, error)  # the state follows the exception (ending.exit_state), as in a script


def report_error(run_id: str, error: BaseException) -> None:
    """wandb's "Run <id> errored" with the traceback, on the terminal."""
    if isinstance(error, TrialStopped):
        term.termlog(f"Run {run_id} {error}")
        return
    text = "".join(traceback.format_exception(error)).rstrip()
    term.termerror(f"Run {run_id} errored:\n{text}")
