"""Resolvers of the artifact operations (``artifacts.graphql``): thin over
:class:`~trackwell.service.wandb_wire.artifacts.WandbArtifacts`; the shapes follow the appendix's
captured answers (``__typename`` included, which the client's pydantic models check)."""

from __future__ import annotations

from typing import Any

from ariadne import InterfaceType, MutationType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from trackwell.schema.artifacts import ArtifactVersionOut
from trackwell.schema.errors import InvalidArgument
from trackwell.server.wandb_protocol import shapes
from trackwell.server.wandb_protocol.artifact_shapes import (
    artifact,
    collection_of,
    membership,
    page_info,
    page_start,
    url,
)
from trackwell.server.wandb_protocol.context import wire
from trackwell.server.wandb_protocol.resolvers_artifact_lists import list_bindables
from trackwell.server.wandb_protocol.resolvers_artifact_uses import use_bindables
from trackwell.service.wandb_wire import ids

Info = GraphQLResolveInfo[Any]
DEFAULT_FILES_PAGE = 5000
TTL_INHERITED = -2  # wandb's "no TTL of its own"

artifact_query = QueryType()
artifact_mutations = MutationType()
artifact_project = ObjectType("Project")
artifact_type = ObjectType("Artifact")
collection_interface = InterfaceType("ArtifactCollection")
sequence_type = ObjectType("ArtifactSequence")
portfolio_type = ObjectType("ArtifactPortfolio")
membership_type = ObjectType("ArtifactCollectionMembership")


# -- fields that read more ----------------------------------------------------------------------------


def _digest(obj: dict[str, Any], info: Info) -> str:
    return wire(info).wandb.artifacts.read.digest(obj["_out"])


@artifact_type.field("digest")
def resolve_digest(obj: dict[str, Any], info: Info) -> str:
    return _digest(obj, info)


@artifact_type.field("commitHash")
def resolve_commit_hash(obj: dict[str, Any], info: Info) -> str:
    return _digest(obj, info)[:12]


@artifact_type.field("currentManifest")
def resolve_current_manifest(obj: dict[str, Any], info: Info) -> dict[str, Any]:
    out: ArtifactVersionOut = obj["_out"]
    token = wire(info).wandb.artifacts.read.manifest_token(out)
    manifest_id = ids.encode("ArtifactManifest", out.id)
    return {
        "id": manifest_id,
        "file": {"id": manifest_id, "directUrl": url(info, "artifact-download", token)},
    }


@collection_interface.type_resolver
def resolve_collection_type(obj: dict[str, Any], *_: Any) -> str:
    return str(obj["__typename"])


@sequence_type.field("artifactMembership")
@portfolio_type.field("artifactMembership")
def resolve_collectionmembership(obj: dict[str, Any], info: Info, aliasName: str) -> Any:  # noqa: N803
    read = wire(info).wandb.artifacts.read
    entity, project, name = obj["_key"]
    collection = read.collection(wire(info).principal, entity, project, name)
    version = None if collection is None else read.version_in(collection, aliasName)
    return None if version is None else membership(version)


@sequence_type.field("latestArtifact")
def resolve_latest(obj: dict[str, Any], info: Info) -> Any:
    if "_key" not in obj:  # CreateArtifact's answer says it itself
        return obj.get("latestArtifact")
    membership = resolve_collectionmembership(obj, info, "latest")
    return None if membership is None else membership["artifact"]


@membership_type.field("files")
def resolve_files(
    obj: dict[str, Any], info: Info, after: str | None = None, first: int | None = None, **args: Any
) -> Any:
    out: ArtifactVersionOut = obj["_out"]
    files = wire(info).wandb.artifacts.read.files(out, args.get("names"))
    start = page_start(after)
    page = files[start : start + (first or DEFAULT_FILES_PAGE)]
    edges = []
    for i, f in enumerate(page):
        direct = url(info, "artifact-download", f.token)
        node = {
            "__typename": "File",
            "id": ids.encode("File", f"{out.id}/{f.path}"),
            "name": f.path,
            "displayName": f.path,
            "url": direct,
            "directUrl": direct,
            "sizeBytes": f.size,
            "storagePath": f.path,
            "mimetype": f.mimetype,
            "updatedAt": shapes.iso(out.created_at),
            "digest": f.md5,
            "md5": f.md5,
        }
        edges.append({"cursor": str(start + i), "node": node})
    return {"totalCount": len(files), "edges": edges, "pageInfo": page_info(start, len(page), len(files))}


# -- reads --------------------------------------------------------------------------------------------


@artifact_query.field("artifact")
def resolve_artifact(_: Any, info: Info, id: str) -> dict[str, Any]:
    return artifact(wire(info).wandb.artifacts.read.by_id(wire(info).principal, id))


@artifact_query.field("clientIDMapping")
def resolve_client_id_mapping(*_: Any, **__: Any) -> dict[str, Any]:
    # Only for `wandb-client-artifact://` references between artifacts of one run: not kept here.
    return {"serverID": None}


def _by_name(obj: dict[str, Any], info: Info, name: str) -> ArtifactVersionOut | None:
    entity, project = obj["_key"]
    return wire(info).wandb.artifacts.read.by_name(wire(info).principal, entity, project, name)


@artifact_project.field("artifact")
def resolve_project_artifact(obj: dict[str, Any], info: Info, name: str) -> Any:
    out = _by_name(obj, info, name)
    return None if out is None else artifact(out)


@artifact_project.field("artifactCollectionMembership")
def resolve_membership(obj: dict[str, Any], info: Info, name: str) -> Any:
    out = _by_name(obj, info, name)
    return None if out is None else membership(out)


@artifact_project.field("artifactCollection")
def resolve_project_collection(obj: dict[str, Any], info: Info, name: str) -> Any:
    entity, project = obj["_key"]
    out = wire(info).wandb.artifacts.read.collection(wire(info).principal, entity, project, name)
    return None if out is None else collection_of(out)


@artifact_project.field("artifactType")
def resolve_artifact_type(obj: dict[str, Any], info: Info, name: str) -> dict[str, Any] | None:
    entity, project = obj["_key"]
    types = dict(wire(info).wandb.artifacts.read.types(wire(info).principal, entity, project))
    if name not in types:
        return None
    return {
        "id": ids.encode("ArtifactType", name),
        "name": name,
        "createdAt": shapes.iso(types[name]),
        "_key": obj["_key"],
    }


artifact_type_type = ObjectType("ArtifactType")


@artifact_type_type.field("artifactCollection")
def resolve_type_collection(obj: dict[str, Any], info: Info, name: str) -> Any:
    if "_key" not in obj:  # an artifact's type: not asked for its collections by the client
        return None
    entity, project = obj["_key"]
    out = wire(info).wandb.artifacts.read.collection(wire(info).principal, entity, project, name)
    return collection_of(out) if out is not None and out.type == obj["name"] else None


# -- saving -------------------------------------------------------------------------------------------


@artifact_mutations.field("createArtifact")
def resolve_create_artifact(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    created = wire(info).wandb.artifacts.save.create(wire(info).principal, input)
    return {
        "artifact": {
            "id": created.artifact_id,
            "state": created.state,
            # No base for an incremental manifest: every save sends its full manifest (type FULL).
            "artifactSequence": {"latestArtifact": None},
        }
    }


def _manifest(info: Info, manifest_id: str, token: str | None) -> dict[str, Any]:
    upload_url = None if token is None else url(info, "artifact-files", token)
    return {
        "artifactManifest": {
            "id": manifest_id,
            "file": {"id": manifest_id, "uploadUrl": upload_url, "uploadHeaders": []},
        }
    }


@artifact_mutations.field("createArtifactManifest")
def resolve_create_manifest(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    manifest_id, token = wire(info).wandb.artifacts.save.manifest_upload(
        wire(info).principal, input["artifactID"], input.get("digest") or "", input.get("type") or "FULL"
    )
    return _manifest(info, manifest_id, token)


@artifact_mutations.field("updateArtifactManifest")
def resolve_update_manifest(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    manifest_id, token = wire(info).wandb.artifacts.save.update_manifest_upload(
        wire(info).principal, input["artifactManifestID"], input.get("digest") or ""
    )
    return _manifest(info, manifest_id, token)


@artifact_mutations.field("createArtifactFiles")
def resolve_create_files(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    files = list(input["artifactFiles"])
    if any(f.get("uploadPartsInput") for f in files):
        raise InvalidArgument(
            "multipart uploads (files of 2 GiB and more) are not supported through the wandb protocol yet",
            field="uploadPartsInput",
            hint="split the file, or log it with the Trackwell SDK",
        )
    answers = wire(info).wandb.artifacts.save.file_uploads(wire(info).principal, files)
    edges: list[dict[str, Any]] = [
        {
            "node": {
                "storagePath": a.storage_path,
                "uploadUrl": None if a.upload_token is None else url(info, "artifact-files", a.upload_token),
                "uploadHeaders": [],
                "uploadMultipartUrls": None,
                "artifact": {"id": f["artifactID"]},
            }
        }
        for f, a in zip(files, answers, strict=True)
    ]
    return {"files": {"edges": edges}}


@artifact_mutations.field("commitArtifact")
def resolve_commit(_: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    return {
        "artifact": artifact(
            wire(info).wandb.artifacts.save.commit(wire(info).principal, input["artifactID"])
        )
    }


artifact_bindables = [
    *use_bindables,
    *list_bindables,
    artifact_query,
    artifact_mutations,
    artifact_project,
    artifact_type,
    collection_interface,
    sequence_type,
    portfolio_type,
    membership_type,
    artifact_type_type,
]
