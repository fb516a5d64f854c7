"""Staging: frozen copies of mutable files, made only when an upload needs them, removed after.

``policy="mutable"`` (the default of ``add_file``/``add_dir``) means the file may change while the
run goes on (a checkpoint rewritten every epoch), so what is uploaded must be a copy taken at
``log_artifact`` time. W&B copies every such file when it is *added* and its users report staging
folders of hundreds of GB never cleaned. Here:

* nothing is copied when a file is added; it is hashed (``hash_cache``) and its identity (size,
  inode, mtime) remembered;
* at ``log_artifact`` the run asks the server which digests it lacks and :func:`stage` copies only
  those files (a reflink where the file system can, else a kernel copy), checking that each file
  is still the one that was hashed: a file changed since ``add_file`` is refused with an error
  that names it, never uploaded under a stale digest;
* ``policy="immutable"`` files, and files the server already has, are never copied: they are read
  in place (the upload is verified against the digest by the server anyway);
* the saver calls :func:`release` once the version is saved, which removes the copies (only files
  this module created in the staging folder, never a user's file).

Offline (``missing=None``) every mutable file is staged, since the upload happens later, at
``trackwell sync``, which releases them. Files written by ``new_file``/``add`` live in the
artifact's own temporary folder (:func:`artifact_tmp_dir`, under the staging folder, removed with
the artifact object) and are staged by hard link: they never change.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from trackwell.artifacts.fs_copy import copy_new, reflink
from trackwell.artifacts.storage_paths import staging_dir, staging_roots

if TYPE_CHECKING:
    from trackwell.artifacts.entries import ArtifactManifestEntry

_TMP = "tmp"
_STALE_TMP_S = 3600.0
STAGE_THREADS = 4  # copies at once: file creation and copy_file_range wait on the disk, not the GIL


class FileChangedError(ValueError):
    """A file added to an artifact changed before the artifact was logged."""


def file_signature(st: os.stat_result) -> tuple[int, int, int]:
    """What identifies a file's content cheaply: (size, inode, mtime ns)."""
    return st.st_size, st.st_ino, st.st_mtime_ns


def stage(entries: Iterable[ArtifactManifestEntry], missing: set[str] | None) -> dict[str, str]:
    """Entry path -> the file to upload from, for every entry stored from a local file.

    Mutable files whose digest is in ``missing`` (every mutable file when ``missing`` is None)
    are copied into the staging folder; the rest are read in place. On an error, the copies made
    so far are removed.
    """
    out: dict[str, str] = {}
    to_copy: dict[str, ArtifactManifestEntry] = {}  # digest -> the entry to copy (equal content once)
    copied_as: dict[str, str] = {}  # entry path -> digest
    for entry in entries:
        if entry.ref is not None or entry.local_path is None:
            continue
        wanted = missing is None or entry.digest in missing
        if entry._policy != "mutable" or not wanted:
            out[entry.path] = entry.local_path
            continue
        to_copy.setdefault(entry.digest, entry)
        copied_as[entry.path] = entry.digest
    made = _stage_all(list(to_copy.values()))
    out.update({path: made[digest] for path, digest in copied_as.items()})
    return out


def _stage_all(entries: list[ArtifactManifestEntry]) -> dict[str, str]:
    """Digest -> staged copy of each entry, made on ``STAGE_THREADS`` threads (creating files and
    the kernel's copies release the GIL); on any error every copy made is removed."""
    made: dict[str, str] = {}
    lock = threading.Lock()

    def one(entry: ArtifactManifestEntry) -> None:
        copy = _stage_one(entry)
        with lock:
            made[entry.digest] = copy

    try:
        if len(entries) > 1:
            with ThreadPoolExecutor(min(STAGE_THREADS, len(entries))) as pool:
                futures = [pool.submit(one, entry) for entry in entries]
                try:
                    for future in futures:
                        future.result()
                except BaseException:
                    for future in futures:
                        future.cancel()  # those not started; the running ones finish (then removed)
                    raise
        else:
            for entry in entries:
                one(entry)
    except BaseException:
        release(made.values())
        raise
    return made


def _stage_one(entry: ArtifactManifestEntry) -> str:
    src = entry.local_path
    assert src is not None
    st = _check_unchanged(entry, src)
    before = file_signature(st)
    folder = staging_dir()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{entry.digest[:16]}-{uuid.uuid4().hex[:12]}"
    try:
        # A clone where the file system has them (asked once per device), else the kernel's copy.
        if not (entry._owned and _hard_link(src, dest)) and not reflink(src, dest, src_dev=st.st_dev):
            copy_new(src, dest, st.st_size)
        if not entry._owned and file_signature(os.stat(src)) != before:
            raise FileChangedError(_changed(entry, src))
        os.chmod(dest, 0o444)  # a frozen copy: nothing should write to it before the upload
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise
    return str(dest)


def _hard_link(src: str, dest: Path) -> bool:
    try:
        os.link(src, dest)
        return True
    except OSError:
        return False


def _check_unchanged(entry: ArtifactManifestEntry, src: str) -> os.stat_result:
    try:
        st = os.stat(src)
    except FileNotFoundError:
        raise FileChangedError(
            f"artifact entry {entry.path!r}: its file {src!r} was removed after it was added; "
            "keep the file until run.log_artifact() returns"
        ) from None
    if entry._signature is not None and file_signature(st) != entry._signature:
        raise FileChangedError(_changed(entry, src))
    return st


def _changed(entry: ArtifactManifestEntry, src: str) -> str:
    return (
        f"artifact entry {entry.path!r}: {src!r} changed after it was added (its digest was computed "
        "from the earlier content); add it again after the last write, or write a new file"
    )


def release(local_paths: Mapping[str, str] | Iterable[str]) -> None:
    """Remove staged copies once uploaded. Only files this module made in the staging folder are
    touched: a user's file passed in (an immutable entry) is left alone."""
    paths = local_paths.values() if isinstance(local_paths, Mapping) else local_paths
    roots = staging_roots()
    for raw in paths:
        parent = os.path.dirname(os.path.abspath(raw))
        # Our copies are spelled under the staging folder (no realpath needed); else resolve.
        if parent in roots or str(Path(parent).resolve()) == roots[1]:
            with contextlib.suppress(OSError):
                os.unlink(raw)


def artifact_tmp_dir(owner: object) -> Path:
    """A private folder for the files ``owner`` (an Artifact) writes itself; removed with it.

    Under the staging folder, so staging its files is a hard link. Folders left by processes
    that died are swept here, after an hour.
    """
    base = staging_dir() / _TMP
    base.mkdir(parents=True, exist_ok=True)
    _sweep(base)
    path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=base))
    weakref.finalize(owner, shutil.rmtree, str(path), True)
    return path


def _sweep(base: Path) -> None:
    cutoff = time.time() - _STALE_TMP_S
    for item in os.scandir(base):
        pid_text = item.name.split("-", 1)[0]
        with contextlib.suppress(OSError, ValueError):
            if item.stat().st_mtime < cutoff and not _alive(int(pid_text)):
                shutil.rmtree(item.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
