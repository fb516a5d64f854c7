"""Which routes a report's public link may call (``server/link_access.py``), checked against the
app's real routes, and that its token never reaches the access log."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from trackwell.server.access_log import redact_secrets
from trackwell.server.app import create_app
from trackwell.server.link_access import REPORT_ROUTE, link_may_call
from trackwell.server.settings import ServerSettings


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    data = tmp_path_factory.mktemp("link-routes")
    return create_app(ServerSettings(data_dir=Path(data), static_dir=Path(data) / "no-ui"))


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute):
            found |= {(m, route.path or "") for m in (route.methods or set()) - {"HEAD", "OPTIONS"}}
    return found


def test_a_link_calls_no_route_that_changes_anything(app: FastAPI) -> None:
    read_posts = {
        "/api/v1/projects/{entity}/{project}/group-series",
        "/api/v1/projects/{entity}/{project}/group-summary",
        "/api/v1/series/query",
        "/api/v1/blobs/read",
    }
    opened = {(m, p) for m, p in _routes(app) if link_may_call(m, p)}
    assert {p for m, p in opened if m != "GET"} == read_posts
    assert ("GET", "/api/v1/runs/{entity}/{project}/{run_id}/history/series") in opened
    assert ("GET", "/api/v1/report-link") in opened


def test_of_the_reports_routes_a_link_reads_only_the_report_as_of_now(app: FastAPI) -> None:
    reports = {(m, p) for m, p in _routes(app) if p.startswith("/api/v1/reports/")}
    assert {(m, p) for m, p in reports if link_may_call(m, p)} == {("GET", REPORT_ROUTE)}
    assert not link_may_call("GET", REPORT_ROUTE, frozenset({"version"}))


def test_identity_admin_and_comment_routes_are_closed_to_links(app: FastAPI) -> None:
    for method, path in _routes(app):
        if path.startswith(
            ("/api/v1/viewer", "/api/v1/users", "/api/v1/teams", "/api/v1/admin", "/api/v1/keys")
        ):
            assert not link_may_call(method, path), (method, path)
        if path.startswith(("/api/v1/comments", "/api/v1/me", "/graphql", "/files/")):
            assert not link_may_call(method, path), (method, path)


def test_the_token_never_reaches_the_access_log() -> None:
    token = "AbC-_09xyzAbC-_09xyzAbC-_09xyzAbC-_09xyzabc"
    assert redact_secrets(f"/public/reports/{token}") == "/public/reports/[redacted]"
    logged = redact_secrets(f"/api/v1/runs/e/p/r/files/a.png?report_link={token}")
    assert logged == "/api/v1/runs/e/p/r/files/a.png?report_link=[redacted]"
