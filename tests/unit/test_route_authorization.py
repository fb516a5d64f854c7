"""Every route under /api/ authorizes its caller before its handler runs (docs/adr/0003).

The app's routes are walked as FastAPI resolves them: a route passes when one of its dependencies
(at any depth) is an authorizing dependency of ``server.deps`` fit for what the route addresses:
``{entity}/{project}`` (a project or a run) needs one that authorizes an action on that project,
``{team}`` one that authorizes on the team, anything else (the caller, a digest, a body naming
runs) at least a signed-in principal, whose handler then scopes its answer. A new route that forgets
it fails here, unless it is on the public list below with a comment saying why it is public.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from trackwell.server import deps
from trackwell.server.app import create_app
from trackwell.server.settings import ServerSettings

# (method, path) of routes anyone may call, each with why.
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/server-info"): "the version and mode, so clients can tell what they talk to",
    ("POST", "/api/v1/session"): "signing in: the body carries the credential it checks",
    ("GET", "/api/v1/session"): "who the cookie belongs to; answers 401 without one",
    ("DELETE", "/api/v1/session"): "signing out; CSRF-checked when a cookie is present",
    ("GET", "/api/v1/session/login"): "redeems a one-time sign-in token (the token is the check)",
    ("GET", "/api/v1/auth/methods"): "which sign-in methods the sign-in page offers",
    ("GET", "/api/v1/auth/oidc/login"): "starts single sign-on (redirect to the provider)",
    (
        "GET",
        "/api/v1/auth/oidc/callback",
    ): "the provider's redirect back; state, nonce and PKCE are the check",
    ("POST", "/api/v1/invites/accept"): "accepting an invite may create the account: the token is the check",
}

# (method, path) of routes addressed by a team whose handler's service authorizes through
# service.access inside its transaction (it needs the team's members first), with where.
AUTHORIZED_IN_SERVICE: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/teams/{team}"): "identity_teams.detail: PROJECT_READ on the team",
    ("PUT", "/api/v1/teams/{team}/members/{user}"): "identity_teams.set_role: ENTITY_ADMIN",
    ("DELETE", "/api/v1/teams/{team}/members/{user}"): "identity_teams.remove: admin, or yourself",
    ("POST", "/api/v1/teams/{team}/service-accounts"): "identity_teams.create_service_account: ENTITY_ADMIN",
    ("POST", "/api/v1/teams/{team}/invites"): "identity_invites: ENTITY_ADMIN",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    data = tmp_path_factory.mktemp("routes")
    return create_app(ServerSettings(data_dir=Path(data), static_dir=Path(data) / "no-ui"))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _api_routes(app: FastAPI) -> Iterator[tuple[str, RouteContext]]:
    # Routers are included lazily (FastAPI >= 0.165): their routes are read through their context,
    # which carries the path with every prefix and the dependencies of every router above.
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and (route.path or "").startswith("/api/"):
            for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
                yield method, route


def _needed(path: str) -> frozenset[Callable[..., Any]]:
    if "{entity}" in path and "{project}" in path:
        return deps.PROJECT_AUTHORIZERS
    if "{team}" in path:
        return deps.TEAM_AUTHORIZERS
    return deps.PROJECT_AUTHORIZERS | deps.TEAM_AUTHORIZERS | deps.SIGNED_IN


def test_every_api_route_authorizes_its_caller(app: FastAPI) -> None:
    missing = []
    for method, route in _api_routes(app):
        if (method, route.path) in PUBLIC:
            continue
        needed = _needed(route.path)
        if (method, route.path) in AUTHORIZED_IN_SERVICE:
            needed = deps.SIGNED_IN  # and the service's check named above
        if not set(_calls(route.dependant)) & needed:
            missing.append(f"{method} {route.path}")
    assert not missing, (
        "routes without an authorizing dependency (server/deps.py: RunReadKey, READS_PROJECT, ...; "
        "or add them to PUBLIC with the reason): " + ", ".join(missing)
    )


def test_changes_to_a_project_are_authorized_as_changes(app: FastAPI) -> None:
    """A project-addressed route that changes something never gets by with a read authorization
    (a layout is the caller's own and a few POSTs only read: those are named here)."""
    reads_only = {
        ("PUT", "/api/v1/layouts/{entity}/{project}"),  # the caller's own layout
        ("DELETE", "/api/v1/layouts/{entity}/{project}"),
        ("POST", "/api/v1/projects/{entity}/{project}/group-series"),  # queries in a body
        ("POST", "/api/v1/projects/{entity}/{project}/group-summary"),
        ("POST", "/api/v1/artifacts/{entity}/{project}/collections/{name}/versions/{v}/links"),
    }
    readers = {deps.authorize_read, deps.authorize_run_read}
    wrong = []
    for method, route in _api_routes(app):
        if method == "GET" or (method, route.path) in reads_only or "{project}" not in route.path:
            continue
        found = set(_calls(route.dependant)) & deps.PROJECT_AUTHORIZERS
        if found and found <= readers:
            wrong.append(f"{method} {route.path}")
    assert not wrong, "changes authorized as reads: " + ", ".join(wrong)


def test_the_walk_sees_the_apps_routes(app: FastAPI) -> None:
    """Guards the two tests above against passing on an empty walk."""
    seen = {(method, route.path) for method, route in _api_routes(app)}
    assert ("GET", "/api/v1/server-info") in seen
    assert len(seen) > 50
