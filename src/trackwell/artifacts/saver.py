"""The artifact saver: uploads what ``log_artifact`` found missing, then creates the version.

Why a thread: ``run.log_artifact`` returns at once (wandb's contract), and a 5 GB model must not
block training. One saver per process runs ``JOB_THREADS`` saves at a time, each sending its blobs
on up to ``LANES`` daemon threads (:mod:`uploads` streams and resumes the big ones; small ones go
many to a framed request, ``BATCH_LANES`` at once, since the server's cost per request and its
fsyncs, not the bytes, bounded them). A save:

1. uploads the blobs the server lacked when ``log_artifact`` asked (``POST /blobs/missing``);
2. waits until the run exists on the server (the run's uploader may still be creating it: an
   offline start, a server that was away at ``init``), since the version names the run;
3. ``POST .../versions`` with the record's ``ArtifactCreate`` body: idempotent per ``client_id``, so
   a retry (or a ``trackwell sync`` of the same record later) never makes a second version; a
   ``409 missing_blobs`` (the server lost a blob since) re-asks and uploads those once;
4. hands the answer to the artifact (``_apply_saved``: id, version, aliases), puts the uploaded
   files in the download cache (unless ``cache=False``/``skip_cache``), removes staged copies, and
   notes the ``client_id`` in ``run-<id>.twlog.artifacts`` so ``trackwell sync`` skips it.

A save that fails keeps its ``artifact`` record in the run log and its staged copies on disk:
``trackwell sync <run dir>`` saves it later (:mod:`trackwell.artifacts.sync`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.uploads import (
    BATCH_BYTES,
    BATCH_COUNT,
    BATCH_MIN_BYTES,
    UploadStats,
    batch_limit,
    upload_batch,
    upload_blob,
)
from trackwell.artifacts.workers import batches, run_in_threads, with_retry
from trackwell.schema.errors import Conflict
from trackwell.sdk import term

log = logging.getLogger("trackwell.artifacts")

JOB_THREADS = 2
LANES = 8  # big blobs in flight per save (each its own PUT or parts)
BATCH_LANES = 4  # framed requests of small blobs in flight (the server's two fsync passes overlap)
RUN_WAIT_POLL_S = 0.25
_NO_NEW_VERSION = "No new version will be created."  # wandb's words (saver.go)


class SaveCancelled(Exception):
    """The save was given up (``finish()`` ran out of patience, or the process is ending)."""


class SavedLog:
    """``run-<id>.twlog.artifacts``: the ``client_id`` of every artifact record already saved, one a
    line, so ``trackwell sync`` does not ask the server about them again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def for_log(cls, log_path: Path) -> SavedLog:
        return cls(log_path.with_name(log_path.name + ".artifacts"))

    def saved(self) -> set[str]:
        try:
            return {line.strip() for line in self.path.read_text("utf-8").splitlines() if line.strip()}
        except OSError:
            return set()

    def mark(self, client_id: str) -> None:
        with self._lock:
            try:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(client_id + "\n")
            except OSError:  # only an optimization: sync would ask the server, which answers the same
                log.warning("could not note the saved artifact %s in %s", client_id, self.path)


class SaveJob:
    """One ``log_artifact`` call's save: ``wait()`` blocks until it is done, raising its error."""

    def __init__(
        self,
        client: ArtifactClient,
        *,
        entity: str | None,
        project: str,
        record: dict[str, Any],
        missing: set[str] | None,
        artifact: Any = None,
        run_exists: threading.Event | None = None,
        saved_log: SavedLog | None = None,
        use_cache: bool = True,
        run_dir: Path | None = None,
    ) -> None:
        self.client = client
        self.entity = entity
        self.project = project
        self.record = record
        self.client_id = str(record["client_id"])
        self.name = str(record["name"])
        # None: not asked yet (the server was away when log_artifact ran): asked before uploading.
        self._asked = missing is not None
        self.missing = set(missing) if missing is not None else set(self._digests())
        self.artifact = artifact
        self.run_exists = run_exists
        self.saved_log = saved_log
        self.use_cache = use_cache
        self.run_dir = run_dir
        self.stats = UploadStats()
        self.done = threading.Event()
        self.cancelled = threading.Event()
        self.error: BaseException | None = None
        self.result: dict[str, Any] | None = None
        self.total_bytes = sum(size for _, size in self.blobs_to_send().values())
        # The save of the same artifact logged just before this one (set by Saver.submit): its
        # version is created first, so versions and aliases follow the order of log_artifact calls.
        self.previous: SaveJob | None = None

    def _digests(self) -> list[str]:
        contents: dict[str, Any] = self.record["create"]["manifest"]["contents"]
        return sorted({info["digest"] for info in contents.values() if not info.get("ref")})

    def blobs_to_send(self) -> dict[str, tuple[str, int]]:
        """digest -> (local file, size) for every missing blob of a stored (non-reference) entry."""
        contents: dict[str, Any] = self.record["create"]["manifest"]["contents"]
        local: dict[str, str] = self.record.get("local_paths") or {}
        out: dict[str, tuple[str, int]] = {}
        for entry, info in contents.items():
            digest = info["digest"]
            if info.get("ref") or digest not in self.missing or digest in out:
                continue
            path = local.get(entry)
            if path is None:
                raise FileNotFoundError(
                    f"artifact {self.name!r}: the server lacks the bytes of {entry!r} and this run has no "
                    "local copy of it to upload"
                )
            out[digest] = (path, int(info["size"]))
        return out

    def wait(self, timeout: float | None = None) -> dict[str, Any]:
        if not self.done.wait(timeout):
            raise TimeoutError(
                f"artifact {self.name!r} is still being saved after {timeout} s "
                f"({self.stats.bytes_sent} of {self.total_bytes} bytes sent)"
            )
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def run(self) -> None:
        """Do the save on this thread (the saver's lanes, or ``trackwell sync`` inline)."""
        try:
            self.result = self._save()
        except BaseException as exc:
            self.error = exc
            log.warning("artifact %s was not saved: %s", self.name, exc)
        finally:
            self.done.set()

    # --- the steps ----------------------------------------------------------------------------

    def _save(self) -> dict[str, Any]:
        if not self._asked:
            digests = self._digests()
            self.missing = with_retry(lambda: self.client.missing_blobs(digests), "asking for missing blobs")
            self.total_bytes = sum(size for _, size in self.blobs_to_send().values())
            self._asked = True
        self._upload(self.blobs_to_send())
        self._wait_for_run()
        self._wait_for_previous()
        entity = self.entity or self.client.viewer_entity()
        create = self.record["create"]
        try:
            answer = with_retry(
                lambda: self.client.create_version(entity, self.project, self.name, create),
                f"saving artifact {self.name}",
            )
        except Conflict as exc:
            if exc.code != "missing_blobs":
                raise
            # A blob went missing on the server since we asked: ask again, send, and retry once.
            self.missing = self.client.missing_blobs(self._digests())
            self._upload(self.blobs_to_send())
            answer = self.client.create_version(entity, self.project, self.name, create)
        self._after(answer)
        return answer

    def _upload(self, blobs: dict[str, tuple[str, int]]) -> None:
        if not blobs:
            return
        client, stats = self.client, self.stats
        limit = batch_limit()

        def send(job: list[tuple[str, str, int]]) -> None:
            if self.cancelled.is_set():
                raise SaveCancelled(f"the save of artifact {self.name!r} was given up")
            if len(job) == 1 and job[0][2] > limit:
                digest, path, size = job[0]
                upload_blob(client, digest, path, size, stats=stats)
            else:
                upload_batch(client, job, stats=stats)

        # Largest first: the long uploads start early; small blobs go many to a request (the
        # server's cost per request, and its fsyncs, are shared by the group).
        items = sorted(((d, p, n) for d, (p, n) in blobs.items()), key=lambda item: -item[2])
        jobs = [[item] for item in items if item[2] > limit]
        lanes = LANES if jobs else BATCH_LANES
        small = [item for item in items if item[2] <= limit]
        jobs += batches(
            small,
            lambda item: item[2],
            streams=BATCH_LANES,
            most=BATCH_BYTES,
            least=BATCH_MIN_BYTES,
            count=BATCH_COUNT,
        )
        run_in_threads(
            send,
            jobs,
            min(lanes, len(jobs)),
            name="trackwell-blob",
            on_thread_end=client.release_thread_connection,
        )

    def _wait_for_run(self) -> None:
        event = self.run_exists
        while event is not None and not event.wait(RUN_WAIT_POLL_S):
            if self.cancelled.is_set():
                raise SaveCancelled(
                    f"artifact {self.name!r}: the run was never created on the server, so the version "
                    "could not be saved"
                )

    def _wait_for_previous(self) -> None:
        """Two saves run at once (``JOB_THREADS``), and the server numbers versions as they are
        created: without this, checkpoints logged an epoch apart could become v7 and v6, and
        ``latest`` (or a ``best`` alias) would end on the older one. The uploads above overlap;
        only the version creation waits. The earlier job was taken off the FIFO queue first, so
        it is running or done: no deadlock."""
        previous, self.previous = self.previous, None  # no chain of finished jobs kept alive
        while previous is not None and not previous.done.wait(RUN_WAIT_POLL_S):
            if self.cancelled.is_set():
                raise SaveCancelled(f"the save of artifact {self.name!r} was given up")

    def _after(self, answer: dict[str, Any]) -> None:
        if self.artifact is not None:
            self.artifact._apply_saved(answer)
        local: dict[str, str] = self.record.get("local_paths") or {}
        if self.use_cache:
            skip = _skip_cache_digests(self.record)
            _add_to_cache({d: v for d, v in self.blobs_to_send().items() if d not in skip})
        _release(local)
        if self.saved_log is not None:
            self.saved_log.mark(self.client_id)
        if answer.get("created") is False:
            term.termlog(f'Artifact "{self.name}" already exists with the same content. {_NO_NEW_VERSION}')


def _skip_cache_digests(record: dict[str, Any]) -> set[str]:
    """Digests of the entries added with ``skip_cache=True`` (wandb's ``add_file`` argument)."""
    contents: dict[str, Any] = record["create"]["manifest"]["contents"]
    return {contents[p]["digest"] for p in record.get("skip_cache") or [] if p in contents}


def _add_to_cache(blobs: dict[str, tuple[str, int]]) -> None:
    """Uploaded files go into the download cache, so a download on this machine sends no request."""
    if not blobs:
        return
    try:
        from trackwell.artifacts.file_cache import FileCache
        from trackwell.artifacts.storage_paths import is_staged

        cache = FileCache.default()
        for digest, (path, size) in blobs.items():
            if cache.get(digest, size) is None:
                # A staged copy is ours: linked into the cache. A user's file read in place is
                # copied (linking would make it read-only, and share its later edits).
                cache.add_file(Path(path), digest, link_ok=is_staged(Path(path)))
    except Exception as exc:  # the cache is an optimization: a full disk must not fail the save
        log.warning("could not add uploaded files to the artifact cache: %s", exc)


def _release(local_paths: dict[str, str]) -> None:
    try:
        from trackwell.artifacts import staging

        staging.release(local_paths)
    except Exception as exc:
        log.warning("could not remove staged artifact copies: %s", exc)


class Saver:
    """The process's saver: ``JOB_THREADS`` daemon threads taking :class:`SaveJob` off a queue."""

    def __init__(self, threads: int = JOB_THREADS) -> None:
        self._queue: queue.Queue[SaveJob] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._count = threads
        self._lock = threading.Lock()
        self._last: dict[tuple[str | None, str, str], SaveJob] = {}  # the latest job per artifact

    def submit(self, job: SaveJob) -> SaveJob:
        with self._lock:
            if not self._threads:
                for i in range(self._count):
                    thread = threading.Thread(
                        target=self._loop, name=f"trackwell-artifact-saver-{i}", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
            # only saves still running matter: forget the rest (no artifact kept alive by this)
            self._last = {k: j for k, j in self._last.items() if not j.done.is_set()}
            key = (job.entity, job.project, job.name)
            earlier = self._last.get(key)
            if earlier is not None:
                job.previous = earlier
            self._last[key] = job
            self._queue.put(job)
        return job

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job.cancelled.is_set():
                job.error = SaveCancelled(f"the save of artifact {job.name!r} was given up")
                job.done.set()
                continue
            job.run()


_saver: Saver | None = None
_saver_lock = threading.Lock()


def saver() -> Saver:
    global _saver
    with _saver_lock:
        if _saver is None:
            _saver = Saver()
        return _saver


def wait_all(
    jobs: list[SaveJob],
    *,
    stall_timeout: float,
    on_progress: Callable[[int], None] | None = None,
) -> list[SaveJob]:
    """Wait for every job; give up on those that send nothing for ``stall_timeout`` s (a dead
    server), cancelling them. Returns the jobs that did not save (failed or given up)."""
    last_sent = -1
    last_change = time.monotonic()
    while True:
        pending = [job for job in jobs if not job.done.is_set()]
        sent = sum(job.stats.bytes_sent for job in jobs)
        if on_progress is not None:
            on_progress(sent)
        if not pending:
            break
        if sent != last_sent:
            last_sent, last_change = sent, time.monotonic()
        elif time.monotonic() - last_change > stall_timeout:
            for job in pending:
                job.cancelled.set()
            for job in pending:
                job.done.wait(1.0)
            break
        pending[0].done.wait(0.1)
    return [job for job in jobs if not job.done.is_set() or job.error is not None]
