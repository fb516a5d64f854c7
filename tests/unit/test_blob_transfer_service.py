"""BlobTransferService policy on a real local store: part sizes, digest checks, session expiry."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from trackwell.schema.artifacts import BlobDigests, UploadComplete
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.service.blob_transfers import (
    MAX_PARTS,
    MIB,
    MIN_PART_SIZE,
    BlobTransferService,
    choose_part_size,
)
from trackwell.store.blobs import LocalBlobStore

DAY = 24 * 3600.0


@pytest.mark.parametrize(
    ("size", "preferred", "expected"),
    [
        (0, 64 * MIB, 64 * MIB),
        (10 * MIB, 64 * MIB, 64 * MIB),
        (64 * MIB * MAX_PARTS, 64 * MIB, 64 * MIB),  # exactly 10,000 parts
        (64 * MIB * MAX_PARTS + 1, 64 * MIB, 65 * MIB),  # one byte more: bigger parts, whole MiB
        (5 << 40, 64 * MIB, 525 * MIB),  # S3's largest object still fits in 10,000 parts
        (1, 1, MIN_PART_SIZE),  # never under S3's least part size
    ],
)
def test_part_size_keeps_uploads_within_10000_parts(size: int, preferred: int, expected: int) -> None:
    part = choose_part_size(size, preferred)
    assert part == expected and part % MIB == 0
    assert -(-size // part) <= MAX_PARTS


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_abandoned_sessions_expire_when_new_ones_start(tmp_path: Path) -> None:
    clock = Clock()
    store = LocalBlobStore(tmp_path)
    service = BlobTransferService(store, part_size=MIN_PART_SIZE, clock=clock)
    old = service.start_upload(hashlib.sha256(b"old").hexdigest(), 3)
    assert old.expires_at == clock.now + 7 * DAY
    clock.now += 6 * DAY
    assert service.start_upload(old.sha256, 3).upload_id == old.upload_id  # still resumable
    clock.now += 2 * DAY
    service.start_upload(hashlib.sha256(b"new").hexdigest(), 3)
    with pytest.raises(NotFound):
        store.get_upload(old.upload_id)
    again = service.start_upload(old.sha256, 3)
    assert again.upload_id != old.upload_id and again.parts_done == []


def test_digests_and_part_numbers_are_checked(tmp_path: Path) -> None:
    service = BlobTransferService(LocalBlobStore(tmp_path), part_size=MIN_PART_SIZE)
    with pytest.raises(InvalidArgument) as info:
        service.missing(BlobDigests(sha256=["0" * 64, "zz"]))
    assert info.value.field == "sha256[1]"
    with pytest.raises(InvalidArgument) as info:
        service.start_upload("0" * 64, -1)
    assert info.value.field == "size"
    session = service.start_upload(hashlib.sha256(b"abc").hexdigest(), 3)
    with pytest.raises(InvalidArgument) as info:
        service.put_part(session.upload_id, 2, io.BytesIO(b"abc"))
    assert info.value.field == "n"
    assert service.put_part(session.upload_id, 1, io.BytesIO(b"abc")).size == 3
    assert service.complete(session.upload_id, UploadComplete()).sha256 == session.sha256
    # Upper-case digests are the same blob.
    assert service.missing(BlobDigests(sha256=[session.sha256.upper()])).sha256 == []


class WholeBodies:
    """A real local store seen through the plain ``BlobStore`` protocol only (as S3 is): no
    streaming writers, so the service must hand it whole bodies."""

    def __init__(self, store: LocalBlobStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name in ("open_writer", "open_part_writer"):
            raise AttributeError(name)
        return getattr(self._store, name)


@pytest.mark.parametrize("streams", [True, False], ids=["in-place", "spooled"])
def test_bodies_received_in_batches_are_stored_and_read_back_by_range(tmp_path: Path, streams: bool) -> None:
    local = LocalBlobStore(tmp_path)
    store = local if streams else WholeBodies(local)
    service = BlobTransferService(store, part_size=MIN_PART_SIZE)  # type: ignore[arg-type]
    data = bytes(range(256)) * 40_000  # ~10 MiB: two parts
    digest = hashlib.sha256(data).hexdigest()
    pieces = [data[i : i + 65536] for i in range(0, 3 * MIB, 65536)]
    small = hashlib.sha256(data[: 3 * MIB]).hexdigest()
    upload = service.receive_blob(small.upper())
    assert not upload.started  # nothing touched the disk yet
    upload.write(pieces[:20])
    assert upload.started
    assert upload.finish(pieces[20:]).size == 3 * MIB
    assert not upload.started and local.exists(small)

    wrong = service.receive_blob(hashlib.sha256(b"other").hexdigest())
    with pytest.raises(InvalidArgument):
        wrong.finish([b"these bytes"])

    session = service.start_upload(digest, len(data))
    for n in (2, 1):
        part, expected = service.receive_part(session.upload_id, n)
        offset = (n - 1) * MIN_PART_SIZE
        body = data[offset : offset + expected]
        assert part.finish([body[i : i + MIB] for i in range(0, len(body), MIB)]).number == n
    assert service.complete(session.upload_id, UploadComplete()).sha256 == digest

    info = service.describe(digest)
    reader = service.open_read(info, None, first=MIB)
    try:
        got = reader.first + b"".join(iter(lambda: reader.read(3 * MIB), b""))
    finally:
        reader.close()
    assert got == data and reader.left == 0
    ranged = service.open_read(info, (MIB - 5, MIB + 4), first=MIB)
    assert ranged.first == data[MIB - 5 : MIB + 5] and ranged.left == 0
    ranged.close()
