"""The report routes of ``/api/v1/reports`` as the Python API calls them: one method per route,
plain dicts in and out (the JSON of ``schema/reports.py``), over the SDK's
:class:`~trackwell.sdk.transport.HttpTransport` (HTTP errors come back as the domain's exceptions:
a stale save as ``Conflict``, a refused one as ``PermissionDenied`` or ``NotFound``)."""

from __future__ import annotations

import json
from typing import Any

from trackwell.schema.names import url_path
from trackwell.sdk.transport import HttpTransport, TransportError


class ReportClient:
    def __init__(self, transport: HttpTransport) -> None:
        self.transport = transport
        self.base_url = transport.base_url

    @classmethod
    def from_settings(cls, settings: Any = None) -> ReportClient:
        """A client for the server the settings point at (``TRACKWELL_BASE_URL``/``WANDB_BASE_URL``
        and the key ``login`` stored), found as ``init()`` finds it."""
        from trackwell.sdk.login import resolve_endpoint
        from trackwell.sdk.settings import Settings

        settings = settings or Settings.resolve()
        endpoint = resolve_endpoint(settings, start_local=False)
        return cls(endpoint.client(timeout=settings.http_timeout))

    def close(self) -> None:
        self.transport.close()

    def viewer_entity(self) -> str:
        entity = self._json("GET", "/api/v1/viewer").get("entity")
        if not isinstance(entity, str):
            raise TransportError("the server's /api/v1/viewer answer has no entity")
        return entity

    def _project(self, entity: str, project: str) -> str:
        return f"/api/v1/reports/{url_path(entity)}/{url_path(project)}"

    def _report(self, entity: str, project: str, report_id: str) -> str:
        return f"{self._project(entity, project)}/{url_path(report_id)}"

    def _json(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        return self.transport._json(method, path, body=data, query=query)

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
