"""Resolvers of the public API's artifact listings (``artifacts.graphql``): ``api.artifact_types()``,
``api.artifact_collections()``, ``api.artifacts(type, name)`` / ``artifact_versions``. Pages are
positions (``after`` = the last position shown), like the run files'."""

from __future__ import annotations

from typing import Any

from ariadne import ObjectType
from graphql import GraphQLResolveInfo

from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.artifact_shapes import artifact, collection_of, page_info, page_start
from trackwell.server.wandb_protocol.context import wire
from trackwell.service.wandb_wire import ids

Info = GraphQLResolveInfo[Any]
DEFAULT_PAGE = 50

list_project = ObjectType("Project")
list_type = ObjectType("ArtifactType")
list_sequence = ObjectType("ArtifactSequence")
list_portfolio = ObjectType("ArtifactPortfolio")


@list_project.field("artifactTypes")
def resolve_types(obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None) -> Any:
    entity, project = obj["_key"]
    types = wire(info).wandb.artifacts.read.types(wire(info).principal, entity, project)
    start = page_start(after)
    page = types[start : start + (first or DEFAULT_PAGE)]
    nodes = [
        {
            "__typename": "ArtifactType",
            "id": ids.encode("ArtifactType", name),
            "name": name,
            "createdAt": shapes.iso(created_at),
            "_key": (entity, project),
        }
        for name, created_at in page
    ]
    return {
        "edges": [{"node": n, "cursor": str(start + i)} for i, n in enumerate(nodes)],
        "pageInfo": page_info(start, len(page), len(types)),
    }


def _collections(
    entity: str, project: str, type_: str | None, info: Info, after: str | None, first: int | None
) -> Any:
    start = page_start(after)
    found = wire(info).wandb.artifacts.read.collections(
        wire(info).principal, entity, project, type_, first or DEFAULT_PAGE, start
    )
    return {
        "totalCount": found.total,
        "edges": [
            {"node": collection_of(c), "cursor": str(start + i)} for i, c in enumerate(found.collections)
        ],
        "pageInfo": page_info(start, len(found.collections), found.total),
    }


@list_project.field("artifactCollections")
def resolve_project_collections(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None, **_: Any
) -> Any:
    entity, project = obj["_key"]
    return _collections(entity, project, None, info, after, first)


@list_type.field("artifactCollections")
def resolve_type_collections(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None, **_: Any
) -> Any:
    if "_key" not in obj:
        return None
    entity, project = obj["_key"]
    return _collections(entity, project, obj["name"], info, after, first)


@list_sequence.field("artifacts")
@list_portfolio.field("artifacts")
def resolve_versions(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None, **_: Any
) -> Any:
    read = wire(info).wandb.artifacts.read
    entity, project, name = obj["_key"]
    collection = read.collection(wire(info).principal, entity, project, name)
    if collection is None:
        return None
    start = page_start(after)
    found = read.versions(collection, first or DEFAULT_PAGE, start)
    edges = [
        {"version": v.version, "node": artifact(v), "cursor": str(start + i)}
        for i, v in enumerate(found.versions)
    ]
    return {
        "totalCount": found.total,
        "edges": edges,
        "pageInfo": page_info(start, len(found.versions), found.total),
    }


list_bindables = [list_project, list_type, list_sequence, list_portfolio]
