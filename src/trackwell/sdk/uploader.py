"""The uploader: tails a run log and ships its records to the server, until everything is taken.

Why it reads the file and not memory: the same code then serves the live run (a thread next to the
processor), ``finish()`` (drain with a deadline) and ``trackwell sync`` (replay a finished log).
Delivery is at-least-once and the server makes it exactly-once: records are numbered per session
and the server skips what it has applied (docs/architecture.md, "Sequence rules"), so a retry or a
second sync never duplicates anything.

Rules: batches are capped in bytes; file records are preceded by the file's bytes (PUT); transport
errors and 5xx answers are retried with exponential backoff and jitter; ``SequenceGap`` rewinds to
the record the server expects; progress (byte offset, last applied seq) is persisted next to the log
in ``run-<id>.twlog.sync`` (:mod:`upload_state`, about once a second and when the uploader stops);
an empty batch is sent as a heartbeat when idle for ``heartbeat`` s. Errors that retrying cannot fix
(wrong key, run deleted) stop the uploader with one message: the log keeps everything for a later
``trackwell sync``. The requests themselves (and creating a run the server does not know yet) are
:mod:`upload_calls`; where the upload stands in the log, :mod:`upload_state`.

Pipelining: up to ``PIPELINE`` batches are in flight at once (:mod:`upload_lanes`), so the server
applies batch n while batch n+1 is read, sent and parsed. Answers are taken in order; the server
makes a batch that overtakes the one before it wait for it (docs/architecture.md, "Sequence
rules"). When a batch fails, the answers of the batches after it are collected, reading restarts
at the acknowledged offset, and the failure is handled as above, so nothing is skipped and nothing
is applied twice. Until the server has acknowledged a batch (or the run is known to exist), one
batch at a time: the first one may have to create the run.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.schema.errors import PayloadTooLarge, SequenceGap, TrackwellError
from trackwell.sdk.runlog import mentions_kind, peek_seq_kind
from trackwell.sdk.transport import TransportError
from trackwell.sdk.upload_calls import RecordsClient, RunCalls, records_body
from trackwell.sdk.upload_lanes import Pipeline, Sent
from trackwell.sdk.upload_state import Position, Progress, join_records, read_session, sync_path
from trackwell.sdk.wire import RecordsAck

__all__ = ["FatalUploadError", "RecordsClient", "Uploader"]

log = logging.getLogger("trackwell.sdk")

BATCH_BYTES = 2 << 20
POLL_SECONDS = 0.25  # the longest a logged value waits before it is sent
# The uploader looks at the log this often, and sends at once when this much is waiting: a fast
# loop's data goes out while the loop runs (finish() then has less left), while a slow trickle still
# goes out as one batch per POLL_SECONDS, not as a request per look.
EAGER_POLL_SECONDS = 0.05
EAGER_BYTES = 64 << 10
BACKOFF_MIN = 0.2
BACKOFF_MAX = 5.0
PIPELINE = 2  # record batches in flight at once


PAUSE_EVERY = 32


class FatalUploadError(Exception):
    """Retrying cannot help (wrong key, permission, run gone); the log is kept for ``trackwell sync``."""


class Uploader:
    """Ships one run log. Use :meth:`start` for a background thread or :meth:`run_until_done` inline."""

    def __init__(
        self,
        log_path: Path,
        client: RecordsClient,
        *,
        upserted: bool = False,
        heartbeat: float = 15.0,
        log_closed: Callable[[], bool] | None = None,
        on_ack: Callable[[RecordsAck], None] | None = None,
    ) -> None:
        self.log_path = log_path
        self.files_dir = log_path.parent / "files"
        self.client = client
        self.heartbeat = heartbeat
        self._log_closed = log_closed or (lambda: True)
        self._on_ack = on_ack
        self._upserted = upserted
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._finishing = threading.Event()
        self._thread: threading.Thread | None = None
        self.header: dict[str, Any] | None = None
        self.position: Position | None = None
        self._calls: RunCalls | None = None  # once the header is read
        self.error: str | None = None
        self.corrupt: str | None = None
        self.caught_up = threading.Event()
        self._failures = 0
        self._last_post = time.monotonic()
        self._batch_bytes = BATCH_BYTES
        self._last_batch: list[tuple[int, bytes]] = []
        self._pipeline = Pipeline(PIPELINE, "trackwell-upload-send")
        self._acked_once = False
        self.acked_at: float | None = None  # wall time of the last acknowledged batch (run.status())
        # Set once the run is known to exist on the server (created at init, or by the first batch
        # the server took): the artifact saver waits on it before it creates a version of the run.
        self.run_exists = threading.Event()
        if upserted:
            self.run_exists.set()

    # --- control ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._thread_main, name="trackwell-uploader", daemon=True)
        self._thread.start()

    def finish(self, timeout: float) -> bool:
        """Upload what is left until caught up with the closed log, or until ``timeout`` s pass."""
        self._finishing.set()
        self._wake.set()
        done = self.caught_up.wait(timeout)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=0.5 if not done else 5.0)
        return done and self.error is None

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    @property
    def progress(self) -> Progress | None:
        return self.position.progress if self.position else None

    def pending_bytes(self) -> int:
        offset = self.position.progress.offset if self.position else 0
        try:
            return max(0, self.log_path.stat().st_size - offset)
        except OSError:
            return 0

    def run_until_done(self, deadline: float | None = None) -> bool:
        """Inline upload of a finished log (``trackwell sync``): True when the server has it all."""
        self._finishing.set()
        try:
            while not self._stop.is_set():
                if self._step():
                    return True
                if deadline is not None and time.monotonic() > deadline:
                    return False
        except FatalUploadError as exc:
            self.error = str(exc)
        finally:
            self._wind_down()
        return False

    # --- loop -------------------------------------------------------------------------------

    def _thread_main(self) -> None:
        try:
            while not self._stop.is_set():
                if self._step():
                    self.caught_up.set()
                    return
        except FatalUploadError as exc:
            self.error = str(exc)
            log.error("upload stopped: %s", exc)
        except Exception as exc:  # pragma: no cover - never let the thread die silently
            self.error = f"unexpected upload error: {exc!r}"
            log.exception("uploader crashed")
        finally:
            self._wind_down()
            self.caught_up.set()
            try:
                self.client.close()
            except Exception:  # pragma: no cover
                log.exception("closing the client")

    def _wind_down(self) -> None:
        """Stop the sender threads (once their calls end) and write the last progress."""
        self._pipeline.close()
        try:
            if self.position is not None:
                self.position.save(force=True)
        except OSError:  # pragma: no cover - the next sync resends, the server skips
            log.warning("could not save upload progress for %s", self.log_path)

    def _step(self) -> bool:
        """One round: returns True when the log is closed and fully acknowledged."""
        try:
            if self.header is None and not self._load_header():
                self._sleep(POLL_SECONDS)
                return False
            header = self.header
            assert header is not None
            if not header.get("entity"):
                header["entity"] = self.client.viewer_entity()
            closed = self._log_closed()
            if not closed and not self._finishing.is_set() and self._not_worth_sending_yet():
                self._sleep(EAGER_POLL_SECONDS)
                return False
            if self._send_some(final=closed):
                return False
            if closed and self._finishing.is_set():
                assert self.position is not None
                self.position.save(force=True)
                return True
            if time.monotonic() - self._last_post > self.heartbeat:
                self._heartbeat()
                self._failures = 0
            self._sleep(EAGER_POLL_SECONDS)
        except (TransportError, SequenceGap) as exc:
            if isinstance(exc, SequenceGap):
                self._rewind(exc.expected_seq)
                return False
            self._backoff(exc)
        except PayloadTooLarge:
            self._shrink_batch()
        except TrackwellError as exc:
            if exc.http_status >= 500 or exc.code == "error":
                self._backoff(exc)
                return False
            raise FatalUploadError(
                f"the server refused the run's data ({exc}); everything is kept in {self.log_path.parent}: "
                f"run `trackwell sync {self.log_path.parent}` once that is fixed"
            ) from None
        return False

    def _not_worth_sending_yet(self) -> bool:
        if time.monotonic() - self._last_post >= POLL_SECONDS:
            return False
        sent = self.position.read_from if self.position else 0
        try:
            return self.log_path.stat().st_size - sent < EAGER_BYTES
        except OSError:
            return True

    def _sleep(self, seconds: float) -> None:
        if not self._finishing.is_set() or seconds > POLL_SECONDS:
            self._wake.wait(seconds)
            self._wake.clear()
        else:
            time.sleep(min(seconds, 0.05))

    def _backoff(self, exc: Exception) -> None:
        self._failures += 1
        delay = min(BACKOFF_MAX, BACKOFF_MIN * 2 ** (self._failures - 1)) * random.uniform(0.5, 1.0)
        if self._failures in (1, 5, 20):
            log.warning("upload attempt %d failed (%s); retrying in %.1fs", self._failures, exc, delay)
        self._wake.wait(delay)
        self._wake.clear()

    # --- protocol ---------------------------------------------------------------------------

    def _load_header(self) -> bool:
        header = read_session(self.log_path)
        if header is None:
            return False
        self.header = header
        self.position = Position(
            self.log_path, Progress.load(sync_path(self.log_path), str(header["session_id"]))
        )
        self._calls = RunCalls(self.client, header, self.files_dir, upserted=self._upserted)
        return True

    def _send_some(self, *, final: bool) -> bool:
        """Take the answers that are in, then send the next batch when there is room, else wait for
        the oldest answer. False only when nothing is in flight and nothing is left to send."""
        pipeline, position, calls = self._pipeline, self.position, self._calls
        assert position is not None and calls is not None
        self._collect(block=False)
        # Until the run is known to exist, one batch at a time: the first may have to create it.
        if len(pipeline) >= (PIPELINE if self._acked_once or calls.upserted else 1):
            self._collect(block=True)
            return True
        frames, end, problem = position.read_batch(
            self._batch_bytes, final=final, pause_every=PAUSE_EVERY, in_flight=bool(pipeline)
        )
        if problem and problem != self.corrupt:
            self.corrupt = problem
            log.warning("%s: %s", self.log_path, problem)
        if not frames:
            if pipeline:
                self._collect(block=True)
                return True
            return False
        records = join_records(frames)
        if mentions_kind(records, "file"):
            for _, payload in frames:
                if peek_seq_kind(payload)[1] == "file":
                    calls.put_file(payload)
        self._submit(calls, records, frames, end)
        position.cursor = end
        return True

    def _collect(self, *, block: bool) -> None:
        """Answers in order; a failed batch restarts reading at the acknowledged offset, then its
        error goes to ``_step`` (retry, rewind or give up, as for any request)."""
        try:
            self._pipeline.collect(self._acked, block=block)
        except BaseException:
            failed = self._pipeline.failed
            self._last_batch = failed.frames if failed else []
            if self.position is not None:
                self.position.cursor = None
            raise

    def _shrink_batch(self) -> None:
        # The server's body limit is smaller than our batch: send less at a time. A single record
        # too large for the server can never be delivered; it is skipped with an error, not retried.
        if len(self._last_batch) > 1:
            self._batch_bytes = max(1, self._batch_bytes // 4)
            return
        if self._last_batch and self.position is not None:
            end, payload = self._last_batch[0]
            log.error("the server refused a %d-byte record as too large; skipping it", len(payload))
            self.position.skip_to(end)

    def _body(self, records_json: bytes) -> bytes:
        assert self.position is not None
        return records_body(self.position.progress.session_id, records_json)

    def _submit(
        self, calls: RunCalls, records_json: bytes, frames: list[tuple[int, bytes]], end: int
    ) -> None:
        body = self._body(records_json)
        self._pipeline.send(lambda: calls.post_records(body), frames, end)
        self._last_post = time.monotonic()

    def _heartbeat(self) -> None:
        assert self._calls is not None
        ack = self._calls.post_records(self._body(b"[]"))
        self._last_post = time.monotonic()
        self.run_exists.set()
        if self._on_ack is not None:
            self._on_ack(ack)

    def _acked(self, ack: RecordsAck, sent: Sent) -> None:
        assert self.position is not None
        self._acked_once = True
        self.run_exists.set()
        self.acked_at = time.time()
        self._failures = 0
        self.position.advance(ack.applied_through, sent.frames, sent.end)
        if self._on_ack is not None:
            self._on_ack(ack)

    def _rewind(self, expected_seq: int) -> None:
        """The server lacks records before ours: restart from the frame numbered ``expected_seq``."""
        assert self.position is not None
        start = self.position.rewind(expected_seq)
        log.info("server expects seq %d: resending from byte %d", expected_seq, start)
