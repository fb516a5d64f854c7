"""Upload sessions of the local blob store: ``<root>/tmp/uploads/<upload_id>/``.

A session folder holds ``session.json`` (digest, size, part size, start time), ``data`` (the blob's
bytes: each part is written straight to its offset, so no part is ever copied again) and one empty
``done-00001``... per part whose bytes are durable in ``data`` (fdatasync before the marker is
made), so a server restart loses nothing and a part half-written by a crash is simply sent again.
``complete`` renames ``data`` to ``sealed`` (no part writer can reach it after that), reads it once
to hash it (no write), and links it under the digest only when the hash matches: one pass over the
bytes, bounded memory. Part writers hold a shared ``flock`` on ``data`` while they write; sealing
takes it exclusively without waiting, so a part still arriving makes ``complete`` answer busy
(retry) instead of a published blob changing under its name.
"""

from __future__ import annotations

import errno
import fcntl
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

_DONE = re.compile(r"done-([0-9]{5})")
SESSION = "session.json"
DATA = "data"  # the blob being assembled, each part at its offset
SEALED = "sealed"  # ``data`` once a completion took it: no part writer opens it any more
COMPLETING = "completing"  # present while a request assembles and verifies the blob


def _write_all(fd: int, data: bytes | bytearray | memoryview, offset: int) -> None:
    view = memoryview(data).cast("B")
    while view:
        done = os.pwrite(fd, view, offset)
        view, offset = view[done:], offset + done


def _busy(upload_id: str, why: str) -> UploadBusy:
    return UploadBusy(
        f"upload {upload_id} {why}",
        hint="retry in a few seconds: the answer is the stored blob once it is verified",
    )


def _size_error(number: int, size: int, expected: int) -> InvalidArgument:
    return InvalidArgument(
        f"part {number} has {'more than ' if size > expected else ''}{size} bytes,"
        f" the upload expects {expected}",
        field="body",
        hint="part n holds part_size bytes from offset (n - 1) * part_size (the last: the rest)",
    )


class LocalPartWriter:
    """One part written at its offset of the session's ``data`` as it arrives; ``commit`` checks
    its size, makes it durable and marks it done. Leaving the ``with`` block without ``commit``
    leaves the part unmarked (to be sent again)."""

    def __init__(self, folder: Path, upload_id: str, number: int, offset: int, expected_size: int) -> None:
        self._folder, self._number, self._expected = folder, number, expected_size
        self._offset = offset
        self.size = 0
        try:
            self._fd: int | None = os.open(folder / DATA, os.O_WRONLY)
        except (FileNotFoundError, NotADirectoryError):
            if (folder / SEALED).exists():
                raise _busy(upload_id, "is being completed: it takes no more parts") from None
            raise upload_not_found(upload_id) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            # Sealed between our open and our lock: that file is the blob now, never write to it.
            if os.fstat(self._fd).st_ino != os.stat(folder / DATA).st_ino:
                raise FileNotFoundError(folder / DATA)
            # A part sent again is unmarked until its new bytes are whole and durable.
            self._marker.unlink(missing_ok=True)
        except FileNotFoundError:
            self.close()
            raise _busy(upload_id, "is being completed: it takes no more parts") from None
        except BaseException:
            self.close()
            raise

    @property
    def _marker(self) -> Path:
        return self._folder / f"done-{self._number:05d}"

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._fd is None:
            raise ValueError("this part writer is already closed")
        if self.size + len(data) > self._expected:
            raise _size_error(self._number, self.size + len(data), self._expected)
        _write_all(self._fd, data, self._offset + self.size)
        self.size += len(data)

    def commit(self) -> PartInfo:
        if self._fd is None:
            raise ValueError("this part writer is already closed")
        try:
            if self.size != self._expected:
                raise _size_error(self._number, self.size, self._expected)
            os.fdatasync(self._fd)  # durable before it is marked done
            os.close(os.open(self._marker, os.O_CREAT | os.O_WRONLY, 0o600))
        finally:
            self.close()
        return PartInfo(number=self._number, size=self.size)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # also drops the shared lock
            self._fd = None

    def __enter__(self) -> LocalPartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _seal(folder: Path, upload_id: str) -> Path:
    """Take ``data`` away from part writers (renamed to ``sealed``), unless a completion whose
    server died already did. ``UploadBusy`` while a part is still being written."""
    sealed = folder / SEALED
    if sealed.exists():
        return sealed
    try:
        fd = os.open(folder / DATA, os.O_RDONLY)
    except FileNotFoundError:
        if sealed.exists():  # sealed meanwhile
            return sealed
        raise upload_not_found(upload_id) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise _busy(upload_id, "still has a part arriving") from None
            raise
        os.replace(folder / DATA, sealed)
    finally:
        os.close(fd)
    return sealed


def _hash_file(path: Path, size: int) -> str | None:
    """SHA-256 of the file when it holds exactly ``size`` bytes, else None."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size != size:
            return None
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        # Each part was fdatasynced before being marked; this covers a file written elsewhere.
        os.fsync(handle.fileno())
    return digest


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
        (staging / DATA).touch(mode=0o600)
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
        names = os.listdir(folder)
        if DATA not in names and SEALED not in names:
            raise upload_not_found(upload_id)  # a session of an older layout: start a new one
        numbers = sorted(int(m[1]) for name in names if (m := _DONE.fullmatch(name)))
        parts = tuple(
            PartInfo(number=n, size=state.expected_size(n)) for n in numbers if 1 <= n <= state.part_count
        )
        return replace(state, parts=parts)

    def part_urls(self, state: UploadState, numbers: Sequence[int], expires_in: int) -> dict[int, str] | None:
        return None  # parts come through the server: PUT /api/v1/blobs/uploads/{id}/parts/{n}

    def put_part(self, upload_id: str, number: int, data: IO[bytes], expected_size: int) -> PartInfo:
        with self.open_part_writer(upload_id, number, expected_size) as writer:
            while chunk := data.read(COPY_CHUNK):
                writer.write(chunk)
            return writer.commit()

    def open_part_writer(self, upload_id: str, number: int, expected_size: int) -> LocalPartWriter:
        """Part ``number`` written as it arrives (``write``... ``commit``) at its offset."""
        folder = self._folder(upload_id)
        state = self.get_upload(upload_id)
        if not 1 <= number <= state.part_count:
            raise InvalidArgument(
                f"upload {upload_id} has parts 1..{state.part_count}, not {number}",
                field="n",
                hint=f"parts are numbered from 1; this one is split in {state.part_size}-byte parts",
            )
        if expected_size != state.expected_size(number):  # the marker will vouch for this size
            raise _size_error(number, expected_size, state.expected_size(number))
        offset = (number - 1) * state.part_size
        return LocalPartWriter(folder, upload_id, number, offset, expected_size)

    def complete_upload(self, upload_id: str, parts: Sequence[PartInfo]) -> BlobWriteResult:
        state = self.get_upload(upload_id)
        missing = state.missing_parts()
        if missing:
            raise parts_incomplete(upload_id, missing)
        folder = self._folder(upload_id)
        self._claim(folder / COMPLETING, state)
        try:
            sealed = _seal(folder, upload_id)
            digest = _hash_file(sealed, state.size)
            if digest != state.sha256:
                self.abort_upload(upload_id)
                raise digest_mismatch(state.sha256, digest or "(a file of another size)", state.size)
            created = self.publish(sealed, digest)
        except BaseException:
            (folder / COMPLETING).unlink(missing_ok=True)  # let a retry try again (from ``sealed``)
            raise
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
