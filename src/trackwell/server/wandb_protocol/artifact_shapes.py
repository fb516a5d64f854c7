"""Artifacts in the shapes the wandb client reads (plain dicts; GraphQL picks the fields each
document asks for), ``__typename`` included: the client's pydantic models check it. ``_out`` /
``_key`` carry what the resolvers of the fields that read more need."""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLResolveInfo

from trackwell.schema.artifacts import ArtifactCollectionOut, ArtifactVersionOut, RunRef
from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.context import wire
from trackwell.service.wandb_wire import ids
from trackwell.store.base import RunKey

Info = GraphQLResolveInfo[Any]
TTL_INHERITED = -2  # wandb's "no TTL of its own"


def collection(entity: str, project: str, name: str, kind: str = "sequence") -> dict[str, Any]:
    typename = "ArtifactPortfolio" if kind == "portfolio" else "ArtifactSequence"
    return {
        "__typename": typename,
        "id": ids.encode("ArtifactCollection", f"{entity}/{project}/{name}"),
        "name": name,
        "project": shapes.project(entity, project),
        "digestAlgorithm": "MANIFEST_MD5",
        "_key": (entity, project, name),
    }


def collection_of(out: ArtifactCollectionOut) -> dict[str, Any]:
    return {
        **collection(out.entity, out.project, out.name, out.kind),
        "description": out.description,
        "createdAt": shapes.iso(out.created_at),
        "updatedAt": shapes.iso(out.updated_at),
        "defaultArtifactType": {"__typename": "ArtifactType", "name": out.type},
        "tags": {"edges": []},
    }


def page_info(start: int, shown: int, total: int) -> dict[str, Any]:
    """Cursors are positions: ``after`` the last one shown is the next page."""
    end = start + shown
    return {
        "__typename": "PageInfo",
        "endCursor": str(end - 1) if shown else None,
        "hasNextPage": end < total,
    }


def page_start(after: str | None) -> int:
    return int(after) + 1 if after and after.isdigit() else 0


def aliases(out: ArtifactVersionOut) -> list[dict[str, Any]]:
    owner = collection(out.entity, out.project, out.name)
    return [
        {
            "__typename": "ArtifactAlias",
            "id": ids.encode("ArtifactAlias", f"{out.id}/{a.alias}"),
            "alias": a.alias,
            "artifactCollection": owner,
        }
        for a in out.aliases
    ]


def artifact(out: ArtifactVersionOut) -> dict[str, Any]:
    return {
        "__typename": "Artifact",
        "id": ids.encode("Artifact", out.id),
        "artifactSequence": collection(out.entity, out.project, out.name),
        "versionIndex": out.version_index,
        "artifactType": {"name": out.type},
        "description": out.description,
        "metadata": json.dumps(out.metadata),
        "ttlDurationSeconds": out.ttl_seconds if out.ttl_seconds is not None else TTL_INHERITED,
        "ttlIsInherited": out.ttl_seconds is None,
        "tags": [{"__typename": "Tag", "id": ids.encode("Tag", t), "name": t} for t in out.tags],
        "historyStep": None,
        "state": out.state,
        "size": out.size,
        "digestAlgorithm": "MANIFEST_MD5",
        "fileCount": out.file_count,
        "createdAt": shapes.iso(out.created_at),
        "updatedAt": shapes.iso(out.updated_at),
        "aliases": aliases(out),
        "_out": out,
    }


def membership(out: ArtifactVersionOut) -> dict[str, Any]:
    return {
        "__typename": "ArtifactCollectionMembership",
        "id": ids.encode("ArtifactCollectionMembership", out.id),
        "versionIndex": out.version_index,
        "createdAt": shapes.iso(out.created_at),
        "aliases": aliases(out),
        "artifactCollection": collection(out.entity, out.project, out.name),
        "artifact": artifact(out),
        "_out": out,
    }


def url(info: Info, kind: str, token: str) -> str:
    return f"{wire(info).base_url}/wandb/{kind}/{token}"


def run_info(ref: RunRef) -> dict[str, Any]:
    """A run as lineage answers name it (the fields beyond these come from resolvers_reads)."""
    key = RunKey(entity=ref.entity, project=ref.project, run_id=ref.run_id)
    return {
        "__typename": "Run",
        "id": ids.run_id(key),
        "name": ref.run_id,
        "displayName": ref.name,
        "jobType": ref.job_type,
        "state": ref.state,
        "project": shapes.project(ref.entity, ref.project),
        "_key": key,
    }
