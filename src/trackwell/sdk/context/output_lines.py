"""Turns a stream of console text into numbered lines, the way a terminal shows them.

Pure logic (no threads, no I/O), fed by :mod:`console`. The model is deliberately small: ``\\n`` ends
a line; ``\\r`` returns to the start of the line, and the next text written replaces the line's
content (tqdm redraws its whole bar after each ``\\r``), so a progress bar that redraws ten thousand
times stays ONE line whose latest content wins. ``\\r\\n`` is an ordinary line end. ANSI escape
sequences are kept verbatim for the UI to render. stdout and stderr share one line numbering, in the
order their lines started; each keeps its own unfinished line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from trackwell.sdk.wire import OutputLine

Stream = Literal["stdout", "stderr"]
MAX_LINE_CHARS = 16 * 1024  # longer lines are wrapped so one record never holds megabytes

_BREAKS = re.compile(r"([\r\n])")


@dataclass
class _OpenLine:
    number: int
    text: str = ""
    rewind: bool = False  # a \r was seen: the next text replaces the line


class LineAssembler:
    """Accumulates text per stream; :meth:`drain` returns each line changed since the last drain."""

    def __init__(self, clock: Callable[[], float] = time.time, max_line_chars: int = MAX_LINE_CHARS) -> None:
        self._clock = clock
        self._max = max_line_chars
        self._next_number = 0
        self._open: dict[Stream, _OpenLine] = {}
        # line number -> (stream, latest text, timestamp); insertion order is irrelevant, drain sorts.
        self._changed: dict[int, tuple[Stream, str, float]] = {}

    @property
    def lines_started(self) -> int:
        return self._next_number

    def feed(self, stream: Stream, text: str) -> None:
        now = self._clock()
        for part in _BREAKS.split(text):
            if part == "\n":
                line = self._current(stream)
                self._touch(stream, line, now)
                del self._open[stream]
            elif part == "\r":
                if stream in self._open:
                    self._open[stream].rewind = True
            elif part:
                self._write(stream, part, now)

    def _current(self, stream: Stream) -> _OpenLine:
        line = self._open.get(stream)
        if line is None:
            line = self._open[stream] = _OpenLine(self._next_number)
            self._next_number += 1
        return line

    def _write(self, stream: Stream, part: str, now: float) -> None:
        while part:
            line = self._current(stream)
            if line.rewind:
                line.text, line.rewind = "", False
            room = self._max - len(line.text)
            line.text += part[:room]
            part = part[room:]
            self._touch(stream, line, now)
            if part:  # the line is full: close it and continue on the next one
                del self._open[stream]

    def _touch(self, stream: Stream, line: _OpenLine, now: float) -> None:
        self._changed[line.number] = (stream, line.text, now)

    def drain(self) -> list[OutputLine]:
        """Lines changed since the previous drain (unfinished lines included), by line number."""
        changed, self._changed = self._changed, {}
        return [
            OutputLine(line=number, stream=stream, timestamp=ts, text=text)
            for number, (stream, text, ts) in sorted(changed.items())
        ]
