"""Blob uploads of the artifact SDK against a real server: one PUT for small blobs, resumable parts
for big ones, retries on transport errors, resume after an interruption sending only the parts
not done, and memory that stays bounded whatever the file size.

The server runs with 5 MiB parts (its minimum) so that a multipart upload takes seconds.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.sdk_env import artifact_client
from trackwell.artifacts import uploads, workers
from trackwell.artifacts.client import ArtifactClient
from trackwell.artifacts.uploads import UploadStats, upload_blob
from trackwell.sdk.transport import TransportError

PART = 5 << 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("uploads") / "data", ["--upload-part-size", str(PART)]).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def client(server: LiveServer) -> Iterator[ArtifactClient]:
    with artifact_client(server) as made:
        yield made


def _file(path: Path, size: int, seed: int) -> tuple[Path, str]:
    """A file of ``size`` pseudo-random bytes (distinct per seed), and its SHA-256."""
    block = hashlib.sha256(str(seed).encode()).digest() * 4096  # 128 KiB
    hasher = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left > 0:
            chunk = block[: min(left, len(block))]
            f.write(chunk)
            hasher.update(chunk)
            left -= len(chunk)
    return path, hasher.hexdigest()


def _fetched(client: ArtifactClient, sha: str) -> bytes:
    url = client.blob_urls([sha])[sha]
    sink = io.BytesIO()
    client.fetch(url, sink)
    return sink.getvalue()


def test_small_blob_is_one_put_and_then_not_missing(client: ArtifactClient, tmp_path: Path) -> None:
    path, sha = _file(tmp_path / "small.bin", 100_000, seed=1)
    assert client.missing_blobs([sha]) == {sha}
    stats = UploadStats()
    upload_blob(client, sha, path, 100_000, stats=stats)
    assert (stats.blobs, stats.parts, stats.bytes_sent) == (1, 0, 100_000)
    assert client.missing_blobs([sha]) == set()
    assert _fetched(client, sha) == path.read_bytes()


def test_big_blob_goes_in_parallel_parts(client: ArtifactClient, tmp_path: Path) -> None:
    size = 3 * PART + 12345
    path, sha = _file(tmp_path / "big.bin", size, seed=2)
    stats = UploadStats()
    upload_blob(client, sha, path, size, stats=stats, threshold=1 << 20)
    assert (stats.blobs, stats.parts, stats.bytes_sent) == (1, 4, size)
    assert client.missing_blobs([sha]) == set()
    assert hashlib.sha256(_fetched(client, sha)).hexdigest() == sha


def test_interrupted_upload_resumes_with_the_parts_not_done(
    client: ArtifactClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = 4 * PART + 777
    path, sha = _file(tmp_path / "resume.bin", size, seed=3)
    real_put_part = ArtifactClient.put_part
    sent: list[int] = []

    def dies_at_part_3(
        self: ArtifactClient, upload_id: str, number: int, body: Any, n: int
    ) -> dict[str, Any]:
        if number == 3:
            body.read(1 << 20)  # a connection that drops mid-body: the server keeps nothing of it
            raise TransportError("connection reset by peer (injected)")
        sent.append(number)
        return real_put_part(self, upload_id, number, body, n)

    monkeypatch.setattr(ArtifactClient, "put_part", dies_at_part_3)
    monkeypatch.setattr(workers, "RETRY_FOR_S", 0.0)  # give up at once, like a killed process
    with pytest.raises(TransportError, match="injected"):
        upload_blob(client, sha, path, size, threshold=1 << 20, parallel_parts=1)
    assert sent == [1, 2]
    assert client.missing_blobs([sha]) == {sha}

    def counting(self: ArtifactClient, upload_id: str, number: int, body: Any, n: int) -> dict[str, Any]:
        sent.append(number)
        return real_put_part(self, upload_id, number, body, n)

    sent.clear()
    monkeypatch.setattr(ArtifactClient, "put_part", counting)
    stats = UploadStats()
    upload_blob(client, sha, path, size, stats=stats, threshold=1 << 20, parallel_parts=2)
    assert sorted(sent) == [3, 4, 5]  # parts 1 and 2 were not sent again
    assert stats.bytes_sent == size - 2 * PART
    assert hashlib.sha256(_fetched(client, sha)).hexdigest() == sha


def test_transport_errors_are_retried(
    client: ArtifactClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, sha = _file(tmp_path / "flaky.bin", 50_000, seed=4)
    real_put = ArtifactClient.put_blob
    calls = []

    def flaky(self: ArtifactClient, sha256: str, body: Any, size: int) -> dict[str, Any]:
        calls.append(sha256)
        if len(calls) < 3:
            body.read(10_000)
            raise TransportError("server answered HTTP 503 (injected)", status=503)
        return real_put(self, sha256, body, size)

    monkeypatch.setattr(ArtifactClient, "put_blob", flaky)
    monkeypatch.setattr(workers, "BACKOFF_MIN", 0.01)
    stats = UploadStats()
    upload_blob(client, sha, path, 50_000, stats=stats)
    assert len(calls) == 3
    assert stats.bytes_sent == 50_000  # the bytes of failed tries are not counted
    assert client.missing_blobs([sha]) == set()


def test_a_changed_file_is_refused_not_stored(client: ArtifactClient, tmp_path: Path) -> None:
    path, sha = _file(tmp_path / "changed.bin", 20_000, seed=5)
    path.write_bytes(b"x" * 20_000)  # changed after it was hashed
    with pytest.raises(Exception, match="(?i)sha|digest|hash"):
        upload_blob(client, sha, path, 20_000)
    assert client.missing_blobs([sha]) == {sha}


@pytest.mark.slow
def test_memory_stays_bounded_for_a_big_file(server: LiveServer, tmp_path: Path) -> None:
    """A 400 MB file (sparse: cheap to make) uploaded in parts by a fresh process: its peak RSS
    grows by far less than the file (the 5 GB figure is the benchmark's)."""
    size = 400 << 20
    path = tmp_path / "sparse.bin"
    with path.open("wb") as f:
        f.truncate(size)
    script = textwrap.dedent(
        f"""
        import hashlib, resource, sys
        from trackwell.artifacts.client import ArtifactClient
        from trackwell.artifacts.uploads import UploadStats, upload_blob
        from trackwell.sdk.api_client import ApiClient
        h = hashlib.sha256()
        with open({str(path)!r}, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        client = ArtifactClient(ApiClient({server.url!r}, {server.api_key!r}))
        stats = UploadStats()
        upload_blob(client, h.hexdigest(), {str(path)!r}, {size}, stats=stats, threshold=1 << 20)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(before, after, stats.parts, stats.bytes_sent)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr
    before_kb, after_kb, parts, sent = (int(x) for x in out.stdout.split())
    assert parts == size // PART and sent == size
    grown = (after_kb - before_kb) // 1024
    print(f"peak RSS {before_kb // 1024} -> {after_kb // 1024} MiB")
    assert grown < 60, f"peak RSS grew by {grown} MiB"


def test_multipart_threshold_default_is_64_mib() -> None:
    assert uploads.MULTIPART_THRESHOLD == 64 << 20
