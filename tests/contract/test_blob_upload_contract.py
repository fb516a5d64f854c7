"""Contract of ``BlobStore`` upload sessions (resumable uploads in parts), on every backend.

Parts are 5 MiB (S3's least part but the last), so these blobs have three parts of 5, 5 and 1 MiB.
On S3 the parts go the way clients send them: straight to the bucket through presigned URLs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import httpx
import pytest

from tests.fixtures.s3 import MotoS3, open_test_store
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base import BlobStore
from trackwell.store.base.blobs import PartInfo, UploadBusy, UploadState, completion_stale_after
from trackwell.store.blobs import LocalBlobStore, open_blob_store
from trackwell.store.blobs.s3 import S3BlobStore
from trackwell.store.blobs.s3_client import make_clients

PART = 5 << 20
PAYLOAD = os.urandom(2 * PART + (1 << 20))
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture(params=["local", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    store: BlobStore = open_test_store(request.param, tmp_path, request)
    return store


def _part(n: int, payload: bytes = PAYLOAD) -> bytes:
    return payload[(n - 1) * PART : n * PART]


def send_part(store: BlobStore, state: UploadState, n: int, data: bytes) -> PartInfo:
    """The way a client sends a part: to its presigned URL when the store gives one."""
    urls = store.part_urls(state, [n], 600)
    if urls is None:
        return store.put_part(state.upload_id, n, io.BytesIO(data), state.expected_size(n))
    answer = httpx.put(urls[n], content=data)
    assert answer.status_code == 200, answer.text
    return PartInfo(number=n, size=len(data), etag=answer.headers["etag"])


def _start(store: BlobStore, sha: str = SHA, size: int = len(PAYLOAD)) -> UploadState:
    return store.create_upload(sha, size, PART, now=1000.0)


def test_parts_complete_into_the_verified_blob(blobs: BlobStore) -> None:
    state = _start(blobs)
    assert state.part_count == 3 and state.parts == ()
    sent = [send_part(blobs, state, n, _part(n)) for n in (3, 1, 2)]  # any order
    result = blobs.complete_upload(state.upload_id, sorted(sent, key=lambda p: p.number))
    assert result.info.sha256 == SHA and result.info.size == len(PAYLOAD) and result.created
    with blobs.open(SHA) as handle:
        assert handle.read() == PAYLOAD
    with pytest.raises(NotFound):  # the session is gone
        blobs.get_upload(state.upload_id)
    assert blobs.find_upload(SHA, len(PAYLOAD)) is None


def test_an_interrupted_upload_resumes_with_its_parts_from_a_new_store_instance(
    blobs: BlobStore, request: pytest.FixtureRequest
) -> None:
    state = _start(blobs)
    send_part(blobs, state, 1, _part(1))
    send_part(blobs, state, 3, _part(3))
    blobs = _reopen(blobs)  # a server restart: nothing held in memory, the same root or bucket
    found = blobs.find_upload(SHA, len(PAYLOAD))
    assert found is not None and found.upload_id == state.upload_id
    assert [(p.number, p.size) for p in found.parts] == [(1, PART), (3, 1 << 20)]
    assert found.missing_parts() == [2]
    assert blobs.find_upload(SHA, len(PAYLOAD) + 1) is None  # another size is another session
    with pytest.raises(InvalidArgument) as info:
        blobs.complete_upload(state.upload_id, list(found.parts))
    assert info.value.field == "parts" and "2" in info.value.message
    send_part(blobs, found, 2, _part(2))
    assert blobs.complete_upload(state.upload_id, []).info.sha256 == SHA


def test_bytes_that_do_not_hash_to_the_digest_are_refused_and_the_session_dropped(blobs: BlobStore) -> None:
    state = _start(blobs)
    send_part(blobs, state, 1, _part(1))
    send_part(blobs, state, 2, b"\0" * PART)  # right size, wrong bytes
    send_part(blobs, state, 3, _part(3))
    with pytest.raises(InvalidArgument) as info:
        blobs.complete_upload(state.upload_id, [])
    assert info.value.field == "sha256" and SHA in info.value.message
    assert not blobs.exists(SHA)
    with pytest.raises(NotFound):
        blobs.get_upload(state.upload_id)


def test_a_part_of_the_wrong_size_is_refused_when_relayed(blobs: BlobStore) -> None:
    state = _start(blobs)
    with pytest.raises(InvalidArgument) as info:
        blobs.put_part(state.upload_id, 1, io.BytesIO(_part(1) + b"x"), PART)
    assert info.value.field == "body"
    with pytest.raises(InvalidArgument):
        blobs.put_part(state.upload_id, 1, io.BytesIO(_part(1)[:-1]), PART)
    assert blobs.get_upload(state.upload_id).parts == ()
    # The server can relay parts on every backend (clients that cannot reach the bucket).
    part = blobs.put_part(state.upload_id, 1, io.BytesIO(_part(1)), PART)
    assert (part.number, part.size) == (1, PART)
    assert [p.number for p in blobs.get_upload(state.upload_id).parts] == [1]


def test_abort_and_expiry_remove_sessions(blobs: BlobStore) -> None:
    old = blobs.create_upload(SHA, len(PAYLOAD), PART, now=1000.0)
    other = hashlib.sha256(b"other").hexdigest()
    young = blobs.create_upload(other, 5, PART, now=2e12)
    send_part(blobs, old, 1, _part(1))
    blobs.abort_upload(young.upload_id)
    with pytest.raises(NotFound):
        blobs.get_upload(young.upload_id)
    blobs.abort_upload(young.upload_id)  # twice is fine
    fresh = blobs.create_upload(other, 5, PART, now=2e12)
    # Judged by the start time each session was created with (the server's clock).
    assert blobs.expire_uploads(started_before=500.0) == 0
    assert blobs.get_upload(old.upload_id).parts[0].number == 1
    assert blobs.expire_uploads(started_before=1e12) == 1
    with pytest.raises(NotFound):
        blobs.get_upload(old.upload_id)
    assert blobs.get_upload(fresh.upload_id).upload_id == fresh.upload_id


def test_an_empty_blob_uploads_as_one_empty_part(blobs: BlobStore) -> None:
    empty = hashlib.sha256(b"").hexdigest()
    state = blobs.create_upload(empty, 0, PART, now=1.0)
    assert state.part_count == 1 and state.expected_size(1) == 0
    send_part(blobs, state, 1, b"")
    assert blobs.complete_upload(state.upload_id, []).info.size == 0


@pytest.mark.parametrize(
    "upload_id", ["../../etc", "a" * 64 + "-1-" + "0" * 16 + "/..", "x", "", "A" * 64 + "-1-" + "0" * 16]
)
def test_hostile_or_unknown_upload_ids_are_not_found(blobs: BlobStore, upload_id: str) -> None:
    with pytest.raises(NotFound):
        blobs.get_upload(upload_id)
    with pytest.raises(NotFound):
        blobs.put_part(upload_id, 1, io.BytesIO(b"x"), 1)
    with pytest.raises(NotFound):
        blobs.complete_upload(upload_id, [])


def _reopen(store: BlobStore) -> BlobStore:
    if isinstance(store, LocalBlobStore):
        return LocalBlobStore(store.root)
    assert isinstance(store, S3BlobStore)
    return S3BlobStore(store.options, *make_clients(store.options))


def _another_request_is_completing(store: BlobStore, state: UploadState, since: float) -> None:
    """What a completing request leaves while it verifies (local: a marker; S3: a lock object)."""
    if isinstance(store, LocalBlobStore):
        marker = store.root / "tmp" / "uploads" / state.upload_id / "completing"
        marker.touch()
        os.utime(marker, (since, since))
    else:
        assert isinstance(store, S3BlobStore)
        key = f"{store.prefix}tmp/uploads/{state.upload_id}.lock"
        store.client.put_object(Bucket=store.bucket, Key=key, Body=str(since).encode())


def test_a_completion_under_way_answers_busy_and_a_dead_one_is_taken_over(blobs: BlobStore) -> None:
    import time

    state = _start(blobs)
    for n in (1, 2, 3):
        send_part(blobs, state, n, _part(n))
    _another_request_is_completing(blobs, state, since=time.time())
    with pytest.raises(UploadBusy) as info:
        blobs.complete_upload(state.upload_id, [])
    assert info.value.http_status == 503 and state.upload_id in info.value.message
    assert not blobs.exists(SHA)
    # That request's server died long ago: the next complete takes over and finishes.
    _another_request_is_completing(blobs, state, since=time.time() - completion_stale_after(state.size) - 5)
    assert blobs.complete_upload(state.upload_id, []).info.sha256 == SHA
    assert blobs.exists(SHA)


def test_s3_a_completion_that_died_while_verifying_is_finished_by_the_retry(
    moto_s3: MotoS3, s3_bucket: str
) -> None:
    store = open_blob_store(moto_s3.blob_url(s3_bucket))
    assert isinstance(store, S3BlobStore)
    state = _start(store)
    for n in (1, 2, 3):
        send_part(store, state, n, _part(n))
    # The multipart upload was completed into the temporary object, then the server died.
    listed = [{"PartNumber": p.number, "ETag": p.etag} for p in store.get_upload(state.upload_id).parts]
    record = json.loads(
        store.client.get_object(Bucket=s3_bucket, Key=f"blobs/tmp/uploads/{state.upload_id}.json")[
            "Body"
        ].read()
    )
    store.client.complete_multipart_upload(
        Bucket=s3_bucket,
        Key=f"blobs/tmp/uploads/{state.upload_id}.bin",
        UploadId=record["s3_upload_id"],
        MultipartUpload={"Parts": listed},
    )
    assert store.complete_upload(state.upload_id, []).info.sha256 == SHA
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == [store.key_for(SHA)]


def test_expiry_also_sweeps_what_a_crash_left_in_tmp(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    stale = [tmp_path / "tmp" / "put-abc", tmp_path / "tmp" / "assemble-x", tmp_path / "tmp" / "new-upload-y"]
    stale[0].write_bytes(b"half a blob")
    stale[1].write_bytes(b"half an assembly")
    stale[2].mkdir()
    for path in stale:
        os.utime(path, (100.0, 100.0))
    fresh = tmp_path / "tmp" / "put-now"
    fresh.write_bytes(b"being written")
    store.expire_uploads(started_before=1000.0)
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == ["put-now", "uploads"]
