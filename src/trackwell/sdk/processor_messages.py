"""What the training thread hands the processor thread: one message per call, queued on a deque.

Every message is a small class with ``__slots__`` and named fields, told apart by its type, except
the one built on the hot path: a ``run.log()`` call is the plain tuple :data:`LogCall`, ``(data,
step, commit, timestamp, deferred)``, read by unpacking it into those names. Why: building any class
instance on the caller's thread (a slotted class with ``__init__``, or a NamedTuple, even through
``tuple.__new__``) costs ~130 ns more a call than a tuple on Python 3.11 (measured: the caller's CPU
time of ``log()`` rose from ~0.7 to ~0.85 µs), and ``log()``'s whole budget is about a microsecond.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeAlias

from trackwell.sdk.summary_state import MetricDef

LogCall: TypeAlias = tuple[dict[str, Any], int | None, bool | None, float, bool]
# ``run.log(data, step=, commit=)``: ``(data, step, commit, timestamp, deferred)``; ``timestamp`` is
# the wall time of the call, ``deferred`` says that ``data`` holds media or charts the processor
# turns into files first. The only tuple among the messages: ``type(message) is tuple`` finds it.


class ConfigChanged:
    """The run's whole config after a change (written as a ``config`` record)."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values


class SummarySet:
    """``run.summary[...] = ...`` / ``run.summary.update(...)``."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values


class SummaryDelete:
    """``del run.summary[key]``."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


class DefineMetric:
    """``run.define_metric(...)``: changes how the summary follows the metric, and is recorded."""

    __slots__ = ("metric",)

    def __init__(self, metric: MetricDef) -> None:
        self.metric = metric


class AppendRecord:
    """A record built elsewhere (``kind`` and its fields, no ``seq``): run metadata, console output,
    system stats, files, alerts. Written after every message before it."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields


class Barrier:
    """Someone waits until every message before this one is written to the OS: ``done`` is set
    then. With ``call``, the processor thread first runs it and puts its answer in ``result``
    (reading the summary, which only that thread may touch)."""

    __slots__ = ("call", "done", "result")

    def __init__(self, call: Callable[[], Any] | None = None) -> None:
        self.done = threading.Event()
        self.call = call
        self.result: Any = None


class Finish:
    """Close the open row, write the summary and the exit record (``exit_fields``), close the log."""

    __slots__ = ("exit_fields",)

    def __init__(self, exit_fields: dict[str, Any]) -> None:
        self.exit_fields = exit_fields


Message = (
    LogCall | ConfigChanged | SummarySet | SummaryDelete | DefineMetric | AppendRecord | Barrier | Finish
)
