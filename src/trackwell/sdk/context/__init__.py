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

from trackwell.sdk.context.console import ConsoleCapture
from trackwell.sdk.context.files import FileSaver
from trackwell.sdk.context.metadata import (
    ContextOptions,
    RunContext,
    collect_metadata,
    reproduce_instructions,
)
from trackwell.sdk.context.system_metrics import SystemMonitor

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
