"""Contract of ``BlobStore``: content-addressed, streamed, atomic, and safe with hostile digests."""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import pytest

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.store.base import BlobStore
from trackwell.store.blobs import LocalBlobStore, open_blob_store


@pytest.fixture(params=["local"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    return LocalBlobStore(tmp_path / "blobs")


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


@pytest.mark.parametrize("url", ["s3://bucket/prefix", "ftp://host/x", "file://otherhost/x", ""])
def test_open_blob_store_refuses_what_it_cannot_serve(url: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        open_blob_store(url)
    assert info.value.field == "blob_store_url"
    assert info.value.hint
