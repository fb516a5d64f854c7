"""Security headers on every answer, the UI's strict CSP, HSTS only over HTTPS, the request size
limit, and user media that can script (HTML, SVG) served so it cannot run as the app."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live_server import LiveServer

SCRIPTING_MEDIA = {
    "media/html/page.html": b"<html><body><script>document.title=document.cookie</script>hi</body></html>",
    "media/images/drawing.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
        b'<circle r="4"/></svg>'
    ),
}


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("limits") / "data", ["--max-request-bytes", "4096"]).start()
    try:
        yield live
    finally:
        live.stop()


def _run_url(api: httpx.Client) -> str:
    url = f"/api/v1/runs/me/security/{uuid.uuid4().hex[:10]}"
    api.put(url, json={"session_id": "s"}).raise_for_status()
    return url


def test_every_answer_carries_the_security_headers(server: LiveServer) -> None:
    with server.client() as api:
        answers = [api.get("/healthz"), api.get("/api/v1/viewer"), api.get("/api/v1/runs/me/nope/nothing")]
        answers.append(httpx.get(server.url + "/api/v1/viewer", headers={"Authorization": "Bearer wrong"}))
    assert [a.status_code for a in answers] == [200, 200, 404, 401]
    for answer in answers:
        headers = answer.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == "frame-ancestors 'none'"
        assert headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in headers["permissions-policy"]
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS would be ignored anyway


def test_hsts_only_when_a_trusted_proxy_says_the_request_came_over_https(server: LiveServer) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (--forwarded-allow-ips' default).
    over_https = httpx.get(server.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert over_https.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in httpx.get(server.url + "/healthz").headers


def test_the_ui_page_has_a_strict_content_security_policy(server: LiveServer) -> None:
    page = httpx.get(server.url + "/some/project")
    if page.status_code == 404:
        pytest.skip("no web UI build in src/trackwell/server/static (scripts/build_web.py)")
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["connect-src"] == "'self'"
    assert page.headers["x-frame-options"] == "DENY"


def test_html_and_svg_files_are_sandboxed_downloads_the_app_may_frame(server: LiveServer) -> None:
    with server.client() as api:
        run = _run_url(api)
        for path, content in SCRIPTING_MEDIA.items():
            stored = api.put(f"{run}/files/{path}", content=content).json()
            for url in (stored["url"], f"/api/v1/blobs/{stored['sha256']}"):
                answer = api.get(url)
                assert answer.content == content
                policy = [p.strip() for p in answer.headers["content-security-policy"].split(";")]
                # sandbox with no allow-*: no script runs, and the document has an opaque origin.
                assert policy == ["sandbox", "frame-ancestors 'self'"]
                assert answer.headers["x-content-type-options"] == "nosniff"
                assert answer.headers["x-frame-options"] == "SAMEORIGIN"


def test_html_logged_by_the_sdk_is_served_sandboxed(server: LiveServer, tmp_path: Path) -> None:
    script = "\n".join(
        (
            "import trackwell",
            f"run = trackwell.init(project='security', dir={str(tmp_path)!r})",
            "run.log({'page': trackwell.Html('<script>fetch(\"/api/v1/viewer\")</script>')})",
            "print(run.id)",
            "run.finish()",
        )
    )
    env = server.sdk_env(tmp_path / "config")
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1]
    with server.client() as api:
        entity = api.get("/api/v1/viewer").json()["entity"]
        files = api.get(f"/api/v1/runs/{entity}/security/{run_id}/files").json()["files"]
        html = next(f for f in files if f["path"].endswith(".html"))
        answer = api.get(html["url"])
    assert b"<script>" in answer.content
    assert answer.headers["content-security-policy"].split(";")[0] == "sandbox"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_limit_is_refused_with_the_limit_and_the_fix(small_limit_server: LiveServer) -> None:
    live = small_limit_server
    with live.client() as api:
        run = _run_url(api)
        too_big = {"notes": "x" * 5000}
        declared = api.patch(run, json=too_big)
        chunked = api.patch(run, content=iter([b'{"notes": "', b"x" * 5000, b'"}']))
        fits = api.patch(run, json={"notes": "short"})
        # Uploads stream and keep their own limits: a file larger than max-request-bytes is stored.
        upload = api.put(f"{run}/files/big.bin", content=os.urandom(20_000))
        row = {"seq": 0, "kind": "history", "step": 0, "timestamp": 1.0, "runtime": 0.0}
        row["values"] = {"x": "y" * 6000}
        records = {"session_id": "s", "records": [row]}
        batch = api.post(f"{run}/records", json=records)
    for refused in (declared, chunked):
        assert refused.status_code == 413
        error = refused.json()["error"]
        assert error["code"] == "payload_too_large" and "4096 bytes" in error["message"]
        assert "--max-request-bytes" in error["hint"]
        assert refused.headers["x-content-type-options"] == "nosniff"
    assert fits.status_code == 200 and fits.json()["notes"] == "short"
    assert upload.status_code == 200 and upload.json()["size"] == 20_000
    assert batch.status_code == 200, batch.text
