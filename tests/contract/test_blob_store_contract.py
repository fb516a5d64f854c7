"""Contract of ``BlobStore``: content-addressed, streamed, atomic, and safe with hostile digests."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import httpx
import pytest

from tests.fixtures.s3 import MotoS3, open_test_store
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base import BlobInfo, BlobStore
from trackwell.store.blobs import LocalBlobStore, open_blob_store


@pytest.fixture(params=["local", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    """Every backend in turn: the local directory, and S3 (a moto server on loopback)."""
    store: BlobStore = open_test_store(request.param, tmp_path, request)
    return store


def _read(store: BlobStore, sha: str) -> bytes:
    with store.open(sha) as handle:
        return handle.read()


def test_put_names_content_by_its_sha256_and_reads_it_back(blobs: BlobStore) -> None:
    result = blobs.put(b"hello trackwell")
    assert result.info.sha256 == hashlib.sha256(b"hello trackwell").hexdigest()
    assert result.info.size == len(b"hello trackwell")
    assert result.created
    assert blobs.exists(result.info.sha256)
    assert _read(blobs, result.info.sha256) == b"hello trackwell"


def test_same_content_is_stored_once(blobs: BlobStore) -> None:
    first = blobs.put(b"same")
    second = blobs.put(io.BytesIO(b"same"))
    assert first.info == second.info
    assert first.created and not second.created


def test_empty_blob(blobs: BlobStore) -> None:
    result = blobs.put(b"")
    assert result.info.size == 0
    assert _read(blobs, result.info.sha256) == b""


class _CountingReader(io.RawIOBase):
    """A large stream that is produced piece by piece and remembers its biggest read."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        n = self.left if size < 0 else min(size, self.left)
        self.left -= n
        return b"x" * n


def test_put_streams_file_objects_in_bounded_chunks(blobs: BlobStore) -> None:
    total = 8 * 1024 * 1024 + 3
    reader = _CountingReader(total)
    result = blobs.put(reader)  # type: ignore[arg-type]
    assert result.info.size == total
    assert 0 < reader.largest_read <= 1 << 20
    assert result.info.sha256 == hashlib.sha256(b"x" * total).hexdigest()
    chunks = list(blobs.iter_chunks(result.info.sha256, chunk_size=1 << 20))
    assert len(chunks) == 9
    assert sum(map(len, chunks)) == total


@pytest.mark.parametrize(
    "digest",
    ["0" * 64, "../../etc/passwd", "0" * 63, "g" * 64, "", "/" + "a" * 63, "a" * 64 + "/.."],
)
def test_unknown_or_malformed_digests_are_not_found(blobs: BlobStore, digest: str) -> None:
    assert not blobs.exists(digest)
    with pytest.raises(NotFound):
        blobs.open(digest)
    with pytest.raises(NotFound):
        blobs.iter_chunks(digest)


def test_blobs_are_sharded_by_digest_prefix(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    sha = store.put(b"layout").info.sha256
    assert (tmp_path / sha[:2] / sha[2:4] / sha).read_bytes() == b"layout"
    # No temporary files left behind: only the (empty) folder of upload sessions.
    assert [p.name for p in (tmp_path / "tmp").iterdir()] == ["uploads"]
    assert list((tmp_path / "tmp" / "uploads").iterdir()) == []


def test_concurrent_writers_of_the_same_content(blobs: BlobStore) -> None:
    payload = bytes(range(256)) * 4096
    results: list[bool] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            results.append(blobs.put(payload).created)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results.count(True) == 1
    assert _read(blobs, hashlib.sha256(payload).hexdigest()) == payload


def test_iter_chunks_streams_the_content(blobs: BlobStore) -> None:
    sha = blobs.put(b"abcdefghij").info.sha256
    assert list(blobs.iter_chunks(sha, chunk_size=4)) == [b"abcd", b"efgh", b"ij"]


def test_open_blob_store_accepts_file_urls_and_paths(tmp_path: Path) -> None:
    by_url = open_blob_store(f"file://{tmp_path / 'a'}")
    sha = by_url.put(b"via url").info.sha256
    by_path = open_blob_store(str(tmp_path / "a"))
    assert _read(by_path, sha) == b"via url"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/x",
        "file://otherhost/x",
        "",
        "s3://AKIAKEY:secret@bucket/prefix",
        "s3://Bad_Bucket/prefix",
        "s3://bucket/../up",
        "s3://bucket/a//b",
        "s3://bucket/p?endpoint=ftp://x",
        "s3://bucket/p?colour=blue",
        "s3://bucket/p?addressing=sideways",
    ],
)
def test_open_blob_store_refuses_what_it_cannot_serve(url: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        open_blob_store(url)
    assert info.value.field == "blob_store_url"
    assert info.value.hint


def test_open_blob_store_never_echoes_credentials_in_an_s3_url() -> None:
    with pytest.raises(InvalidArgument) as info:
        open_blob_store("s3://AKIAKEY:wJalrXUtnFEMIsecret@bucket/prefix")
    text = f"{info.value.message} {info.value.hint}"
    assert "wJalrXUtnFEMIsecret" not in text and "AKIAKEY" not in text


def test_s3_keys_are_sharded_under_the_prefix(moto_s3: MotoS3, s3_bucket: str) -> None:
    store = open_blob_store(moto_s3.blob_url(s3_bucket, prefix="team/blobs"))
    sha = store.put(b"layout").info.sha256
    keys = [o["Key"] for o in moto_s3.client().list_objects_v2(Bucket=s3_bucket).get("Contents", [])]
    assert keys == [f"team/blobs/{sha[:2]}/{sha[2:4]}/{sha}"]  # nothing temporary left behind


def test_put_with_the_expected_digest_stores_it(blobs: BlobStore) -> None:
    sha = hashlib.sha256(b"expected").hexdigest()
    result = blobs.put(io.BytesIO(b"expected"), expected_sha256=sha.upper())
    assert result.info == BlobInfo(sha256=sha, size=8)
    assert blobs.stat(sha) == BlobInfo(sha256=sha, size=8)


def test_put_with_another_digest_is_refused_and_stores_nothing(blobs: BlobStore) -> None:
    claimed = hashlib.sha256(b"what the client meant").hexdigest()
    actual = hashlib.sha256(b"what arrived").hexdigest()
    with pytest.raises(InvalidArgument) as info:
        blobs.put(io.BytesIO(b"what arrived"), expected_sha256=claimed)
    assert info.value.field == "sha256"
    assert claimed in info.value.message and actual in info.value.message
    assert not blobs.exists(claimed) and not blobs.exists(actual)
    assert blobs.missing([claimed, actual]) == [claimed, actual]


def test_missing_answers_the_absent_digests_in_order(blobs: BlobStore) -> None:
    here = [blobs.put(f"blob {i}".encode()).info.sha256 for i in range(5)]
    absent = [hashlib.sha256(f"absent {i}".encode()).hexdigest() for i in range(5)]
    asked = [
        absent[0],
        here[0],
        absent[1],
        here[1],
        here[2],
        absent[2],
        absent[3],
        here[3],
        here[4],
        absent[4],
    ]
    assert blobs.missing(asked) == absent
    assert blobs.missing([]) == []


def test_stat_and_a_seek_read_only_the_bytes_asked_for(blobs: BlobStore) -> None:
    payload = bytes(range(256)) * 40_000  # ~10 MiB
    sha = blobs.put(payload).info.sha256
    assert blobs.stat(sha).size == len(payload)
    with blobs.open(sha) as handle:
        handle.seek(5_000_000)
        assert handle.read(10) == payload[5_000_000:5_000_010]
        handle.seek(3)
        assert handle.read(4) == payload[3:7]
        handle.seek(len(payload) - 2)
        assert handle.read(100) == payload[-2:]
    with pytest.raises(NotFound):
        blobs.stat(hashlib.sha256(b"never stored").hexdigest())


def test_download_url_is_a_presigned_get_on_s3_and_none_locally(blobs: BlobStore) -> None:
    sha = blobs.put(b"fetch me directly").info.sha256
    url = blobs.download_url(sha, 600)
    if isinstance(blobs, LocalBlobStore):
        assert url is None
        return
    assert url is not None and "X-Amz-Signature=" in url
    assert httpx.get(url).content == b"fetch me directly"
    ranged = httpx.get(url, headers={"Range": "bytes=6-7"})
    assert ranged.status_code == 206 and ranged.content == b"me"
