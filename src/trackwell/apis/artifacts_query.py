"""The artifact calls of ``Api()`` (wandb's names): one artifact, its existence, and the bridge
from a server answer to the SDK's :class:`~trackwell.artifacts.artifact.Artifact`.

Why apart from the paginators (``apis/artifacts.py``): these resolve names (the Api's default
entity and project, wandb's ``uncategorized``) and turn "not found" into the exception wandb users
catch. wandb's ``Api.artifact()`` runs under ``normalize_exceptions``, so an unknown artifact
reaches the caller as ``wandb.errors.CommError`` (wrapping ``ValueError("artifact membership
... not found")``, and a raw ValueError under ``WANDB_DEBUG``): :class:`ArtifactLookupError` is both,
so ``except CommError`` and ``except ValueError`` both work. ``artifact_exists`` answers False for
it and lets a server that cannot be reached raise (wandb re-raises its timeouts too).

Imports: ``trackwell.schema``, the SDK's HTTP client and errors; the Artifact class lazily.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trackwell.apis.artifacts_http import ArtifactRoutes
from trackwell.schema.artifact_rules import LATEST, parse_artifact_path
from trackwell.schema.artifacts import ArtifactVersionOut
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.records import ArtifactUseRecord, RecordBatch
from trackwell.sdk.api_client import ApiClient
from trackwell.sdk.errors import CommError

if TYPE_CHECKING:
    from trackwell.apis.api import Api
    from trackwell.artifacts.artifact import Artifact

# wandb's project when neither the path nor the Api's settings name one.
DEFAULT_PROJECT = "uncategorized"


class ArtifactLookupError(CommError, ValueError):
    """An artifact, collection or type that is not there (or not of the type asked for).

    ``exc`` is the server's ``NotFound`` when it answered one; the message names what exists.
    """


@dataclass(frozen=True)
class ArtifactPath:
    entity: str
    project: str
    name: str
    alias: str = LATEST
    defaulted_project: bool = False  # no project in the name nor the settings: "uncategorized"

    @property
    def collection_path(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}"

    def __str__(self) -> str:
        return f"{self.collection_path}:{self.alias}"


def resolve_path(api: Api, text: str, *, default_alias: str = LATEST) -> ArtifactPath:
    """``[entity/][project/]name[:alias]`` with the Api's entity and project (else wandb's
    ``uncategorized``) filled in."""
    if not isinstance(text, str) or not text:
        raise InvalidArgument(
            "You must specify name= to fetch an artifact.",
            field="name",
            hint="e.g. 'my-project/dataset:latest'",
        )
    entity, project, name, alias = parse_artifact_path(text)
    if ":" not in text:
        alias = default_alias
    fallback = not project and not api.settings.project
    return ArtifactPath(
        entity=entity or api.default_entity,
        project=project or api.settings.project or DEFAULT_PROJECT,
        name=name,
        alias=alias,
        defaulted_project=fallback,
    )


def routes_for(client: ApiClient) -> ArtifactRoutes:
    return ArtifactRoutes(client)


def artifact_from(client: ApiClient, out: ArtifactVersionOut) -> Artifact:
    """The SDK's ``Artifact`` for a stored version: what ``download()``, ``save()``,
    ``logged_by()`` and ``used_by()`` work on."""
    from trackwell.artifacts.artifact import Artifact

    # The transport, as the SDK's use_artifact passes it (artifacts/run_ops.py).
    return Artifact._from_server(out.model_dump(mode="json"), client=client)


def fetch_version(client: ApiClient, path: ArtifactPath, type_name: str | None = None) -> ArtifactVersionOut:
    """The version ``path`` names, or :class:`ArtifactLookupError` saying what exists."""
    try:
        out = routes_for(client).version(path.entity, path.project, path.name, path.alias)
    except NotFound as exc:
        where = f"{path.entity}/{path.project}"
        text = f"artifact membership '{path.name}:{path.alias}' not found in '{where}': {exc}"
        if path.defaulted_project:
            text += (
                f"; the name has no project and none is set, so '{DEFAULT_PROJECT}' was searched:"
                " write 'project/name:alias' or set WANDB_PROJECT"
            )
        raise ArtifactLookupError(text, exc) from None
    if type_name is not None and out.type != type_name:
        raise ArtifactLookupError(f"type {type_name} specified but this artifact is of type {out.type}")
    return out


def get_artifact(api: Api, name: str, type: str | None = None) -> Artifact:
    """``Api().artifact("entity/project/name:alias", type=None)``."""
    path = resolve_path(api, name)
    return artifact_from(api.client, fetch_version(api.client, path, type))


def artifact_exists(api: Api, name: str, type: str | None = None) -> bool:
    try:
        fetch_version(api.client, resolve_path(api, name), type)
    except (ArtifactLookupError, InvalidArgument):
        return False
    return True


def mark_used(client: ApiClient, run_key: tuple[str, str, str], artifact: Any, use_as: str | None) -> Any:
    """wandb's public ``Run.use_artifact(artifact, use_as=None)``: record that the run used a
    stored version (a lineage edge). Sent as the ``artifact_use`` record a training run writes, in
    a writer session of its own, so the server applies it through its one lineage path."""
    version_id = getattr(artifact, "id", None)  # a draft Artifact raises (an AttributeError): None
    if not isinstance(version_id, str) or not version_id:
        raise ArtifactLookupError(
            "Only existing artifacts are accepted by this api: pass one from Api().artifact(...)"
            " (a new one is saved with run.log_artifact() or `trackwell artifact put`)"
        )
    record = ArtifactUseRecord(
        seq=0, artifact_id=version_id, used_as=use_as or getattr(artifact, "name", None)
    )
    batch = RecordBatch(session_id=f"api-use-{uuid.uuid4().hex}", records=[record])
    client.post_records(*run_key, batch.model_dump_json().encode())
    return artifact


def describe_collections(client: ApiClient, entity: str, project: str) -> str:
    """ "types: dataset (raw-data, ...), model (...)": what a project holds, for error messages."""
    try:
        listed = routes_for(client).collections(entity, project, limit=20).collections
    except NotFound:
        listed = []
    if not listed:
        return f"project '{entity}/{project}' has no artifacts"
    names = ", ".join(f"{c.name} ({c.type})" for c in listed)
    return f"artifacts in '{entity}/{project}': {names}"
