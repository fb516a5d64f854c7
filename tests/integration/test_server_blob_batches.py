"""Many blobs per request through a real server on loopback, local store and S3 (moto server):
``POST /blobs/write`` (a framed upload, stored in group commits) and ``POST /blobs/read`` (a
framed download) (docs/artifacts.md, "Transfers")."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.s3 import MotoS3

FRAMED = "application/vnd.trackwell.blobs"


@pytest.fixture(scope="module", params=["local", "s3"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    args: list[str] = []
    if request.param == "s3":
        moto: MotoS3 = request.getfixturevalue("moto_s3")
        args += ["--blob-url", moto.blob_url(moto.new_bucket(), prefix="trackwell/blobs")]
    live = LiveServer(tmp_path_factory.mktemp(f"batches-{request.param}") / "data", extra_args=args).start()
    live.backend = request.param  # type: ignore[attr-defined]
    try:
        yield live
    finally:
        live.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def frames(blobs: list[tuple[str, bytes]]) -> bytes:
    return b"".join(b"%s %d\n%s" % (digest.encode(), len(data), data) for digest, data in blobs)


def parse(body: bytes) -> list[tuple[str, bytes]]:
    out = []
    while body:
        header, _, body = body.partition(b"\n")
        digest, size = header.decode().split(" ")
        out.append((digest, body[: int(size)]))
        body = body[int(size) :]
    return out


def leftovers(server: LiveServer) -> list[str]:
    """Temporary files of unfinished blob writes (local store)."""
    tmp = server.data_dir / "blobs" / "tmp"
    return sorted(p.name for p in tmp.glob("put-*")) if tmp.is_dir() else []


def write(api: httpx.Client, body: bytes) -> httpx.Response:
    return api.post("/api/v1/blobs/write", content=body, headers={"Content-Type": FRAMED})


def test_many_blobs_written_in_one_request_then_read_back_in_one(server: LiveServer) -> None:
    blobs = [os.urandom(n) for n in (0, 1, 1000, 3 << 20, 9 << 20)] + [os.urandom(1024) for _ in range(300)]
    pairs = [(sha(b), b) for b in blobs]
    with server.client() as api:
        answer = write(api, frames(pairs))
        assert answer.status_code == 200, answer.text
        assert answer.json()["sha256"] == [d for d, _ in pairs]
        digests = [d for d, _ in pairs]
        assert api.post("/api/v1/blobs/missing", json={"sha256": digests}).json()["sha256"] == []
        assert api.get(f"/api/v1/blobs/{pairs[3][0]}", follow_redirects=True).content == blobs[3]
        # Read back in another order, one digest twice (answered once), across the read budget.
        wanted = [digests[4], digests[0], *digests[5:], digests[3], digests[4], digests[1], digests[2]]
        read = api.post("/api/v1/blobs/read", json={"sha256": wanted})
        assert read.status_code == 200 and read.headers["content-type"] == FRAMED
        assert int(read.headers["content-length"]) == len(read.content)
        assert parse(read.content) == [(d, dict(pairs)[d]) for d in dict.fromkeys(wanted)]
        # The same blobs again: stored once, answered again.
        assert write(api, frames(pairs[:3])).json()["sha256"] == digests[:3]
    assert leftovers(server) == []


def test_a_blob_that_is_not_its_digest_refuses_the_request(server: LiveServer) -> None:
    good = [os.urandom(2000) for _ in range(3)]
    bad = os.urandom(2000)
    claimed = sha(b"something else")
    body = frames([(sha(good[0]), good[0]), (claimed, bad), (sha(good[1]), good[1])])
    with server.client() as api:
        answer = write(api, body)
        assert answer.status_code == 400, answer.text
        error = answer.json()["error"]
        assert error["field"] == "sha256" and claimed in error["message"] and sha(bad) in error["message"]
        missing = api.post("/api/v1/blobs/missing", json={"sha256": [claimed, sha(bad), sha(good[1])]})
        assert missing.json()["sha256"] == [claimed, sha(bad), sha(good[1])], "nothing after the bad one"
    assert leftovers(server) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not-a-digest 3\nabc",
        b"%s x\nabc" % sha(b"abc").encode(),
        b"%s 3\nab" % sha(b"abc").encode(),  # ends inside the blob
        b"%s 3\nabc%s" % (sha(b"abc").encode(), b"f" * 40),  # ends inside a header
        b"a" * 200,  # a header with no end
    ],
    ids=["digest", "size", "short-blob", "short-header", "long-header"],
)
def test_a_malformed_frame_is_refused_naming_the_body(server: LiveServer, body: bytes) -> None:
    with server.client() as api:
        answer = write(api, body)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["field"] == "body"
    assert leftovers(server) == []


def test_reading_absent_blobs_is_a_404_naming_them(server: LiveServer) -> None:
    data = os.urandom(100)
    absent = sha(b"never stored " + os.urandom(8))
    with server.client() as api:
        assert write(api, frames([(sha(data), data)])).status_code == 200
        answer = api.post("/api/v1/blobs/read", json={"sha256": [sha(data), absent]})
        assert answer.status_code == 404 and absent in answer.json()["error"]["message"]
        assert api.post("/api/v1/blobs/read", json={"sha256": ["../x"]}).status_code == 400


def test_the_sdk_sends_and_fetches_small_files_in_batches(
    server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ArtifactClient.write_blobs``/``read_blobs`` through the SDK's transport, with a group
    bigger than one group commit (local store: ``GROUP_FILES``)."""
    from trackwell.artifacts.client import ArtifactClient, FramedFiles
    from trackwell.sdk.transport import HttpTransport

    files = []
    for i in range(300):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(os.urandom(i * 7))
        files.append((sha(path.read_bytes()), str(path), path.stat().st_size))
    client = ArtifactClient(HttpTransport(server.url, server.api_key, timeout=60))
    sent: list[int] = []
    assert client.write_blobs(FramedFiles(files, sent.append)) == [d for d, _, _ in files]
    assert sum(sent) == sum(n for _, _, n in files), "progress counts the files' bytes"

    class Sink:
        def __init__(self) -> None:
            self.data = bytearray()

        def write(self, data: bytes | memoryview) -> int:
            self.data += data
            return len(data)

    got: dict[str, bytes] = {}

    class Into:
        def __init__(self, digest: str) -> None:
            self.digest, self.sink = digest, Sink()

        def __enter__(self) -> Sink:
            return self.sink

        def __exit__(self, *exc: object) -> None:
            got[self.digest] = bytes(self.sink.data)

    client.read_blobs([d for d, _, _ in files], lambda digest, size: Into(digest))
    assert got == {d: Path(p).read_bytes() for d, p, _ in files}
    client.close()


class _Flaky:
    """A fake server holding ``blobs``: ``POST /blobs/urls`` and a framed ``POST /blobs/read``
    whose first answer is cut off halfway (the connection drops), as a network failure would."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        import http.server
        import json
        import threading

        flaky = self
        self.asked: list[list[str]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["sha256"]
                if self.path.endswith("/blobs/urls"):
                    body = json.dumps({"urls": {d: f"/api/v1/blobs/{d}" for d in asked}}).encode()
                    kind = "application/json"
                else:
                    flaky.asked.append(asked)
                    body, kind = frames([(d, blobs[d]) for d in asked]), FRAMED
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if kind == FRAMED and len(flaky.asked) == 1:
                    self.wfile.write(body[: len(body) // 2])  # then the connection drops
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_framed_download_cut_off_midway_asks_again_for_the_rest_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trackwell.artifacts import download, workers
    from trackwell.artifacts.client import ArtifactClient
    from trackwell.artifacts.file_cache import FileCache
    from trackwell.sdk.transport import HttpTransport

    monkeypatch.setattr(workers, "BACKOFF_MIN", 0.01)
    blobs = {sha(data): data for data in (os.urandom(300_000) for _ in range(8))}
    fake = _Flaky(blobs)
    client = ArtifactClient(HttpTransport(fake.url, "key", timeout=10))
    cache = FileCache(tmp_path / "cache")
    order = sorted(blobs)
    to_fetch = {d: [tmp_path / "out" / f"{i}.bin"] for i, d in enumerate(order)}
    (tmp_path / "out").mkdir()
    try:
        monkeypatch.setattr(download, "BATCH_STREAMS", 1)  # one request for all eight
        download._fetch_blobs(client, to_fetch, {d: len(b) for d, b in blobs.items()}, cache)
    finally:
        fake.close()
        client.close()
    for digest, [dest] in to_fetch.items():
        assert dest.read_bytes() == blobs[digest]
    first, second = fake.asked
    assert first == order and 0 < len(second) < len(order), "the retry asked only for what was missing"
    assert second == order[len(order) - len(second) :]


def test_uploads_fall_back_to_one_put_each_on_a_server_without_framed_writes(
    server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if server.backend != "local":  # type: ignore[attr-defined]
        pytest.skip("the fallback does not depend on the store")
    from trackwell.artifacts.client import ArtifactClient
    from trackwell.artifacts.uploads import upload_batch
    from trackwell.sdk.transport import HttpTransport

    def older_server(self: ArtifactClient, body: object) -> list[str]:
        raise NotImplementedError("this server has no POST /api/v1/blobs/write")

    monkeypatch.setattr(ArtifactClient, "write_blobs", older_server)
    files = []
    for i in range(5):
        path = tmp_path / f"g{i}.bin"
        path.write_bytes(os.urandom(5000 + i))
        files.append((sha(path.read_bytes()), str(path), path.stat().st_size))
    client = ArtifactClient(HttpTransport(server.url, server.api_key, timeout=60))
    upload_batch(client, files)
    assert client.batch_writes_unsupported
    assert client.missing_blobs(d for d, _, _ in files) == set()
    client.close()
