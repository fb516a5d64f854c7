"""The artifact listing routes the public ``Api`` reads (docs/artifacts.md, "HTTP API"), as models.

Why a module of its own: the SDK's client (``trackwell.artifacts.client``, plain dicts, no
pydantic in a training run) has the routes a run needs (versions, manifests, blobs); the query API
also lists types, collections, a collection's versions and a run's artifacts. Those are here, over
the ``Api``'s :class:`~trackwell.sdk.api_client.ApiClient` transport; a route the SDK's client has
goes through it. Errors come back as the domain exceptions the server raised (``NotFound``
naming what exists).

Imports: ``trackwell.schema`` and the SDK's HTTP client.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import TYPE_CHECKING
from urllib.parse import quote

from trackwell.schema.artifacts import (
    ArtifactCollectionList,
    ArtifactCollectionOut,
    ArtifactTypeList,
    ArtifactVersionList,
    ArtifactVersionOut,
)
from trackwell.sdk.api_client import ApiClient

if TYPE_CHECKING:
    from trackwell.artifacts.client import ArtifactClient

# One ArtifactClient per Api transport: it keeps the presigned-URL connections it opened.
_CLIENTS: weakref.WeakKeyDictionary[ApiClient, ArtifactClient] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def artifact_client(client: ApiClient) -> ArtifactClient:
    """The SDK's artifact client (``trackwell.artifacts.client``) over the Api's transport: what
    the ``Artifact`` objects the Api hands out download, save and delete through."""
    from trackwell.artifacts.client import ArtifactClient

    with _LOCK:
        found = _CLIENTS.get(client)
        if found is None:
            found = _CLIENTS[client] = ArtifactClient(client)
        return found


def _q(segment: str) -> str:
    return quote(segment, safe="")


class ArtifactRoutes:
    """One method per artifact route the query API reads or edits."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    @property
    def artifacts(self) -> ArtifactClient:
        return artifact_client(self.client)

    @staticmethod
    def _project(entity: str, project: str) -> str:
        return f"/api/v1/artifacts/{_q(entity)}/{_q(project)}"

    def _collection(self, entity: str, project: str, name: str) -> str:
        return f"{self._project(entity, project)}/collections/{_q(name)}"

    def _version(self, entity: str, project: str, name: str, version: str) -> str:
        return f"{self._collection(entity, project, name)}/versions/{_q(version)}"

    def types(self, entity: str, project: str) -> ArtifactTypeList:
        return ArtifactTypeList.model_validate(
            self.client._json("GET", self._project(entity, project) + "/types")
        )

    def collections(
        self,
        entity: str,
        project: str,
        *,
        type_name: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> ArtifactCollectionList:
        query = {"type": type_name, "kind": kind, "limit": limit, "offset": offset}
        data = self.client._json("GET", self._project(entity, project) + "/collections", query=query)
        return ArtifactCollectionList.model_validate(data)

    def collection(self, entity: str, project: str, name: str) -> ArtifactCollectionOut:
        data = self.client._json("GET", self._collection(entity, project, name))
        return ArtifactCollectionOut.model_validate(data)

    def update_collection(
        self, entity: str, project: str, name: str, description: str | None
    ) -> ArtifactCollectionOut:
        body = json.dumps({"description": description}).encode()
        data = self.client._json("PATCH", self._collection(entity, project, name), body=body)
        return ArtifactCollectionOut.model_validate(data)

    def delete_collection(self, entity: str, project: str, name: str) -> None:
        self.client._request("DELETE", self._collection(entity, project, name))

    def versions(
        self, entity: str, project: str, name: str, *, limit: int, offset: int
    ) -> ArtifactVersionList:
        path = self._collection(entity, project, name) + "/versions"
        data = self.client._json("GET", path, query={"limit": limit, "offset": offset})
        return ArtifactVersionList.model_validate(data)

    def version(self, entity: str, project: str, name: str, version: str) -> ArtifactVersionOut:
        return ArtifactVersionOut.model_validate(self.artifacts.get_version(entity, project, name, version))

    def run_artifacts(
        self, entity: str, project: str, run_id: str, direction: str, *, limit: int, offset: int
    ) -> ArtifactVersionList:
        path = f"/api/v1/runs/{_q(entity)}/{_q(project)}/{_q(run_id)}/artifacts"
        query = {"direction": direction, "limit": limit, "offset": offset}
        return ArtifactVersionList.model_validate(self.client._json("GET", path, query=query))
