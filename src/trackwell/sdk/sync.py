"""``trackwell sync``: upload run dirs written offline, or cut off before their upload finished.

Each run dir's log is replayed through the same :class:`~trackwell.sdk.uploader.Uploader` the live
run uses, starting from the progress saved in ``run-<id>.twlog.sync`` (or from the start). Syncing
is idempotent: the records carry the original session id and sequence numbers, and the server skips
what it already has, so syncing twice adds nothing. A corrupt tail (a process killed mid-write) is
reported and the good records before it are still uploaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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


def is_synced(log_path: Path) -> bool:
    """True when the saved progress says the server has taken the whole (closed) log."""
    header = read_session(log_path)
    if header is None:
        return True
    progress = Progress.load(sync_path(log_path), str(header["session_id"]))
    try:
        size = log_path.stat().st_size
    except OSError:
        return True
    return progress.offset >= size


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
        if unsynced_only and all(is_synced(p) for p in logs):
            continue
        yield path


def sync_run_dir(run_dir: Path, client_factory: Callable[[], RecordsClient]) -> SyncResult:
    """Upload every run log in ``run_dir``; never raises for a problem with the data."""
    logs = run_logs(run_dir)
    if not logs:
        return SyncResult(run_dir, False, error=f"no run log (run-*.twlog) in {run_dir}")
    corrupt = None
    for log_path in logs:
        client = client_factory()
        uploader = Uploader(log_path, client)
        try:
            done = uploader.run_until_done(deadline=time.monotonic() + SYNC_TIMEOUT)
        finally:
            client.close()
        corrupt = corrupt or uploader.corrupt
        if not done:
            return SyncResult(run_dir, False, error=uploader.error or "timed out", corrupt=corrupt)
    return SyncResult(run_dir, True, corrupt=corrupt)


def sync_run_dirs(
    paths: Iterable[Path], client_factory: Callable[[], RecordsClient], parallel: int = 4
) -> list[SyncResult]:
    """Sync several run dirs, ``parallel`` at a time; results in the order of ``paths``."""
    paths = [Path(p) for p in paths]
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="trackwell-sync") as pool:
        results = list(pool.map(lambda p: _safe_sync(p, client_factory), paths))
    for result in results:
        if result.corrupt:
            log.warning("%s: %s", result.path, result.corrupt)
    return results


def _safe_sync(path: Path, client_factory: Callable[[], RecordsClient]) -> SyncResult:
    try:
        return sync_run_dir(path, client_factory)
    except Exception as exc:  # one broken dir must not stop the others
        log.exception("sync of %s failed", path)
        return SyncResult(path, False, error=str(exc))
