"""Upload sessions of the local blob store: ``<root>/tmp/uploads/<upload_id>/``.

A session folder holds ``session.json`` (digest, size, part size, start time) and one file per
received part (``part-00001``...). A part is written to a temporary name and renamed when whole, so a
part file is either absent or complete; a server restart loses nothing. ``complete`` concatenates
the parts in order into one temporary file while hashing it, and publishes that file under the
digest only when the hash matches (one pass over the bytes, bounded memory).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base.blobs import (
    BlobInfo,
    BlobWriteResult,
    PartInfo,
    UploadBusy,
    UploadState,
    completion_stale_after,
)
from trackwell.store.blobs.common import (
    COPY_CHUNK,
    check_upload_id,
    digest_mismatch,
    new_upload_id,
    parse_session,
    parts_incomplete,
    session_json,
    upload_not_found,
    upload_prefix,
)

_PART = re.compile(r"part-([0-9]{5})")
SESSION = "session.json"
COMPLETING = "completing"  # present while a request assembles and verifies the blob


def _concatenate(folder: Path, parts: tuple[PartInfo, ...], fd: int) -> str:
    """Write the parts in order to ``fd`` (flushed and fsynced) and answer their SHA-256."""
    hasher = hashlib.sha256()
    with open(fd, "wb") as out:
        for part in parts:
            with open(folder / f"part-{part.number:05d}", "rb") as src:
                while chunk := src.read(COPY_CHUNK):
                    hasher.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return hasher.hexdigest()


class LocalUploads:
    """Mixed into :class:`~trackwell.store.blobs.local.LocalBlobStore`, which provides ``publish``."""

    def __init__(self, uploads: Path) -> None:
        self._uploads = uploads
        self._uploads.mkdir(parents=True, exist_ok=True)

    def publish(self, tmp: Path, digest: str) -> bool:  # pragma: no cover - LocalBlobStore's
        raise NotImplementedError

    def _folder(self, upload_id: str) -> Path:
        return self._uploads / check_upload_id(upload_id)

    def find_upload(self, sha256: str, size: int) -> UploadState | None:
        prefix = upload_prefix(sha256, size)
        found = [p.name for p in self._uploads.iterdir() if p.name.startswith(prefix)]
        for upload_id in sorted(found):
            try:
                return self.get_upload(upload_id)
            except (NotFound, OSError):  # removed meanwhile, or damaged: look at the next one
                continue
        return None

    def create_upload(self, sha256: str, size: int, part_size: int, now: float) -> UploadState:
        state = UploadState(new_upload_id(sha256, size), sha256, size, part_size, now)
        staging = Path(tempfile.mkdtemp(dir=self._uploads.parent, prefix="new-upload-"))
        (staging / SESSION).write_bytes(session_json(state))
        # Appears whole or not at all, so a concurrent find_upload never reads a partial session.
        os.replace(staging, self._folder(state.upload_id))
        return state

    def get_upload(self, upload_id: str) -> UploadState:
        folder = self._folder(upload_id)
        try:
            raw = (folder / SESSION).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            raise upload_not_found(upload_id) from None
        state, _ = parse_session(raw, upload_id)
        parts = []
        for entry in os.scandir(folder):
            match = _PART.fullmatch(entry.name)
            if match:
                parts.append(PartInfo(number=int(match[1]), size=entry.stat().st_size))
        return replace(state, parts=tuple(sorted(parts, key=lambda p: p.number)))

    def part_urls(self, state: UploadState, numbers: Sequence[int], expires_in: int) -> dict[int, str] | None:
        return None  # parts come through the server: PUT /api/v1/blobs/uploads/{id}/parts/{n}

    def put_part(self, upload_id: str, number: int, data: IO[bytes], expected_size: int) -> PartInfo:
        folder = self._folder(upload_id)
        if not (folder / SESSION).is_file():
            raise upload_not_found(upload_id)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".part-")
        tmp = Path(tmp_name)
        try:
            size = 0
            with open(fd, "wb") as out:
                while chunk := data.read(COPY_CHUNK):
                    size += len(chunk)
                    if size > expected_size:
                        break
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size != expected_size:
                raise InvalidArgument(
                    f"part {number} has {'more than ' if size > expected_size else ''}{size} bytes,"
                    f" the upload expects {expected_size}",
                    field="body",
                    hint="part n holds part_size bytes from offset (n - 1) * part_size (the last: the rest)",
                )
            os.replace(tmp, folder / f"part-{number:05d}")
        finally:
            tmp.unlink(missing_ok=True)
        return PartInfo(number=number, size=size)

    def complete_upload(self, upload_id: str, parts: Sequence[PartInfo]) -> BlobWriteResult:
        state = self.get_upload(upload_id)
        missing = state.missing_parts()
        if missing:
            raise parts_incomplete(upload_id, missing)
        folder = self._folder(upload_id)
        self._claim(folder / COMPLETING, state)
        fd, tmp_name = tempfile.mkstemp(dir=self._uploads.parent, prefix="assemble-")
        tmp = Path(tmp_name)
        try:
            digest = _concatenate(folder, tuple(state.good_parts()), fd)
            if digest != state.sha256:
                self.abort_upload(upload_id)
                raise digest_mismatch(state.sha256, digest, state.size)
            created = self.publish(tmp, digest)
        except BaseException:
            (folder / COMPLETING).unlink(missing_ok=True)  # let a retry try again
            raise
        finally:
            tmp.unlink(missing_ok=True)
        self.abort_upload(upload_id)
        return BlobWriteResult(BlobInfo(sha256=state.sha256, size=state.size), created=created)

    @staticmethod
    def _claim(marker: Path, state: UploadState) -> None:
        """Mark the session as being completed (O_EXCL: one request wins), or ``UploadBusy``
        while another completion is under way; a stale mark (its server died) is taken over."""
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return
        except FileExistsError:
            pass
        try:
            age = time.time() - marker.stat().st_mtime
        except FileNotFoundError:  # that completion just failed and let go: ours now
            age = float("inf")
        if age < completion_stale_after(state.size):
            raise UploadBusy(
                f"upload {state.upload_id} is being completed by another request",
                hint="retry in a few seconds: the answer is the stored blob once it is verified",
            )
        marker.touch()  # taken over: ours now

    def abort_upload(self, upload_id: str) -> None:
        folder = self._folder(upload_id)
        # Renamed away first, so the session vanishes at once even while its parts are deleted.
        doomed = self._uploads.parent / f"old-upload-{os.urandom(6).hex()}"
        try:
            os.replace(folder, doomed)
        except FileNotFoundError:
            return
        shutil.rmtree(doomed, ignore_errors=True)

    def expire_uploads(self, started_before: float) -> int:
        removed = 0
        for entry in list(self._uploads.iterdir()):
            try:
                state, _ = parse_session((entry / SESSION).read_bytes(), entry.name)
            except Exception:  # unreadable: judge by the folder's age instead
                if entry.stat().st_mtime >= started_before:
                    continue
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
                continue
            if state.created_at < started_before:
                self.abort_upload(entry.name)
                removed += 1
        self._sweep_leftovers(started_before)
        return removed

    def _sweep_leftovers(self, before: float) -> None:
        """Temporary files and folders a crash left in ``<root>/tmp`` (a put, a part, an assembly)."""
        for entry in self._uploads.parent.iterdir():
            if entry == self._uploads:
                continue
            try:
                if entry.lstat().st_mtime >= before:
                    continue
            except FileNotFoundError:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
