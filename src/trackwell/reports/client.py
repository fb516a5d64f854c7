"""The report routes of ``/api/v1/reports`` as the Python API calls them: one method per route,
plain dicts in and out (the JSON of ``schema/reports.py``), over the SDK's
:class:`~trackwell.sdk.route_client.RouteClient` (HTTP errors come back as the domain's exceptions:
a stale save as ``Conflict``, a refused one as ``PermissionDenied`` or ``NotFound``)."""

from __future__ import annotations

from typing import Any

from trackwell.schema.names import url_path
from trackwell.sdk.route_client import RouteClient


class ReportClient(RouteClient):
    # Reports only read and write what a server holds: a report script finds the local server but
    # never starts one (an empty new server has no project to report on).
    STARTS_LOCAL_SERVER = False

    def _project(self, entity: str, project: str) -> str:
        return f"/api/v1/reports/{url_path(entity)}/{url_path(project)}"

    def _report(self, entity: str, project: str, report_id: str) -> str:
        return f"{self._project(entity, project)}/{url_path(report_id)}"

    def create(self, entity: str, project: str, document: dict[str, Any]) -> dict[str, Any]:
        return dict(self._json("POST", self._project(entity, project), document))

    def get(self, entity: str, project: str, report_id: str, version: int | None = None) -> dict[str, Any]:
        query = None if version is None else {"version": version}
        return dict(self._json("GET", self._report(entity, project, report_id), query=query))

    def save(
        self, entity: str, project: str, report_id: str, document: dict[str, Any], base_version: int
    ) -> dict[str, Any]:
        body = {**document, "base_version": base_version}
        return dict(self._json("PUT", self._report(entity, project, report_id), body))

    def list_reports(self, entity: str, project: str, search: str | None = None) -> list[dict[str, Any]]:
        query = None if search is None else {"search": search}
        return list(self._json("GET", self._project(entity, project), query=query)["reports"])

    def versions(self, entity: str, project: str, report_id: str) -> list[dict[str, Any]]:
        return list(self._json("GET", self._report(entity, project, report_id) + "/versions")["versions"])

    def diff(self, entity: str, project: str, report_id: str, old: int, new: int) -> dict[str, Any]:
        path = self._report(entity, project, report_id) + "/diff"
        return dict(self._json("GET", path, query={"from": old, "to": new}))

    def restore(self, entity: str, project: str, report_id: str, version: int) -> dict[str, Any]:
        path = f"{self._report(entity, project, report_id)}/versions/{version}/restore"
        return dict(self._json("POST", path))

    def delete(self, entity: str, project: str, report_id: str) -> None:
        self._json("DELETE", self._report(entity, project, report_id))
