"""Run files: upload, list, download; names that could escape the run are refused."""

from __future__ import annotations

import hashlib
import socket
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.live_server import LiveServer


@pytest.fixture
def run_url(server: LiveServer) -> Iterator[str]:
    url = f"/api/v1/runs/me/files-test/{uuid.uuid4().hex[:10]}"
    with server.client() as api:
        api.put(url, json={"session_id": "s"}).raise_for_status()
    yield url


def test_upload_list_download(server: LiveServer, run_url: str) -> None:
    data = bytes(range(256)) * 1000
    with server.client() as api:
        uploaded = api.put(run_url + "/files/media/images/a.png", content=data).json()
        assert uploaded["path"] == "media/images/a.png"
        assert uploaded["size"] == len(data) and uploaded["sha256"] == hashlib.sha256(data).hexdigest()
        api.put(run_url + "/files/config.yaml", content=b"lr: 0.1\n").raise_for_status()

        listed = api.get(run_url + "/files").json()["files"]
        assert sorted(f["path"] for f in listed) == ["config.yaml", "media/images/a.png"]

        download = api.get(uploaded["url"])
        assert download.status_code == 200 and download.content == data
        assert download.headers["content-type"] == "image/png"
        assert download.headers["content-security-policy"].startswith("sandbox;")  # no scripts, no origin

        # a changed file keeps its name and gets the new content
        api.put(run_url + "/files/config.yaml", content=b"lr: 0.2\n").raise_for_status()
        assert api.get(run_url + "/files/config.yaml").content == b"lr: 0.2\n"

        # a file record can now point at uploaded content
        sha, size = uploaded["sha256"], len(data)
        record = {"kind": "file", "seq": 0, "path": "copy.png", "sha256": sha, "size": size}
        api.post(run_url + "/records", json={"session_id": "s", "records": [record]}).raise_for_status()
        assert api.get(run_url + "/files/copy.png").content == data


def test_missing_file_is_404(server: LiveServer, run_url: str) -> None:
    with server.client() as api:
        response = api.get(run_url + "/files/nope.txt")
        assert response.status_code == 404 and "nope.txt" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "raw_path",
    ["%2E%2E/secret.txt", "a/%2E%2E/%2E%2E/b", "%2Fetc%2Fpasswd", "a%5Cb.txt", "a%00b", "a//b"],
)
def test_path_traversal_names_are_refused(server: LiveServer, run_url: str, raw_path: str) -> None:
    # Sent over a raw socket so that no client library normalizes the path first.
    status, body = _raw_put(server, f"{run_url}/files/{raw_path}", b"x")
    assert status == 400, body
    assert b'"field":"path"' in body and b"not allowed" in body
    with server.client() as api:
        assert api.get(run_url + "/files").json()["files"] == []


def _raw_put(server: LiveServer, target: str, body: bytes) -> tuple[int, bytes]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    request = (
        f"PUT {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.api_key}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, payload = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), payload


def test_uploads_to_a_missing_run_are_404(server: LiveServer) -> None:
    with server.client() as api:
        response = api.put("/api/v1/runs/me/files-test/ghost/files/a.txt", content=b"x")
        assert response.status_code == 404


def test_files_accept_wandb_basic_auth(server: LiveServer, run_url: str) -> None:
    httpx.put(f"{server.url}{run_url}/files/b.txt", content=b"bee", auth=server.auth).raise_for_status()
    assert httpx.get(f"{server.url}{run_url}/files/b.txt", auth=server.auth).content == b"bee"


@pytest.mark.parametrize(
    ("header", "status", "want", "content_range"),
    [
        ("bytes=0-9", 206, (0, 10), "bytes 0-9/5000"),
        ("bytes=4990-", 206, (4990, 5000), "bytes 4990-4999/5000"),
        ("bytes=-5", 206, (4995, 5000), "bytes 4995-4999/5000"),
        ("bytes=100-99999", 206, (100, 5000), "bytes 100-4999/5000"),  # the end is clipped
        ("bytes=5000-", 416, None, "bytes */5000"),
        ("bytes=0-1,5-6", 200, (0, 5000), None),  # several ranges: the whole file
        ("items=0-5", 200, (0, 5000), None),
        ("bytes=9-3", 200, (0, 5000), None),
    ],
)
def test_byte_ranges_let_players_seek(
    server: LiveServer,
    run_url: str,
    header: str,
    status: int,
    want: tuple[int, int] | None,
    content_range: str | None,
) -> None:
    # Browsers seek in audio and video with Range requests; without them a click on a waveform or
    # the video timeline cannot move playback.
    data = bytes(i % 251 for i in range(5000))
    with server.client() as api:
        api.put(run_url + "/files/media/audio/clip.wav", content=data).raise_for_status()
        r = api.get(run_url + "/files/media/audio/clip.wav", headers={"Range": header})
    assert r.status_code == status
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers.get("content-range") == content_range
    if want is not None:
        assert r.content == data[want[0] : want[1]]
        assert r.headers["content-length"] == str(want[1] - want[0])
