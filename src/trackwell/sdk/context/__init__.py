"""Run context capture: what a run records about itself besides what the user logs.

Self-contained components that ``init()`` wires to the run's record queue through small callbacks:

* :func:`collect_metadata` / :func:`reproduce_instructions` (``metadata.py``): git, command line,
  code, host, packages, filtered environment.
* :class:`ConsoleCapture` (``console.py``): tee of stdout/stderr as numbered :class:`OutputLine` objects.
* :class:`SystemMonitor` (``system_metrics.py``): ``system/*`` samples on a daemon thread.
* :class:`FileSaver` (``files.py``): ``run.save()`` with the now/live/end policies.
* :class:`ContextSession` (``session.py``): all of the above for one run, emitting record dicts.

Imports schema, psutil and the standard library (``pynvml`` lazily); never server, store or service.
"""

from __future__ import annotations

import importlib
from typing import Any

# Names resolve on first use (PEP 562): importing any submodule runs this file, and ``init()`` must
# not pay for psutil, git and package metadata, which only the capture threads need.
_WHERE = {
    "ConsoleCapture": "console",
    "ContextOptions": "options",
    "ContextSession": "session",
    "FileSaver": "files",
    "RunContext": "metadata",
    "SystemMonitor": "system_metrics",
    "collect_metadata": "metadata",
    "reproduce_instructions": "metadata",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "ConsoleCapture",
    "ContextSession",
    "ContextOptions",
    "FileSaver",
    "RunContext",
    "SystemMonitor",
    "collect_metadata",
    "reproduce_instructions",
]
