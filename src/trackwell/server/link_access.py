"""Which routes the holder of a report's public link may call (docs/reports.md, "Sharing").

A link's caller is anonymous and read-only. ``service.access`` decides *what* it may read (its
report, the projects its runsets draw from); this list decides which *routes* it may call at all, by
their path template, so a route added later is closed to links until it is named here. Reads of a
project's runs, history, files, tables, artifacts, sweeps, views and the workspace layout are open
(they authorize the project through ``service.access``); of the reports routes only reading the
report itself, as of its current version, is. Everything else, writes first, is refused.
"""

from __future__ import annotations

from starlette.requests import Request

from trackwell.schema.errors import NotFound, PermissionDenied

_PROJECT = "/{entity}/{project}"
# GET routes under these templates read one project (authorized per project by service.access).
_READ_PREFIXES = tuple(
    f"/api/v1/{family}{_PROJECT}"
    for family in ("runs", "projects", "artifacts", "sweeps", "views", "layouts")
)
# Reads sent as POST (a query in the body), and reads not addressed by a project, whose handlers
# scope their answer with ``service.access.visible_projects``.
_READS_BY_ROUTE = frozenset(
    {
        ("POST", "/api/v1/projects/{entity}/{project}/group-series"),
        ("POST", "/api/v1/projects/{entity}/{project}/group-summary"),
        ("POST", "/api/v1/series/query"),
        ("POST", "/api/v1/blobs/read"),
        ("GET", "/api/v1/blobs/{sha256}"),
        ("GET", "/api/v1/artifacts/by-id/{version_id}"),
        ("GET", "/api/v1/report-link"),  # the report the link opens
    }
)
REPORT_ROUTE = "/api/v1/reports/{entity}/{project}/{report_id}"
_SAFE = frozenset({"GET", "HEAD"})


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else ""


def link_may_call(method: str, route_path: str, query_keys: frozenset[str] = frozenset()) -> bool:
    method = "GET" if method == "HEAD" else method
    if route_path == REPORT_ROUTE:
        return method == "GET" and "version" not in query_keys  # the current version only
    if (method, route_path) in _READS_BY_ROUTE:
        return True
    return method in _SAFE and route_path.startswith(_READ_PREFIXES)


def refuse_outside_link_reads(request: Request) -> None:
    """Returns when a link's holder may call this route; else 403 for a change, 404 for a read."""
    path = _route_path(request)
    if link_may_call(request.method, path, frozenset(request.query_params)):
        return
    if request.method not in _SAFE:
        raise PermissionDenied(
            "a public report link only reads; this needs a signed-in member",
            hint="sign in with an account that is a member of the team",
        )
    raise NotFound(
        "not found for a public report link",
        hint="a public report link reads only its report and the projects its panels draw from",
    )
