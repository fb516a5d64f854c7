"""What an upload has achieved, kept next to the run log: ``run-<id>.twlog.sync`` holds the byte offset
and the last seq the server acknowledged, so a later uploader (``trackwell sync``, a resumed
process) starts there instead of at the beginning. Also the run log's session header, which names
the run and the writer session the log's records belong to.

The progress file may lag behind the server (the uploader saves it about once a second while it
works, and always when it stops): resending acknowledged records is harmless, because the server
skips every seq it has applied (docs/architecture.md, "Sequence rules").
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trackwell.sdk.runlog import SESSION_KIND, peek_seq_kind, read_frames


def sync_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + ".sync")


@dataclass
class Progress:
    """What the server has acknowledged: persisted in ``run-<id>.twlog.sync``."""

    session_id: str
    applied_through: int = -1
    offset: int = 0
    finished: bool = False

    @classmethod
    def load(cls, path: Path, session_id: str) -> Progress:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return cls(session_id)
        if not isinstance(data, dict) or data.get("session_id") != session_id:
            return cls(session_id)
        return cls(
            session_id,
            int(data.get("applied_through", -1)),
            int(data.get("offset", 0)),
            bool(data.get("finished", False)),
        )

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.__dict__))
        os.replace(tmp, path)


def read_session(log_path: Path) -> dict[str, Any] | None:
    """The session header (first record) of a run log, or None when the log has none yet."""
    first = read_frames(log_path, 0, max_bytes=1, final=False).frames
    if not first:
        return None
    header = json.loads(first[0][1])
    return header if isinstance(header, dict) and header.get("kind") == SESSION_KIND else None


SAVE_SECONDS = 1.0  # the progress file is written at most this often while the upload runs

_JOIN_CHUNK = 256


def join_records(frames: list[tuple[int, bytes]]) -> bytes:
    """The JSON array of the frames' records, built in slices that each yield the GIL."""
    parts = []
    for i in range(0, len(frames), _JOIN_CHUNK):
        parts.append(b",".join([payload for _, payload in frames[i : i + _JOIN_CHUNK]]))
        time.sleep(0)
    return b"[" + b",".join(parts) + b"]"


class Position:
    """Where an upload stands in its run log: what the server acknowledged (:class:`Progress`,
    saved at most every ``SAVE_SECONDS`` unless forced) and where the next batch is read, past the
    batches in flight."""

    def __init__(self, log_path: Path, progress: Progress) -> None:
        self.log_path = log_path
        self.progress = progress
        self.cursor: int | None = None  # None: read from the acknowledged offset
        self._saved_at = 0.0
        self._unsaved = False

    @property
    def read_from(self) -> int:
        return self.progress.offset if self.cursor is None else self.cursor

    def read_batch(
        self, max_bytes: int, *, final: bool, pause_every: int, in_flight: bool
    ) -> tuple[list[tuple[int, bytes]], int, str | None]:
        """The records after what is acknowledged or in flight: (frames, end offset, problem).
        Reading does not move ``cursor``: a batch that could not be sent is read again."""
        start = self.read_from
        result = read_frames(self.log_path, start, max_bytes=max_bytes, final=final, pause_every=pause_every)
        frames = result.frames
        if frames and peek_seq_kind(frames[0][1])[1] == SESSION_KIND:  # only a log's first frame is one
            frames = frames[1:]
        if not frames:
            if result.end > start and not in_flight:  # only the header: nothing to send, move past it
                self.progress.offset = max(self.progress.offset, result.end)
                self.cursor = None
            return [], start, result.problem
        return frames, result.end, result.problem  # the caller moves ``cursor`` once it sent them

    def advance(self, applied: int, frames: list[tuple[int, bytes]], end: int) -> None:
        """The server has applied through seq ``applied``; ``frames`` were the batch it answered."""
        # Records of a session are numbered consecutively, so the acknowledged frame is found by
        # arithmetic instead of parsing every frame (this thread must not hold the GIL for long).
        progress = self.progress
        progress.applied_through = max(progress.applied_through, applied)
        first = peek_seq_kind(frames[0][1])[0]
        last = first + len(frames) - 1
        if applied >= last:
            progress.offset = max(progress.offset, frames[-1][0], end)
        elif applied >= first:
            progress.offset = max(progress.offset, frames[applied - first][0])
        self._unsaved = True
        self.save(force=False)

    def skip_to(self, offset: int) -> None:
        self.progress.offset = offset
        self.cursor = None
        self._unsaved = True

    def rewind(self, expected_seq: int) -> int:
        """The server lacks records before ours: restart from the frame numbered ``expected_seq``;
        returns that frame's offset."""
        start = 0
        for end, payload in read_frames(self.log_path, 0, final=False).frames:
            seq, kind = peek_seq_kind(payload)
            if kind != SESSION_KIND and seq >= expected_seq:
                break
            start = end
        self.skip_to(start)
        self.progress.applied_through = expected_seq - 1
        return start

    def save(self, *, force: bool) -> None:
        now = time.monotonic()
        if not self._unsaved or (not force and now - self._saved_at < SAVE_SECONDS):
            return
        self.progress.save(sync_path(self.log_path))
        self._unsaved = False
        self._saved_at = now
