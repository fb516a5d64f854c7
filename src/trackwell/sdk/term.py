"""One-line messages to the user's terminal (``trackwell: ...`` on stderr), wandb's termlog/termwarn.

All SDK console output goes through here so that ``silent`` mutes it in one place, and so that a
message can never carry an API key: callers pass text they built from non-secret fields only.
"""

from __future__ import annotations

import sys
import threading

_PREFIX = "trackwell: "
_state = {"silent": False}
_once_lock = threading.Lock()
_shown: set[str] = set()


def set_silent(silent: bool) -> None:
    _state["silent"] = silent


def is_silent() -> bool:
    """Whether SDK output is muted (settings ``silent``, ``TRACKWELL_SILENT``/``WANDB_SILENT``)."""
    return _state["silent"]


def _write(text: str) -> None:
    if _state["silent"]:
        return
    try:
        sys.stderr.write("".join(_PREFIX + line + "\n" for line in text.splitlines() or [""]))
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed stderr at interpreter exit must not crash the run
        pass


def _show(text: str, repeat: bool) -> None:
    # repeat=False is wandb's "show this message once per process" (transformers' WandbCallback
    # passes it to termwarn).
    if not repeat:
        with _once_lock:
            if text in _shown:
                return
            _shown.add(text)
    _write(text)


def termlog(text: str = "", newline: bool = True, repeat: bool = True) -> None:
    _show(text, repeat)


def termwarn(text: str, newline: bool = True, repeat: bool = True) -> None:
    _show("WARNING " + text, repeat)


def termerror(text: str, newline: bool = True, repeat: bool = True) -> None:
    _show("ERROR " + text, repeat)


def warn_once(key: str, text: str) -> None:
    """Show ``text`` once per process for ``key`` (e.g. one out-of-order-step warning per run)."""
    with _once_lock:
        if key in _shown:
            return
        _shown.add(key)
    termwarn(text)
