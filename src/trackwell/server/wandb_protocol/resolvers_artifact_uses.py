"""Resolvers of what the client does with a saved artifact (``artifacts.graphql``): use it in a run,
edit it, link it, move aliases, and its lineage (``usedBy``, ``createdBy``, a run's input and output
artifacts). Thin over :class:`~trackwell.service.wandb_wire.artifacts_read.WandbArtifactReads`."""

from __future__ import annotations

from typing import Any, Literal

from ariadne import MutationType, ObjectType
from graphql import GraphQLResolveInfo

from trackwell.schema.artifacts import ArtifactVersionOut
from trackwell.server.wandb_protocol.artifact_shapes import (
    artifact,
    membership,
    page_info,
    page_start,
    run_info,
)
from trackwell.server.wandb_protocol.context import wire

Info = GraphQLResolveInfo[Any]
DEFAULT_PAGE = 50

use_mutations = MutationType()
lineage_artifact = ObjectType("Artifact")
lineage_run = ObjectType("Run")


# -- use and edits ------------------------------------------------------------------------------------


@use_mutations.field("useArtifact")
def resolve_use(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    key = ctx.wandb.runs.run_key(ctx.principal, input["entityName"], input["projectName"], input["runName"])
    out = ctx.wandb.artifacts.read.use(ctx.principal, key, input["artifactID"], input.get("usedAs"))
    return {"artifact": artifact(out)}


@use_mutations.field("updateArtifact")
def resolve_update(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    return {"artifact": artifact(wire(info).wandb.artifacts.read.update(wire(info).principal, input))}


@use_mutations.field("linkArtifact")
def resolve_link(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    out = wire(info).wandb.artifacts.read.link(wire(info).principal, input)
    return {"versionIndex": out.version_index, "artifactMembership": membership(out)}


@use_mutations.field("addAliases")
def resolve_add_aliases(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    names = [a["alias"] for a in input["aliases"]]
    wire(info).wandb.artifacts.read.edit_aliases(wire(info).principal, input["artifactID"], add=names)
    return {"success": True}


@use_mutations.field("deleteAliases")
def resolve_delete_aliases(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    names = [a["alias"] for a in input["aliases"]]
    wire(info).wandb.artifacts.read.edit_aliases(wire(info).principal, input["artifactID"], remove=names)
    return {"success": True}


@lineage_artifact.field("usedBy")
def resolve_used_by(obj: dict[str, Any], info: Info) -> dict[str, Any]:
    runs = wire(info).wandb.artifacts.read.used_by(obj["_out"])
    return {"edges": [{"node": run_info(ref)} for ref in runs]}


@lineage_artifact.field("createdBy")
def resolve_created_by(obj: dict[str, Any], info: Info) -> Any:
    out: ArtifactVersionOut = obj["_out"]
    return None if out.logged_by is None else run_info(out.logged_by)


def _run_artifacts(
    obj: dict[str, Any],
    info: Info,
    direction: Literal["logged", "used"],
    after: str | None,
    first: int | None,
) -> Any:
    start = page_start(after)
    found = wire(info).wandb.artifacts.read.run_artifacts(
        wire(info).principal, obj["_key"], direction, first or DEFAULT_PAGE, start
    )
    return {
        "totalCount": found.total,
        "edges": [{"node": artifact(v), "cursor": str(start + i)} for i, v in enumerate(found.versions)],
        "pageInfo": page_info(start, len(found.versions), found.total),
    }


@lineage_run.field("outputArtifacts")
def resolve_output_artifacts(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None
) -> Any:
    return _run_artifacts(obj, info, "logged", after, first)


@lineage_run.field("inputArtifacts")
def resolve_input_artifacts(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None
) -> Any:
    return _run_artifacts(obj, info, "used", after, first)


use_bindables = [use_mutations, lineage_artifact, lineage_run]
