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
