"""Sender threads for the uploader: a few calls in flight at once, each on a thread of its own, and
the :class:`Pipeline` of record batches that runs on them.

Why threads of its own: :class:`~trackwell.sdk.api_client.ApiClient` keeps one keep-alive connection
per thread, so two record batches in flight travel on two connections. Daemon threads, started on
first use: a server that stops answering never holds up the training process's exit (a
``concurrent.futures`` pool would join its threads at exit).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Call:
    """One submitted call: wait for it, then read its value or re-raise its exception."""

    __slots__ = ("_done", "error", "value")

    def __init__(self) -> None:
        self._done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def result(self) -> Any:
        self._done.wait()
        if self.error is not None:
            raise self.error
        return self.value


class Lanes:
    """``count`` daemon threads taking calls in submission order."""

    def __init__(self, count: int, name: str) -> None:
        self._count = count
        self._name = name
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Call] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def submit(self, fn: Callable[[], Any]) -> Call:
        if not self._threads:
            for i in range(self._count):
                thread = threading.Thread(target=self._work, name=f"{self._name}-{i}", daemon=True)
                thread.start()
                self._threads.append(thread)
        call = Call()
        self._jobs.put((fn, call))
        return call

    def close(self) -> None:
        """Let the threads end once the calls already submitted are done."""
        for _ in self._threads:
            self._jobs.put(None)
        self._threads = []

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            fn, call = job
            try:
                call.value = fn()
            except BaseException as exc:  # handed to whoever reads the result
                call.error = exc
            finally:
                call._done.set()


@dataclass(slots=True)
class Sent:
    """A batch in flight: its answer, its frames (offset past each, payload) and where it ends."""

    call: Call
    frames: list[tuple[int, bytes]]
    end: int


class Pipeline:
    """Batches in flight, at most ``depth`` at once, answered in the order they were sent."""

    def __init__(self, depth: int, name: str) -> None:
        self.depth = depth
        self._lanes = Lanes(depth, name)
        self._sent: deque[Sent] = deque()
        self.failed: Sent | None = None  # the batch whose error ``collect`` raised last

    def __len__(self) -> int:
        return len(self._sent)

    def send(self, fn: Callable[[], Any], frames: list[tuple[int, bytes]], end: int) -> None:
        self._sent.append(Sent(self._lanes.submit(fn), frames, end))

    def collect(self, on_answer: Callable[[Any, Sent], None], *, block: bool) -> None:
        """Hand the answers that are in to ``on_answer``, in order; with ``block``, wait for the
        oldest first. When a batch failed: hand over the answers of the later ones that succeeded,
        then raise its error (``failed`` names it)."""
        while self._sent:
            head = self._sent[0]
            if not head.call.done() and not block:
                return
            block = False
            self._sent.popleft()
            try:
                answer = head.call.result()
            except BaseException:
                self.failed = head
                self._drain(on_answer)
                raise
            on_answer(answer, head)

    def _drain(self, on_answer: Callable[[Any, Sent], None]) -> None:
        while self._sent:
            sent = self._sent.popleft()
            try:
                answer = sent.call.result()
            except BaseException:  # the first failure is the one reported
                continue
            on_answer(answer, sent)

    def close(self) -> None:
        self._lanes.close()
