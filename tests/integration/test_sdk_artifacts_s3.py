"""Artifact transfers when the server keeps its blobs in S3 (moto in server mode): a big file's
parts go straight to the bucket through presigned URLs, a download comes straight from the bucket,
and neither ever carries the trackwell API key; an ``s3://`` reference is downloaded from its
bucket. Bytes through the trackwell server are counted by a proxy in front of it.
"""

from __future__ import annotations

import hashlib
import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.counting_proxy import CountingProxy

import trackwell
from tests.fixtures.live_server import LiveServer
from tests.fixtures.s3 import MotoS3
from tests.fixtures.sdk_env import point_sdk_at
from trackwell.artifacts import uploads
from trackwell.artifacts.artifact import Artifact

PART = 5 << 20


@pytest.fixture
def s3_server(moto_s3: MotoS3, s3_bucket: str, tmp_path: Path) -> Iterator[LiveServer]:
    args = ["--blob-url", moto_s3.blob_url(s3_bucket), "--upload-part-size", str(PART)]
    live = LiveServer(tmp_path / "server", args).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def headers_sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, str]]]:
    """Every request this process sends: (host:port, method, headers)."""
    seen: list[tuple[str, str, dict[str, str]]] = []
    real = http.client.HTTPConnection.request

    def spy(
        self: http.client.HTTPConnection,
        method: str,
        url: str,
        body: Any = None,
        headers: Any = None,
        **kw: Any,
    ) -> None:
        seen.append((f"{self.host}:{self.port}", method, dict(headers or {})))
        real(self, method, url, body=body, headers=headers or {}, **kw)

    monkeypatch.setattr(http.client.HTTPConnection, "request", spy)
    return seen


def test_big_files_go_to_the_bucket_and_come_back_from_it_without_our_key(
    s3_server: LiveServer,
    moto_s3: MotoS3,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    headers_sent: list[tuple[str, str, dict[str, str]]],
) -> None:
    point_sdk_at(s3_server, tmp_path, monkeypatch)
    for var, sub in (("TRACKWELL_CACHE_DIR", "cache"), ("TRACKWELL_STAGING_DIR", "staging")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uploads, "MULTIPART_THRESHOLD", 1 << 20)
    proxy = CountingProxy("127.0.0.1", int(s3_server.url.rsplit(":", 1)[1])).start()
    monkeypatch.setenv("TRACKWELL_BASE_URL", proxy.url)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2 * PART + 4321))
    try:
        with trackwell.init(project="s3-art") as run:
            artifact = Artifact("big", "model")
            artifact.add_file(str(big))
            run.log_artifact(artifact)
        artifact.wait()
        assert proxy.blob_bytes == 0, "the parts went through the trackwell server"
        with trackwell.init(project="s3-art") as run:
            root = Path(run.use_artifact("big:latest").download(skip_cache=True))
        assert (
            hashlib.sha256((root / "big.bin").read_bytes()).hexdigest()
            == hashlib.sha256(big.read_bytes()).hexdigest()
        )
        assert proxy.requests["GET /api/v1/blobs/..."] == 0, "the download went through the trackwell server"
    finally:
        proxy.stop()
    moto = moto_s3.endpoint.removeprefix("http://")
    to_bucket = [(method, h) for where, method, h in headers_sent if where == moto]
    assert {m for m, _ in to_bucket} >= {"PUT", "GET"}
    assert not any(s3_server.api_key in str(h) or "Bearer" in str(h) for _, h in to_bucket)


def test_an_s3_reference_is_downloaded_from_its_bucket(
    server: LiveServer, moto_s3: MotoS3, s3_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_sdk_at(server, tmp_path, monkeypatch)
    monkeypatch.setenv("TRACKWELL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_s3.endpoint)
    monkeypatch.chdir(tmp_path)
    moto_s3.client().put_object(Bucket=s3_bucket, Key="data/train.csv", Body=b"x,y\n1,2\n")
    with trackwell.init(project="s3-ref") as run:
        artifact = Artifact("s3-data", "dataset")
        artifact.add_reference(f"s3://{s3_bucket}/data/train.csv")
        run.log_artifact(artifact)
    artifact.wait()
    root = Path(artifact.download(root=str(tmp_path / "out")))
    assert (root / "train.csv").read_bytes() == b"x,y\n1,2\n"
