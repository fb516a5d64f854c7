"""Artifact collections and versions: list, create, read, edit, delete; manifests and files.

``{v}`` is ``vN``, an alias or a version id (docs/artifacts.md has the table of routes).
"""

from __future__ import annotations

import mimetypes
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from starlette.responses import Response, StreamingResponse

from trackwell.schema.artifacts import (
    ArtifactCollectionList,
    ArtifactCollectionOut,
    ArtifactCollectionUpdate,
    ArtifactCreate,
    ArtifactManifest,
    ArtifactTypeList,
    ArtifactVersionList,
    ArtifactVersionOut,
    ArtifactVersionUpdate,
)
from trackwell.server.deps import (
    DELETES_IN_PROJECT,
    READS_PROJECT,
    WRITES_PROJECT,
    CurrentUser,
    EntityPath,
    ProjectPath,
    ServicesDep,
)
from trackwell.server.responses import json_response
from trackwell.server.routes.files import ranged_download

router = APIRouter(prefix="/api/v1/artifacts", tags=["artifacts"])

PROJECT = "/{entity}/{project}"
COLLECTION = PROJECT + "/collections/{name}"
VERSION = COLLECTION + "/versions/{v}"


@router.get(PROJECT + "/types", response_model=ArtifactTypeList, dependencies=[READS_PROJECT])
def list_types(entity: EntityPath, project: ProjectPath, services: ServicesDep) -> Response:
    return json_response(services.artifacts.types(entity, project))


@router.get(PROJECT + "/collections", response_model=ArtifactCollectionList, dependencies=[READS_PROJECT])
def list_collections(
    entity: EntityPath,
    project: ProjectPath,
    services: ServicesDep,
    type: Annotated[str | None, Query(description="only collections of this type")] = None,
    kind: Literal["sequence", "portfolio"] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Response:
    return json_response(services.artifacts.collections(entity, project, type, kind, limit, offset))


@router.get(COLLECTION, response_model=ArtifactCollectionOut, dependencies=[READS_PROJECT])
def get_collection(entity: EntityPath, project: ProjectPath, name: str, services: ServicesDep) -> Response:
    return json_response(services.artifacts.collection(entity, project, name))


@router.patch(COLLECTION, response_model=ArtifactCollectionOut, dependencies=[WRITES_PROJECT])
def update_collection(
    entity: EntityPath, project: ProjectPath, name: str, body: ArtifactCollectionUpdate, services: ServicesDep
) -> Response:
    if "description" not in body.model_fields_set:
        return json_response(services.artifacts.collection(entity, project, name))
    return json_response(services.artifacts.update_collection(entity, project, name, body.description))


@router.delete(COLLECTION, status_code=204, dependencies=[DELETES_IN_PROJECT])
def delete_collection(
    entity: EntityPath, project: ProjectPath, name: str, services: ServicesDep, user: CurrentUser
) -> Response:
    services.artifacts.delete_collection(entity, project, name, user)
    return Response(status_code=204)


@router.post(COLLECTION + "/versions", response_model=ArtifactVersionOut, dependencies=[WRITES_PROJECT])
def create_version(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    body: ArtifactCreate,
    services: ServicesDep,
    user: CurrentUser,
) -> Response:
    return json_response(services.artifacts.create_version(entity, project, name, body, user))


@router.get(COLLECTION + "/versions", response_model=ArtifactVersionList, dependencies=[READS_PROJECT])
def list_versions(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    services: ServicesDep,
    limit: int = 100,
    offset: int = 0,
) -> Response:
    return json_response(services.artifacts.versions(entity, project, name, limit, offset))


@router.get(VERSION, response_model=ArtifactVersionOut, dependencies=[READS_PROJECT])
def get_version(
    entity: EntityPath, project: ProjectPath, name: str, v: str, services: ServicesDep
) -> Response:
    return json_response(services.artifacts.version(entity, project, name, v))


@router.get(VERSION + "/manifest", response_model=ArtifactManifest, dependencies=[READS_PROJECT])
def get_manifest(
    entity: EntityPath, project: ProjectPath, name: str, v: str, services: ServicesDep
) -> Response:
    return json_response(services.artifacts.manifest(entity, project, name, v), wire_safe=True)


@router.patch(VERSION, response_model=ArtifactVersionOut, dependencies=[WRITES_PROJECT])
def update_version(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    body: ArtifactVersionUpdate,
    services: ServicesDep,
    user: CurrentUser,
) -> Response:
    return json_response(services.artifacts.update_version(entity, project, name, v, body, user))


@router.delete(VERSION, status_code=204, dependencies=[DELETES_IN_PROJECT])
def delete_version(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    services: ServicesDep,
    user: CurrentUser,
    delete_aliases: bool = False,
) -> Response:
    services.artifacts.delete_version(entity, project, name, v, user, delete_aliases=delete_aliases)
    return Response(status_code=204)


@router.get(VERSION + "/files/{path:path}", response_class=StreamingResponse, dependencies=[READS_PROJECT])
def download_file(
    entity: EntityPath,
    project: ProjectPath,
    name: str,
    v: str,
    path: str,
    services: ServicesDep,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    entry = services.artifacts.file_entry(entity, project, name, v, path)
    media_type = entry.mimetype or mimetypes.guess_type(entry.path)[0] or "application/octet-stream"
    return ranged_download(
        range, entry.size, entry.digest, media_type, lambda wanted: services.artifacts.stream(entry, wanted)
    )
