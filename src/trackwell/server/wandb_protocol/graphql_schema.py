"""The executable GraphQL schema (ariadne, schema first: ``schema.graphql``) and its resolvers.

Resolvers are thin like routes: read the arguments, call :mod:`trackwell.service.wandb_wire`, shape
the answer (``shapes.py``). The caller (a :class:`~trackwell.store.base.Principal`) and the services
arrive in the context built by ``routes.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ariadne import MutationType, ObjectType, QueryType, ScalarType, make_executable_schema
from graphql import GraphQLResolveInfo, GraphQLSchema

from trackwell.schema.errors import NotFound
from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.context import wire
from trackwell.server.wandb_protocol.resolvers_artifacts import artifact_bindables
from trackwell.server.wandb_protocol.resolvers_reads import project_reads, run_type
from trackwell.server.wandb_protocol.resolvers_sweeps import sweep_bindables
from trackwell.service.wandb_wire import ids

Info = GraphQLResolveInfo[Any]
# schema.graphql first, then each part's own file (e.g. artifacts.graphql, sweeps.graphql), which
# adds its operations with `extend type Query` / `extend type Mutation`.
_SDL = [
    path.read_text(encoding="utf-8")
    for path in sorted(
        Path(__file__).parent.glob("*.graphql"), key=lambda p: (p.name != "schema.graphql", p.name)
    )
]


query = QueryType()
mutation = MutationType()
project_type = ObjectType("Project")


@query.field("viewer")
def resolve_viewer(_: Any, info: Info) -> dict[str, Any]:
    return shapes.viewer(wire(info).principal)


@query.field("serverInfo")
def resolve_server_info(*_: Any) -> dict[str, Any]:
    # No optional features advertised: the client then uses the plain forms captured in the reference.
    return {"features": [], "latestLocalVersionInfo": None}


@query.field("entity")
def resolve_entity(_: Any, info: Info, name: str) -> dict[str, Any]:
    return shapes.entity(name)


@query.field("model")
@query.field("project")
def resolve_project(_: Any, info: Info, name: str | None = None, **args: Any) -> dict[str, Any]:
    entity, project = wire(info).wandb.runs.project_path(wire(info).principal, args.get("entityName"), name)
    return shapes.project(entity, project)


@project_type.field("bucket")
@project_type.field("run")
def resolve_bucket(obj: dict[str, Any], info: Info, name: str, **args: Any) -> Any:
    ctx = wire(info)
    entity, project = obj["_key"]
    key = ctx.wandb.runs.run_key(ctx.principal, entity, project, name)
    bucket = ctx.wandb.runs.resume_status(ctx.principal, key)
    if bucket is None:
        if args.get("missingOk", True):
            return None
        raise NotFound(f"run {entity}/{project}/{name} not found")
    return shapes.run(key, bucket.run, bucket)


@mutation.field("upsertBucket")
def resolve_upsert_bucket(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    if input.get("id"):
        key = ids.run_key(input["id"])  # the public API names a run by its storage id
    else:
        key = ctx.wandb.runs.run_key(
            ctx.principal, input.get("entityName"), input.get("modelName"), input["name"]
        )
    fields = {
        k: input.get(k) for k in ("groupName", "displayName", "notes", "config", "host", "jobType", "tags")
    }
    fields.update(
        program=input.get("jobProgram"), sweep=input.get("sweep"), summaryMetrics=input.get("summaryMetrics")
    )
    if input.get("description") is not None and fields["notes"] is None:
        fields["notes"] = input["description"]
    bucket = ctx.wandb.runs.upsert_bucket(ctx.principal, key, fields)
    return {
        "bucket": shapes.run(key, bucket.run, bucket),
        "inserted": bucket.inserted,
        "updateAvailable": False,
    }


@mutation.field("createRunFiles")
def resolve_create_run_files(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    key = ctx.wandb.runs.run_key(ctx.principal, input["entityName"], input["projectName"], input["runName"])
    tokens = ctx.wandb.upload_tokens(ctx.principal, key, list(input["files"]))
    return {
        "runID": ids.run_id(key),
        "uploadHeaders": [],
        "files": [
            {"name": name, "uploadUrl": f"{ctx.base_url}/wandb/files/{token}"} for name, token in tokens
        ],
    }


@mutation.field("notifyScriptableRunAlert")
def resolve_alert(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    ctx = wire(info)
    key = ctx.wandb.runs.run_key(ctx.principal, input["entityName"], input["projectName"], input["runName"])
    ctx.wandb.alert(ctx.principal, key, input)
    return {"success": True}


def _passthrough(name: str) -> ScalarType:
    scalar = ScalarType(name)
    scalar.set_serializer(lambda value: value)
    scalar.set_value_parser(lambda value: value)
    return scalar


def build_schema() -> GraphQLSchema:
    scalars = [_passthrough(name) for name in ("JSONString", "JSON", "DateTime", "Int64", "Duration")]
    return make_executable_schema(
        _SDL,
        query,
        mutation,
        project_type,
        project_reads,
        run_type,
        *sweep_bindables,
        *artifact_bindables,
        *scalars,
    )
