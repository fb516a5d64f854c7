"""Every API call needs a key; wrong or missing keys are refused helpfully and never echoed."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live_server import LiveServer


def test_health_and_server_info_are_open(server: LiveServer) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"ok": True}
    info = httpx.get(f"{server.url}/api/v1/server-info").json()
    assert info["local"] is True and info["requires_auth"] is True and info["version"]


def test_missing_key_is_401_with_a_hint(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/v1/viewer")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert "API key" in error["message"] and "Bearer" in error["hint"]


@pytest.mark.parametrize("scheme", ["bearer", "basic"])
def test_wrong_key_is_401_and_not_echoed(server: LiveServer, scheme: str) -> None:
    wrong = "tw-" + "Z" * 40
    if scheme == "bearer":
        response = httpx.get(f"{server.url}/api/v1/projects", headers={"Authorization": f"Bearer {wrong}"})
    else:
        response = httpx.get(f"{server.url}/api/v1/projects", auth=("api", wrong))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The API key is not valid on this server"
    assert wrong not in response.text
    assert wrong not in server.log_tail(200)


def test_malformed_header_is_401(server: LiveServer) -> None:
    bad = base64.b64encode(b"no-colon-here").decode()
    response = httpx.get(f"{server.url}/api/v1/viewer", headers={"Authorization": f"Basic {bad}"})
    assert response.status_code == 401
    assert "no-colon-here" not in response.text


def test_bearer_and_wandb_basic_auth_both_work(server: LiveServer) -> None:
    bearer = httpx.get(f"{server.url}/api/v1/viewer", headers=server.headers)
    basic = httpx.get(f"{server.url}/api/v1/viewer", auth=server.auth)
    assert bearer.status_code == basic.status_code == 200
    assert bearer.json() == basic.json()
    assert bearer.json()["entity"] == bearer.json()["username"]


def test_every_api_route_but_the_open_ones_requires_a_key(server: LiveServer) -> None:
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    open_paths = {"/healthz", "/api/v1/server-info", "/api/v1/session", "/api/v1/session/login"}
    # Signing in (docs/sign-in.md): what the sign-in page offers, and single sign-on's two legs.
    open_paths |= {"/api/v1/auth/methods", "/api/v1/auth/oidc/login", "/api/v1/auth/oidc/callback",
                   "/api/v1/invites/accept"}  # fmt: skip
    for path, methods in paths.items():
        if path in open_paths:
            continue
        concrete = path.replace("{path}", "x.txt")
        for name in ("{entity}", "{project}", "{run_id}"):
            concrete = concrete.replace(name, "x")
        for method in methods:
            response = httpx.request(method.upper(), f"{server.url}{concrete}")
            assert response.status_code == 401, f"{method.upper()} {path} answered {response.status_code}"


def test_local_key_file_is_private(server: LiveServer) -> None:
    key_file = Path(server.data_dir) / "local-api-key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert key_file.read_text().strip() == server.api_key
    assert server.api_key not in server.log_tail(200)


def test_key_survives_a_restart(tmp_path: Path) -> None:
    live = LiveServer(tmp_path / "data").start()
    try:
        first = live.api_key
        live.restart()
        assert live.api_key == first
        assert httpx.get(f"{live.url}/api/v1/viewer", headers=live.headers).status_code == 200
    finally:
        live.stop()
