"""``trackwell sync``: upload run dirs written offline, or cut off before their upload finished.

Artifacts the run logged but did not save (offline, or a failed save) are saved after the run's
records are delivered (:mod:`trackwell.artifacts.sync`).

Each run dir's log is replayed through the same :class:`~trackwell.sdk.uploader.Uploader` the live
run uses, starting from the progress saved in ``run-<id>.twlog.sync`` (or from the start). Syncing
is idempotent: the records carry the original session id and sequence numbers, and the server skips
what it already has, so syncing twice adds nothing. A corrupt tail (a process killed mid-write) is
reported and the good records before it are still uploaded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from trackwell.sdk.progress import Progress as ProgressLine
from trackwell.sdk.upload_state import Progress, read_session, sync_path
from trackwell.sdk.uploader import RecordsClient, Uploader

log = logging.getLogger("trackwell.sdk")

SYNC_TIMEOUT = 600.0


@dataclass
class SyncResult:
    path: Path
    synced: bool
    error: str | None = None
    corrupt: str | None = None


def run_logs(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("run-*.twlog"))


def unsent_bytes(log_path: Path) -> int:
    """Bytes of the log past what the saved progress says the server has taken."""
    header = read_session(log_path)
    if header is None:
        return 0
    progress = Progress.load(sync_path(log_path), str(header["session_id"]))
    try:
        size = log_path.stat().st_size
    except OSError:
        return 0
    return max(0, size - progress.offset)


def is_synced(log_path: Path) -> bool:
    """True when the saved progress says the server has taken the whole (closed) log."""
    return unsent_bytes(log_path) == 0


class SentBytes:
    """Bytes sent so far by the uploaders of one sync (read by the progress line's thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[int, tuple[Uploader, int]] = {}
        self._done = 0

    def begin(self, uploader: Uploader, unsent: int) -> None:
        with self._lock:
            self._active[id(uploader)] = (uploader, unsent)

    def end(self, uploader: Uploader) -> None:
        with self._lock:
            _, unsent = self._active.pop(id(uploader))
            self._done += max(0, unsent - uploader.pending_bytes())

    def __call__(self) -> int:
        with self._lock:
            live = sum(max(0, unsent - u.pending_bytes()) for u, unsent in self._active.values())
            return self._done + live


def find_run_dirs(root: Path, unsynced_only: bool = True) -> Iterator[Path]:
    """Run dirs under ``root`` (a ``trackwell/`` folder), oldest first; only unsynced ones by default."""
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        if path.is_symlink() or not path.is_dir() or not path.name.startswith(("run-", "offline-run-")):
            continue
        logs = run_logs(path)
        if not logs:
            continue
        if unsynced_only and all(is_synced(p) and not _unsaved_artifacts(p) for p in logs):
            continue
        yield path


def sync_run_dir(
    run_dir: Path, client_factory: Callable[[], RecordsClient], sent: SentBytes | None = None
) -> SyncResult:
    """Upload every run log in ``run_dir``; never raises for a problem with the data."""
    logs = run_logs(run_dir)
    if not logs:
        return SyncResult(run_dir, False, error=f"no run log (run-*.twlog) in {run_dir}")
    corrupt = None
    for log_path in logs:
        client = client_factory()
        uploader = Uploader(log_path, client)
        if sent is not None:
            sent.begin(uploader, unsent_bytes(log_path))
        try:
            done = uploader.run_until_done(deadline=time.monotonic() + SYNC_TIMEOUT)
        finally:
            client.close()
            if sent is not None:
                sent.end(uploader)
        corrupt = corrupt or uploader.corrupt
        if not done:
            return SyncResult(run_dir, False, error=uploader.error or "timed out", corrupt=corrupt)
        problem = _save_artifacts(log_path, client_factory)
        if problem:
            return SyncResult(run_dir, False, error=problem, corrupt=corrupt)
    return SyncResult(run_dir, True, corrupt=corrupt)


def _mentions_artifacts(log_path: Path) -> bool:
    """Whether the log holds an ``artifact`` record (a scan in C, 16 MiB at a time)."""
    marker, tail = b'"kind":"artifact"', b""
    try:
        with log_path.open("rb") as f:
            while chunk := f.read(16 << 20):
                if marker in tail + chunk:
                    return True
                tail = chunk[-len(marker) :]
    except OSError:
        return False
    return False


def _unsaved_artifacts(log_path: Path) -> bool:
    """An artifact logged in this run that is not saved yet (offline, or its save failed)."""
    if not _mentions_artifacts(log_path):
        return False
    from trackwell.artifacts.sync import unsaved  # only for logs that hold artifacts

    return bool(unsaved(log_path))


def _save_artifacts(log_path: Path, client_factory: Callable[[], RecordsClient]) -> str | None:
    """Artifacts logged offline, or whose save failed, are saved now that the run exists."""
    if not _mentions_artifacts(log_path):
        return None
    from trackwell.artifacts.sync import save_artifacts  # only for logs that hold artifacts

    return save_artifacts(log_path, client_factory)


def sync_run_dirs(
    paths: Iterable[Path],
    client_factory: Callable[[], RecordsClient],
    parallel: int = 4,
    progress: ProgressLine | None = None,
) -> list[SyncResult]:
    """Sync several run dirs, ``parallel`` at a time; results in the order of ``paths``.
    ``progress`` (runs done, bytes sent) is advanced as runs finish and polled while they upload."""
    paths = [Path(p) for p in paths]
    sent = SentBytes()
    if progress is not None:
        progress.watch(sent)

    def one(path: Path) -> SyncResult:
        result = _safe_sync(path, client_factory, sent)
        if progress is not None:
            progress.advance(items=1)
        return result

    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="trackwell-sync") as pool:
        results = list(pool.map(one, paths))
    for result in results:
        if result.corrupt:
            log.warning("%s: %s", result.path, result.corrupt)
    return results


def _safe_sync(path: Path, client_factory: Callable[[], RecordsClient], sent: SentBytes) -> SyncResult:
    try:
        return sync_run_dir(path, client_factory, sent)
    except Exception as exc:  # one broken dir must not stop the others
        log.exception("sync of %s failed", path)
        return SyncResult(path, False, error=str(exc))
