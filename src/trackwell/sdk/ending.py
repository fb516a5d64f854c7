"""How a run ends: the state, exit code and error that ``finish()`` records (wandb's rules), and
the bounded wait for the upload of what is left, with a progress line.

Split from :mod:`trackwell.sdk.run`; ``Run.finish`` calls both.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path
from typing import Any

from trackwell.sdk import term
from trackwell.sdk.progress import Progress
from trackwell.sdk.uploader import Uploader

# Exit codes used when finish() infers the end state.
EXIT_FAILED = 1
EXIT_KILLED = 255
PROGRESS_AFTER_S = 2.0


def exit_state(exit_code: int | None, exc: BaseException | None) -> tuple[str, int, dict[str, Any] | None]:
    """(state, exit code, error) for an ending run; ``exc`` is the exception ending it, if any."""
    error: dict[str, Any] | None = None
    if exc is not None and not isinstance(exc, SystemExit):
        error = {
            "type": type(exc).__name__,
            "message": str(exc) or type(exc).__name__,
            "traceback": "".join(traceback.format_exception(exc)),
        }
    if isinstance(exc, KeyboardInterrupt):
        return "killed", EXIT_KILLED if exit_code is None else exit_code, error
    if exit_code is None:
        if isinstance(exc, SystemExit):
            code = exc.code
            exit_code = 0 if code is None else code if isinstance(code, int) else 1
        else:
            exit_code = 0 if exc is None else EXIT_FAILED
    if exit_code == 0:
        return "finished", 0, None
    if error is None:
        error = {"type": None, "message": f"the run ended with exit code {exit_code}", "traceback": None}
    return "failed", exit_code, error


def deliver(uploader: Uploader | None, run_dir: Path, deadline: float, *, quiet: bool, synced: str) -> None:
    """Wait until ``deadline`` (monotonic) for the uploader to deliver the closed run log; say what
    happened (``synced`` on success) and, when something is left, how to upload it later."""
    if uploader is None:
        if not quiet:
            term.termlog(f"offline run saved in {run_dir}\nupload it with: trackwell sync {run_dir}")
        return
    pending = uploader.pending_bytes()
    left = max(0.0, deadline - time.monotonic())
    quiet = quiet or term.is_silent()
    if pending > 0 and not quiet:
        term.termlog(f"uploading the last {_size(pending)} of run data (waiting up to {left:.0f}s)...")
    # A wait past PROGRESS_AFTER_S shows what is left to send, on a terminal only.
    bar = Progress("sending", total_bytes=pending, enabled=False if quiet else None, delay=PROGRESS_AFTER_S)
    with bar:
        bar.watch(lambda: pending - uploader.pending_bytes())
        done = uploader.finish(left)
    if done:
        if not quiet:
            term.termlog(synced)
        return
    reason = uploader.error or "the server did not take everything in time"
    term.termwarn(
        f"{reason}\nthe rest of the run is safe in {run_dir}; upload it with: trackwell sync {run_dir}"
    )


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MiB"
