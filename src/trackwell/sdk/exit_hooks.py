"""Ending runs that the user did not finish: interpreter exit, uncaught exceptions, SIGTERM.

A run must never stay "running" because a script forgot ``finish()``, crashed or was stopped:

* ``sys.excepthook``: an uncaught exception finishes the run as failed with the exception (killed
  for KeyboardInterrupt), after the usual traceback is printed.
* ``atexit``: a run still open at exit finishes with the exit code ``sys.exit`` was given (we wrap
  ``sys.exit`` to learn it, as wandb does), else 0.
* SIGTERM: on the main thread, and only if the program has no handler of its own, we finish the
  run as killed, then let the default action (terminate) happen.

Installed once per process; every hook acts on the current run only.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from trackwell.sdk import active

_installed = {"done": False}
_exit = {"code": None}


def install() -> None:
    if _installed["done"]:
        return
    _installed["done"] = True
    atexit.register(_at_exit)
    previous_hook = sys.excepthook
    sys.excepthook = _make_excepthook(previous_hook)
    original_exit = sys.exit
    sys.exit = _make_exit(original_exit)
    _install_sigterm()


def _make_excepthook(
    previous: Callable[[type[BaseException], BaseException, TracebackType | None], Any],
) -> Callable[[type[BaseException], BaseException, TracebackType | None], Any]:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> Any:
        try:
            previous(exc_type, exc, tb)
        finally:
            run = active.current()
            if run is not None:
                run._finish(None, exc)

    return hook


def _make_exit(original: Callable[..., Any]) -> Callable[..., Any]:
    def exit_(code: Any = None) -> Any:
        _exit["code"] = code
        return original(code)

    return exit_


def _at_exit() -> None:
    run = active.current()
    if run is None:
        return
    code = _exit["code"]
    exit_code = 0 if code is None else code if isinstance(code, int) else 1
    run._finish(exit_code, None)


def _install_sigterm() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
            return  # the program handles SIGTERM itself: leave it alone
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # embedded interpreters, unusual platforms
        return


def _on_sigterm(signum: int, frame: Any) -> None:
    run = active.current()
    if run is not None:
        try:
            run._finish(128 + signum, None, state="killed")
        except Exception:
            pass
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
