"""What only the S3 blob store does: presigned URLs for the endpoint clients reach, the listing
behind ``missing`` and its HEAD fallback, refusing a bucket it cannot use, and where it keeps
upload sessions."""

from __future__ import annotations

import hashlib
import io
import os
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.s3 import SECRET_KEY, MotoS3
from trackwell.schema.errors import InvalidArgument
from trackwell.store.blobs import open_blob_store
from trackwell.store.blobs.s3 import S3BlobStore


def _in_shard(shard: str, count: int) -> list[bytes]:
    """``count`` distinct payloads whose SHA-256 starts with ``shard`` (2 hex digits)."""
    found: list[bytes] = []
    while len(found) < count:
        data = os.urandom(12)
        if hashlib.sha256(data).hexdigest().startswith(shard):
            found.append(data)
    return found


@pytest.mark.parametrize("page", [1000, 2])  # one listing; a dense shard: pages run out, HEADs finish
def test_missing_in_a_crowded_shard(moto_s3: MotoS3, s3_bucket: str, page: int) -> None:
    store = open_blob_store(moto_s3.blob_url(s3_bucket))
    assert isinstance(store, S3BlobStore)
    store.list_page = page
    stored = [store.put(d).info.sha256 for d in _in_shard("ab", 30)]
    absent = [hashlib.sha256(d).hexdigest() for d in _in_shard("ab", 10)]
    asked = sorted(stored[:20] + absent, reverse=True) + [hashlib.sha256(b"elsewhere").hexdigest()]
    expected = [d for d in asked if d not in stored]
    assert store.missing(asked) == expected
    assert store.missing(stored) == []


def test_presigned_urls_are_signed_for_the_public_endpoint(moto_s3: MotoS3, s3_bucket: str) -> None:
    public = moto_s3.endpoint.replace("127.0.0.1", "localhost")
    store = open_blob_store(moto_s3.blob_url(s3_bucket, public_endpoint=public))
    sha = store.put(b"public bytes").info.sha256
    url = store.download_url(sha, 60)
    assert url is not None and urlsplit(url).netloc == urlsplit(public).netloc
    assert httpx.get(url).content == b"public bytes"
    state = store.create_upload(hashlib.sha256(b"p").hexdigest(), 1, 5 << 20, now=1.0)
    part_urls = store.part_urls(state, [1], 60)
    assert part_urls is not None and urlsplit(part_urls[1]).netloc == urlsplit(public).netloc
    assert httpx.put(part_urls[1], content=b"p").status_code == 200
    assert store.complete_upload(state.upload_id, []).info.size == 1


def test_a_bucket_it_cannot_use_is_named_at_start_without_secrets(moto_s3: MotoS3) -> None:
    with pytest.raises(InvalidArgument) as info:
        open_blob_store(moto_s3.blob_url("no-such-bucket-here"))
    text = f"{info.value.message} {info.value.hint}"
    assert "no-such-bucket-here" in text and SECRET_KEY not in text
    assert info.value.field == "blob_store_url"


def test_sessions_live_under_the_prefix_and_leave_nothing_behind(moto_s3: MotoS3, s3_bucket: str) -> None:
    store = open_blob_store(moto_s3.blob_url(s3_bucket, prefix="p"))
    data = b"in one part"
    state = store.create_upload(hashlib.sha256(data).hexdigest(), len(data), 5 << 20, now=1.0)
    s3 = moto_s3.client()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == [f"p/tmp/uploads/{state.upload_id}.json"]
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=s3_bucket)["Uploads"]] == [
        f"p/tmp/uploads/{state.upload_id}.bin"
    ]
    store.put_part(state.upload_id, 1, io.BytesIO(data), len(data))
    sha = store.complete_upload(state.upload_id, []).info.sha256
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == [f"p/{sha[:2]}/{sha[2:4]}/{sha}"]
    assert s3.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
