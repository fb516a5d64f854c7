"""Blob transfers through a real server on loopback, on the local store and on S3 (moto server).

The client here does what the SDK's uploader does (docs/artifacts.md): ask which digests are
missing, PUT small blobs whole, send big ones in parts (to presigned URLs when the server gives
them), complete, and fetch through ``POST /blobs/urls``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.live_server import LiveServer
from tests.fixtures.s3 import SECRET_KEY, MotoS3

PART = 5 << 20


@pytest.fixture(scope="module", params=["local", "s3"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    args = ["--upload-part-size", str(PART)]
    bucket = ""
    if request.param == "s3":
        moto: MotoS3 = request.getfixturevalue("moto_s3")
        bucket = moto.new_bucket()
        args += ["--blob-url", moto.blob_url(bucket, prefix="trackwell/blobs")]
    live = LiveServer(tmp_path_factory.mktemp(f"blobs-{request.param}") / "data", extra_args=args).start()
    live.backend = request.param  # type: ignore[attr-defined]
    live.bucket = bucket  # type: ignore[attr-defined]
    try:
        yield live
    finally:
        live.stop()
        log = (live.data_dir / "server.log").read_text(errors="replace")
        # Secrets never reach the log: not the AWS secret key, not a presigned URL's signature.
        assert SECRET_KEY not in log and "X-Amz-Signature" not in log and "Signature=" not in log


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def send_parts(
    api: httpx.Client, session: dict[str, Any], data: bytes, numbers: list[int]
) -> list[dict[str, Any]]:
    """PUT the given parts where the session says: presigned URLs (S3) or this server."""
    sent = []
    size = session["part_size"]
    for n in numbers:
        chunk = data[(n - 1) * size : n * size]
        if session["part_urls"]:
            # Straight to the bucket, without the server's key (the URL carries its own signature).
            answer = httpx.put(session["part_urls"][str(n)], content=chunk, timeout=30)
            assert answer.status_code == 200, answer.text
            sent.append({"number": n, "size": len(chunk), "etag": answer.headers["etag"]})
        else:
            answer = api.put(f"/api/v1/blobs/uploads/{session['upload_id']}/parts/{n}", content=chunk)
            assert answer.status_code == 200, answer.text
            sent.append(answer.json())
    return sent


def start(api: httpx.Client, data: bytes, digest: str | None = None) -> dict[str, Any]:
    answer = api.post(f"/api/v1/blobs/{digest or sha(data)}/uploads", json={"size": len(data)})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_missing_put_and_ranged_get(server: LiveServer) -> None:
    data = os.urandom(300_000)
    digest, absent = sha(data), sha(b"not uploaded " + uuid.uuid4().bytes)
    with server.client() as api:
        assert api.post("/api/v1/blobs/missing", json={"sha256": [digest, absent]}).json() == {
            "sha256": [digest, absent]
        }
        put = api.put(f"/api/v1/blobs/{digest.upper()}", content=data)
        assert put.status_code == 200 and put.json() == {"sha256": digest, "size": len(data)}
        assert api.post("/api/v1/blobs/missing", json={"sha256": [digest, absent]}).json() == {
            "sha256": [absent]
        }

        whole = api.get(f"/api/v1/blobs/{digest}", follow_redirects=True)
        assert whole.status_code == 200 and whole.content == data
        ranged = api.get(
            f"/api/v1/blobs/{digest}", headers={"Range": "bytes=1000-1999"}, follow_redirects=True
        )
        assert ranged.status_code == 206 and ranged.content == data[1000:2000]
        past = api.get(f"/api/v1/blobs/{digest}", headers={"Range": "bytes=400000-"}, follow_redirects=True)
        assert past.status_code == 416
        if server.backend == "s3":  # type: ignore[attr-defined]
            redirect = api.get(f"/api/v1/blobs/{digest}")
            assert redirect.status_code == 307 and "X-Amz-Signature=" in redirect.headers["location"]
            assert not redirect.headers["location"].startswith(server.url)
        assert api.get(f"/api/v1/blobs/{absent}", follow_redirects=True).status_code == 404
        bad = api.post("/api/v1/blobs/missing", json={"sha256": [digest, "../../etc/passwd"]})
        assert bad.status_code == 400 and bad.json()["error"]["field"].startswith("sha256")


def test_ranges_across_the_read_chunks_and_keep_alive(server: LiveServer) -> None:
    """The GET path reads the first MiB with the lookup and the rest in later reads: every range,
    whole, across that seam, in the tail and from the end, answers the exact bytes, and all of
    it on one kept-alive connection."""
    data = os.urandom((3 << 20) + 4321)
    digest = sha(data)
    seam = 1 << 20
    with server.client() as api:
        api.put(f"/api/v1/blobs/{digest}", content=data).raise_for_status()
        whole = api.get(f"/api/v1/blobs/{digest}", follow_redirects=True)
        assert whole.status_code == 200 and whole.content == data
        assert int(whole.headers["content-length"]) == len(data)
        cases = {
            f"bytes={seam - 10}-{seam + 9}": data[seam - 10 : seam + 10],
            f"bytes={seam - 5}-": data[seam - 5 :],
            f"bytes={seam}-{seam}": data[seam : seam + 1],
            "bytes=0-": data,
            "bytes=-7": data[-7:],
            f"bytes={len(data) - 3}-{len(data) + 100}": data[-3:],
        }
        for header, expected in cases.items():
            ranged = api.get(f"/api/v1/blobs/{digest}", headers={"Range": header}, follow_redirects=True)
            assert ranged.status_code == 206, header
            assert ranged.content == expected, header
            assert int(ranged.headers["content-length"]) == len(expected)
        if server.backend == "local":  # type: ignore[attr-defined]
            first = api.get(f"/api/v1/blobs/{digest}", headers={"Range": "bytes=0-0"})
            assert first.headers["content-range"] == f"bytes 0-0/{len(data)}"
            assert "close" not in first.headers.get("connection", "")
            tiny = os.urandom(10)
            api.put(f"/api/v1/blobs/{sha(tiny)}", content=tiny).raise_for_status()
            got = api.get(f"/api/v1/blobs/{sha(tiny)}", headers={"Range": "bytes=2-4"})
            assert got.status_code == 206 and got.content == tiny[2:5]
            assert got.headers["etag"] == f'"{sha(tiny)}"'


def test_a_body_cut_off_or_too_long_leaves_nothing_behind(server: LiveServer) -> None:
    """Bodies are written to the store as they arrive: a client that goes away mid-body, or a
    body past the server's limit, leaves no file in the store's temporary folder and no blob."""
    if server.backend != "local":  # type: ignore[attr-defined]
        pytest.skip("the temporary folder checked here is the local store's")
    import socket

    tmp = server.data_dir / "blobs" / "tmp"
    before = sorted(p.name for p in tmp.iterdir())
    data = os.urandom(20 << 20)
    digest = sha(data)

    def head(length: int) -> bytes:
        return (
            f"PUT /api/v1/blobs/{digest} HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {server.api_key}\r\nContent-Length: {length}\r\n\r\n"
        ).encode()

    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(head(len(data)) + data[: 12 << 20])  # past one batch: a temporary file exists
        time.sleep(0.5)
    deadline = time.monotonic() + 10
    while sorted(p.name for p in tmp.iterdir()) != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp.iterdir()) == before
    assert "ClientDisconnect" not in server.log_tail(200)  # a vanished client is no server error
    with server.client() as api:
        assert api.post("/api/v1/blobs/missing", json={"sha256": [digest]}).json() == {"sha256": [digest]}
    # A declared length past the limit is refused before any byte of the body is read.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head(1 << 50) + b"x")
        assert conn.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert sorted(p.name for p in tmp.iterdir()) == before


def test_a_download_cut_off_midway_leaves_no_open_file(server: LiveServer) -> None:
    if server.backend != "local":  # type: ignore[attr-defined]
        pytest.skip("S3 downloads are redirects: the server opens no file")
    import socket

    data = os.urandom(16 << 20)  # more than the socket buffers hold: the server is mid-stream
    digest = sha(data)
    with server.client() as api:
        api.put(f"/api/v1/blobs/{digest}", content=data).raise_for_status()
    assert server.process is not None
    fds = Path(f"/proc/{server.process.pid}/fd")

    def open_on_blob() -> list[str]:
        found = []
        for fd in fds.iterdir():
            try:
                found.append(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile
        return [target for target in found if target.endswith(digest)]

    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(
            f"GET /api/v1/blobs/{digest} HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {server.api_key}\r\n\r\n".encode()
        )
        assert conn.recv(65536).startswith(b"HTTP/1.1 200 ")
        time.sleep(0.3)
        assert open_on_blob()  # still streaming: the file is open
    deadline = time.monotonic() + 10
    while open_on_blob() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_on_blob() == []


def test_a_body_that_does_not_match_its_digest_is_refused_and_not_stored(server: LiveServer) -> None:
    claimed = sha(b"the file as it was hashed " + uuid.uuid4().bytes)
    with server.client() as api:
        answer = api.put(f"/api/v1/blobs/{claimed}", content=b"the file as it was sent")
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["field"] == "sha256" and claimed in error["message"]
        assert api.post("/api/v1/blobs/missing", json={"sha256": [claimed]}).json() == {"sha256": [claimed]}
        assert api.put("/api/v1/blobs/not-a-digest", content=b"x").status_code == 400


def test_upload_in_parts_resumes_after_interruption_and_restart(server: LiveServer) -> None:
    data = os.urandom(2 * PART + 12345)
    digest = sha(data)
    with server.client() as api:
        session = start(api, data)
        assert session["part_size"] == PART and session["parts_done"] == []
        is_s3 = server.backend == "s3"  # type: ignore[attr-defined]
        assert (session["part_urls"] is not None) == is_s3
        if is_s3:
            assert sorted(session["part_urls"]) == ["1", "2", "3"]
        send_parts(api, session, data, [1, 3])  # then the connection drops

    server.restart()  # sessions live in the store, not in the server process
    with server.client() as api:
        resumed = start(api, data)
        assert resumed["upload_id"] == session["upload_id"]
        assert [(p["number"], p["size"]) for p in resumed["parts_done"]] == [(1, PART), (3, 12345)]
        if is_s3:
            assert sorted(resumed["part_urls"]) == ["2"]  # only what is missing
        early = api.post(f"/api/v1/blobs/uploads/{session['upload_id']}/complete", json={"parts": []})
        assert early.status_code == 400 and early.json()["error"]["field"] == "parts"
        sent = send_parts(api, resumed, data, [2])
        parts = sorted(resumed["parts_done"] + sent, key=lambda p: p["number"])
        done = api.post(f"/api/v1/blobs/uploads/{session['upload_id']}/complete", json={"parts": parts})
        assert done.status_code == 200, done.text
        assert done.json() == {"sha256": digest, "size": len(data)}
        # A retried complete (the answer was lost) answers the stored blob.
        again = api.post(f"/api/v1/blobs/uploads/{session['upload_id']}/complete", json={"parts": parts})
        assert again.status_code == 200 and again.json()["sha256"] == digest
        urls = api.post("/api/v1/blobs/urls", json={"sha256": [digest]}).json()["urls"]
        fetched = api.get(urls[digest], follow_redirects=True) if not is_s3 else httpx.get(urls[digest])
        assert fetched.status_code == 200 and sha(fetched.content) == digest


def test_a_corrupt_upload_in_parts_is_refused_and_starts_over(server: LiveServer) -> None:
    data = os.urandom(PART + 777)
    digest = sha(data)
    with server.client() as api:
        session = start(api, data)
        send_parts(api, session, data[:PART] + b"\xff" * 777, [1, 2])  # the last part got damaged
        answer = api.post(f"/api/v1/blobs/uploads/{session['upload_id']}/complete", json={"parts": []})
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == "sha256" and digest in answer.json()["error"]["message"]
        assert api.post("/api/v1/blobs/missing", json={"sha256": [digest]}).json() == {"sha256": [digest]}
        fresh = start(api, data)
        assert fresh["upload_id"] != session["upload_id"] and fresh["parts_done"] == []


def test_parts_are_checked_against_the_session(server: LiveServer) -> None:
    data = os.urandom(PART + 10)
    with server.client() as api:
        session = start(api, data)
        base = f"/api/v1/blobs/uploads/{session['upload_id']}/parts"
        assert api.put(f"{base}/3", content=b"x").status_code == 400  # only parts 1..2
        too_long = api.put(f"{base}/2", content=b"x" * 11)
        assert too_long.status_code == 413 and "part 2" in too_long.json()["error"]["message"]
        assert api.put(f"{base}/2", content=b"x" * 9).status_code == 400
        unknown = "0" * 64 + "-10-" + "0" * 16
        assert api.put(f"/api/v1/blobs/uploads/{unknown}/parts/1", content=b"x").status_code == 404
        assert api.delete(f"/api/v1/blobs/uploads/{session['upload_id']}").status_code == 204
        assert api.put(f"{base}/1", content=data[:PART]).status_code == 404


def test_urls_name_where_to_fetch_each_blob(server: LiveServer) -> None:
    blobs = [os.urandom(1000 + i) for i in range(3)]
    with server.client() as api:
        for blob in blobs:
            api.put(f"/api/v1/blobs/{sha(blob)}", content=blob).raise_for_status()
        urls = api.post("/api/v1/blobs/urls", json={"sha256": [sha(b) for b in blobs]}).json()["urls"]
        assert sorted(urls) == sorted(sha(b) for b in blobs)
        for blob in blobs:
            url = urls[sha(blob)]
            if server.backend == "s3":  # type: ignore[attr-defined]
                assert "X-Amz-Signature=" in url
                assert httpx.get(url).content == blob  # no key needed: the URL is presigned
            else:
                assert url == f"/api/v1/blobs/{sha(blob)}"
                assert api.get(url).content == blob
        absent = sha(b"absent" + uuid.uuid4().bytes)
        missing = api.post("/api/v1/blobs/urls", json={"sha256": [absent]})
        assert missing.status_code == 404 and absent in missing.json()["error"]["message"]


def test_run_files_work_on_the_backend(server: LiveServer) -> None:
    run = f"/api/v1/runs/me/blob-backend/{uuid.uuid4().hex[:10]}"
    data = os.urandom(3 << 20)
    with server.client() as api:
        api.put(run, json={"session_id": "s"}).raise_for_status()
        stored = api.put(f"{run}/files/media/model.bin", content=data).json()
        assert stored["sha256"] == sha(data)
        assert api.get(f"{run}/files/media/model.bin").content == data
        ranged = api.get(f"{run}/files/media/model.bin", headers={"Range": "bytes=2000000-2000099"})
        assert ranged.status_code == 206 and ranged.content == data[2_000_000:2_000_100]
        # The run file's bytes are the blob of that digest: no second upload needed.
        assert api.post("/api/v1/blobs/missing", json={"sha256": [sha(data)]}).json() == {"sha256": []}


def test_missing_answers_10000_digests_in_one_call(server: LiveServer) -> None:
    present = [os.urandom(100) for _ in range(20)]
    with server.client() as api:
        for blob in present:
            api.put(f"/api/v1/blobs/{sha(blob)}", content=blob).raise_for_status()
        asked = [sha(b) for b in present] + [sha(os.urandom(16)) for _ in range(10_000 - len(present))]
        began = time.perf_counter()
        answer = api.post("/api/v1/blobs/missing", json={"sha256": asked})
        took = time.perf_counter() - began
        assert answer.status_code == 200
        assert answer.json()["sha256"] == asked[len(present) :]
        print(f"missing of 10,000 digests on {server.backend}: {took:.2f} s")  # type: ignore[attr-defined]
        assert took < 60
        too_many = api.post("/api/v1/blobs/missing", json={"sha256": asked + [asked[0]]})
        assert too_many.status_code == 400


def test_a_logged_table_is_queried_from_the_backend(server: LiveServer) -> None:
    """Tables read their file's blob (open/iter_chunks) to build the columnar copy."""
    run = f"/api/v1/runs/me/blob-backend/{uuid.uuid4().hex[:10]}"
    table = {"columns": ["id", "label"], "data": [[i, f"l{i % 3}"] for i in range(50)]}
    path = "media/table/preds_1.table.json"
    with server.client() as api:
        api.put(run, json={"session_id": "s"}).raise_for_status()
        api.put(f"{run}/files/{path}", content=json.dumps(table).encode()).raise_for_status()
        rows = api.get(
            f"{run}/tables/rows", params={"path": path, "filter": 'row["label"] == "l1"', "sort": "-id"}
        )
        assert rows.status_code == 200, rows.text
        answer = rows.json()
        assert answer["total_rows"] == 50 and answer["matched_rows"] == 17
        assert [row[0] for row in answer["rows"]][:3] == [49, 46, 43]


def test_a_complete_while_another_is_verifying_answers_503(
    server: LiveServer, request: pytest.FixtureRequest
) -> None:
    data = os.urandom(1000)
    with server.client() as api:
        session = start(api, data)
        send_parts(api, session, data, [1])
        # What a request that is still verifying this upload leaves (local: a marker; S3: a lock).
        if server.backend == "local":  # type: ignore[attr-defined]
            (server.data_dir / "blobs" / "tmp" / "uploads" / session["upload_id"] / "completing").touch()
        else:
            moto: MotoS3 = request.getfixturevalue("moto_s3")
            lock = f"trackwell/blobs/tmp/uploads/{session['upload_id']}.lock"
            moto.client().put_object(Bucket=server.bucket, Key=lock, Body=str(time.time()).encode())  # type: ignore[attr-defined]
        busy = api.post(f"/api/v1/blobs/uploads/{session['upload_id']}/complete", json={"parts": []})
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "upload_in_progress"
        assert api.post("/api/v1/blobs/missing", json={"sha256": [sha(data)]}).json() == {
            "sha256": [sha(data)]
        }


SDK_SCRIPT = """
import numpy as np
import trackwell as wandb
run = wandb.init(project="blob-backend-sdk", id="{run_id}")
with open("weights.bin", "wb") as f:
    f.write(bytes(range(256)) * 4000)
run.save("weights.bin", policy="now")
run.log({{"img": wandb.Image(np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3))}})
run.finish()
"""


def test_a_run_logged_by_the_sdk_keeps_its_files_on_the_backend(server: LiveServer, tmp_path: Path) -> None:
    run_id = uuid.uuid4().hex[:8]
    script = tmp_path / "log.py"
    script.write_text(SDK_SCRIPT.format(run_id=run_id))
    env = server.sdk_env(tmp_path / "config")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    with server.client() as api:
        entity = api.get("/api/v1/viewer").json()["entity"]  # the SDK's default entity
        files = api.get(f"/api/v1/runs/{entity}/blob-backend-sdk/{run_id}/files")
        assert files.status_code == 200, files.text
        listed = {f["path"]: f for f in files.json()["files"]}
        assert "weights.bin" in listed and any(p.endswith(".png") for p in listed)
        for entry in listed.values():
            body = api.get(entry["url"]).content
            assert hashlib.sha256(body).hexdigest() == entry["sha256"], entry["path"]
        assert api.get(listed["weights.bin"]["url"]).content == bytes(range(256)) * 4000


def test_a_server_on_a_bucket_it_cannot_use_stops_at_start_naming_it(moto_s3: MotoS3, tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data", extra_args=["--blob-url", moto_s3.blob_url("no-such-bucket-at-all")])
    with pytest.raises(RuntimeError, match="exited") as info:
        live.start()
    assert "the S3 bucket 'no-such-bucket-at-all' cannot be used: S3 answered 404" in str(info.value)
    assert SECRET_KEY not in (tmp_path / "data" / "server.log").read_text(errors="replace")
