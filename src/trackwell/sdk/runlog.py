"""The run log (``run-<id>.twlog``): every record a run writes, in order, on local disk first.

Why a local log: the training process must never wait for the network, and a run must survive a
server outage or a killed process. The processor thread appends records here; the uploader thread
tails the file and ships what the server has not acknowledged; ``trackwell sync`` replays the same
file later. One format, one reader, three users.

Format (also in docs/architecture.md, "Run log format"; this module is the one place that knows it):

* the header line ``TWLOG1\\n`` (:data:`HEADER`), then frames ``length u32 LE | crc32 u32 LE |
  payload``; a payload is the compact UTF-8 JSON of one record (:func:`encode_record`);
* the first record is the session header ``{"kind":"session","session_id":...}`` (``kind`` its
  first key; the only record without a ``seq``);
* every other record is laid out ``{"seq":<int>,"kind":"<kind>",...}``: ``seq`` the first key,
  ``kind`` the second (:func:`numbered` builds records that way). Readers that must not parse every
  payload (the uploader tells file records apart, finds a frame by its seq, skips the header) read
  these two from the first bytes through :func:`peek_seq_kind`, and nowhere else.

A reader stops at the first frame that is incomplete or fails its CRC. While the writer is alive an
incomplete last frame is simply not written yet; once the run has ended it is a corrupt tail, which
:func:`read_frames` reports as "corrupt tail at byte N, M bytes skipped" and never raises on.
"""

from __future__ import annotations

import json
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

HEADER = b"TWLOG1\n"
_FRAME = struct.Struct("<II")
# A frame longer than this is a corrupt length field, not a real record (media go to files).
MAX_FRAME = 64 * 1024 * 1024
SESSION_KIND = "session"  # the header record's kind; the only record without a seq
_SESSION_PREFIX = b'{"kind":"session",'
_SEQ_PREFIX = b'{"seq":'
_KIND_INFIX = b',"kind":"'


# Built once: json.dumps() with arguments builds a new encoder per call, which costs as much again.
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=True, ensure_ascii=False)
# orjson once the processor thread has loaded it (``use_fast_encoder``): ~13x faster on a history
# block (float formatting dominates), and loaded off the caller's thread so ``import trackwell`` and
# ``init()`` do not pay for it.
_fast_dumps: Callable[[Any], bytes] | None = None


def use_fast_encoder() -> None:
    """Load orjson for :func:`encode_record` (a dependency; without it the stdlib encoder stays)."""
    global _fast_dumps
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return
    _fast_dumps = orjson.dumps


def encode_record(record: dict[str, Any]) -> bytes:
    """Compact JSON with NaN/±Infinity as bare tokens, keys in the record's order (which must be the
    layout above: build records with :func:`numbered`).

    orjson writes NaN and ±Infinity as ``null``, and refuses what it cannot write exactly (ints past 64
    bits, non-string keys, float subclasses): a record whose output holds ``null`` (or that orjson
    refuses) is written again by the stdlib encoder, so the bytes always mean what the record holds.
    """
    fast = _fast_dumps
    if fast is not None:
        try:
            out = fast(record)
        except TypeError:
            pass
        else:
            if b"null" not in out:
                return out
    return _ENCODER.encode(record).encode()


def frame(payload: bytes) -> bytes:
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


class RecordLayoutError(ValueError):
    """A payload that is not a run-log record: not a JSON object with an int ``seq`` and a string
    ``kind`` (or a session header)."""


def numbered(seq: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The record ``fields`` (which hold its ``kind``) numbered ``seq``, keys in the order the run
    log requires: ``seq``, ``kind``, then the rest in their order."""
    return {"seq": seq, "kind": fields["kind"], **fields}


def peek_seq_kind(payload: bytes) -> tuple[int, str]:
    """``(seq, kind)`` of an encoded record, ``(-1, "session")`` for the session header.

    Read from the payload's first bytes (no JSON parsing: the uploader calls this per frame) when
    the record follows the layout above; a payload that does not is parsed whole, and one that is
    no record at all raises :class:`RecordLayoutError`.
    """
    if payload.startswith(_SESSION_PREFIX):
        return -1, SESSION_KIND
    if payload.startswith(_SEQ_PREFIX):
        comma = payload.find(b",", len(_SEQ_PREFIX))
        if comma > 0 and payload.startswith(_KIND_INFIX, comma):
            start = comma + len(_KIND_INFIX)
            end = payload.find(b'"', start)
            digits = payload[len(_SEQ_PREFIX) : comma]
            if end > 0 and digits.isdigit() and b"\\" not in payload[start:end]:
                return int(digits), payload[start:end].decode()
    return _parse_seq_kind(payload)


def _parse_seq_kind(payload: bytes) -> tuple[int, str]:
    try:
        record = json.loads(payload)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise RecordLayoutError(f"not a run-log record (not a JSON object): {payload[:60]!r}")
    seq, kind = record.get("seq", -1 if record.get("kind") == SESSION_KIND else None), record.get("kind")
    if type(seq) is not int or not isinstance(kind, str):
        raise RecordLayoutError(f"not a run-log record (no int 'seq' and string 'kind'): {payload[:60]!r}")
    return seq, kind


def mentions_kind(data: bytes, kind: str) -> bool:
    """False when no record in ``data`` (one encoded record, or many joined) is of ``kind``: a test
    in C before :func:`peek_seq_kind` is called on each. Both encoders write ``"kind":"<kind>"``
    with no spaces, so this never misses one."""
    return b'"kind":"' + kind.encode() + b'"' in data


class RunLogWriter:
    """Appends frames; the caller decides when to :meth:`flush` (the processor does so every ~100 ms).

    Only the processor thread uses a writer, so it has no lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        # "x": one log per writer session, never appended to (sync replays a log as one session).
        self._file: BinaryIO = path.open("xb")
        self._file.write(HEADER)
        self._buffer = bytearray()

    @property
    def pending_bytes(self) -> int:
        return len(self._buffer)

    def append(self, payload: bytes) -> None:
        self._buffer += frame(payload)

    def flush(self, fsync: bool = False) -> None:
        """Hand buffered frames to the OS: after this a killed process loses none of them."""
        if self._buffer:
            self._file.write(self._buffer)
            self._buffer.clear()
        self._file.flush()
        if fsync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self.flush(fsync=True)
            self._file.close()


@dataclass
class ReadResult:
    """What one pass of :func:`read_frames` found after ``offset``."""

    frames: list[tuple[int, bytes]] = field(default_factory=list)
    """(offset just past the frame, payload) in file order."""
    end: int = 0
    """Offset just past the last good frame: where the next read starts."""
    corrupt_at: int | None = None
    skipped: int = 0

    @property
    def problem(self) -> str | None:
        if self.corrupt_at is None:
            return None
        return f"corrupt tail at byte {self.corrupt_at}, {self.skipped} bytes skipped"


def read_frames(
    path: Path, offset: int = 0, *, max_bytes: int | None = None, final: bool = True, pause_every: int = 0
) -> ReadResult:
    """Read the good frames after ``offset`` (0 = start of file, the header is skipped).

    ``max_bytes`` bounds how much payload one call returns (at least one frame is returned).
    ``final=False`` is for tailing a live log: an incomplete last frame is left for the next call
    instead of being reported as corrupt. A bad CRC is always reported. ``pause_every=N`` yields the
    GIL every N frames, so a background reader never holds up the training thread for long.
    """
    with path.open("rb") as f:
        if offset < len(HEADER):
            head = f.read(len(HEADER))
            if head != HEADER:
                if not final and HEADER.startswith(head):
                    return ReadResult(end=0)
                size = f.seek(0, os.SEEK_END)
                return ReadResult(end=0, corrupt_at=0, skipped=size)
            offset = len(HEADER)
        f.seek(offset)
        data = f.read() if max_bytes is None else f.read(max_bytes + _FRAME.size)
        more_on_disk = max_bytes is not None and len(data) == max_bytes + _FRAME.size
        if more_on_disk and max_bytes is not None:
            # Extend the read to finish the last frame we started, so the bound never splits one.
            data = _complete_last_frame(f, data, max_bytes)
    return _parse(data, offset, final=final and not more_on_disk, limit=max_bytes, pause_every=pause_every)


def _complete_last_frame(f: BinaryIO, data: bytes, max_bytes: int) -> bytes:
    pos = 0
    while pos + _FRAME.size <= len(data) and pos < max_bytes:
        length = _FRAME.unpack_from(data, pos)[0]
        if length > MAX_FRAME:
            break
        end = pos + _FRAME.size + length
        if end > len(data):
            data += f.read(end - len(data))
            break
        pos = end
    return data


def _parse(data: bytes, base: int, *, final: bool, limit: int | None, pause_every: int = 0) -> ReadResult:
    result = ReadResult(end=base)
    pos, size, taken, count = 0, len(data), 0, 0
    while pos < size:
        count += 1
        if pause_every and count % pause_every == 0:
            time.sleep(0)
        if limit is not None and taken >= limit and result.frames:
            return result
        if pos + _FRAME.size > size:
            break
        length, crc = _FRAME.unpack_from(data, pos)
        end = pos + _FRAME.size + length
        if length > MAX_FRAME:
            return _corrupt(result, base + pos, size - pos)
        if end > size:
            break
        payload = data[pos + _FRAME.size : end]
        if zlib.crc32(payload) != crc:
            return _corrupt(result, base + pos, size - pos)
        pos = end
        taken += length
        result.frames.append((base + pos, payload))
        result.end = base + pos
    if final and pos < size:
        return _corrupt(result, base + pos, size - pos)
    return result


def _corrupt(result: ReadResult, at: int, skipped: int) -> ReadResult:
    result.corrupt_at = at
    result.skipped = skipped
    return result


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """Every good record of a finished log, decoded (tests and tools; the uploader reads frames)."""
    for _, payload in read_frames(path).frames:
        yield json.loads(payload)


def history_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The history rows in a run log's records, in order, whether written one per record or
    column-wise in ``history_block`` records: ``{"step", "timestamp", "runtime", "values",
    "out_of_order"}`` each."""
    for record in records:
        kind = record.get("kind")
        if kind == "history":
            yield {
                "step": record["step"],
                "timestamp": record["timestamp"],
                "runtime": record["runtime"],
                "values": record["values"],
                "out_of_order": record.get("out_of_order", False),
            }
        elif kind == "history_block":
            columns = record["columns"]
            for i, step in enumerate(record["steps"]):
                yield {
                    "step": step,
                    "timestamp": record["timestamps"][i],
                    "runtime": record["runtimes"][i],
                    "values": {key: values[i] for key, values in columns.items()},
                    "out_of_order": False,
                }
