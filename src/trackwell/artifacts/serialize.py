"""An Artifact to and from the wire: the run-log record it is saved from, and the server's
``ArtifactVersionOut`` it is rebuilt from (plain dicts: no pydantic on the SDK's path).

``to_record`` is what ``run.log_artifact`` writes to the run log (schema/records.py
``ArtifactRecord`` without ``seq``/``kind``): the ``ArtifactCreate`` body, and the local file to
upload each stored entry from (staged copies of mutable files the server lacks; see ``staging``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from trackwell.artifacts import staging
from trackwell.artifacts.validation import normalize_metadata, string_list
from trackwell.schema.artifact_rules import check_alias, is_version_alias

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact


def to_record(
    artifact: Artifact,
    client_id: str,
    *,
    run_id: str | None,
    aliases: list[str],
    tags: list[str],
    missing: set[str] | None,
) -> dict[str, Any]:
    manifest = artifact.manifest
    create: dict[str, Any] = {
        "client_id": client_id,
        "type": artifact.type,
        "digest": manifest.digest(),
        "manifest": manifest.to_manifest_json(),
        "description": artifact.description,
        "metadata": normalize_metadata(artifact.metadata),  # again: the dict may have been edited in place
        "aliases": string_list(aliases, "aliases", check_alias),
        "tags": string_list(tags, "tags"),
        "ttl_seconds": artifact._ttl_seconds,
        "run_id": run_id,
    }
    if artifact.incremental:
        create["base_version"] = "latest"  # the server merges this manifest into the latest version
    local_paths = staging.stage(manifest.entries.values(), missing)
    return {
        "client_id": client_id,
        "name": artifact._collection,
        "create": create,
        "local_paths": local_paths,
        # Entries whose files should not be kept in the cache after upload (add_file(skip_cache=True)).
        "skip_cache": sorted(e.path for e in manifest.entries.values() if e.skip_cache and e.ref is None),
    }


def iso_time(value: Any) -> str | None:
    """wandb reports times as ISO 8601 text; the server sends epoch seconds."""
    if value is None or isinstance(value, str):
        return value
    moment = datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def apply_version(artifact: Artifact, version: dict[str, Any]) -> None:
    """Fill ``artifact`` from an ``ArtifactVersionOut`` dict."""
    artifact._id = str(version["id"])
    artifact._entity = version.get("entity")
    artifact._project = version.get("project")
    artifact._collection = str(version["name"])
    artifact._type = str(version.get("type", artifact._type))
    artifact._version = str(version["version"])
    artifact._digest = version.get("digest")
    artifact._size = version.get("size")
    artifact._file_count = version.get("file_count")
    artifact._description = version.get("description")
    artifact._metadata = dict(version.get("metadata") or {})
    artifact._tags = list(version.get("tags") or [])
    artifact._saved_tags = list(artifact._tags)
    names = [a["alias"] if isinstance(a, dict) else str(a) for a in version.get("aliases") or []]
    artifact._aliases = [a for a in names if not is_version_alias(a)]
    artifact._saved_aliases = list(artifact._aliases)
    artifact._ttl_seconds = version.get("ttl_seconds")
    artifact._state = str(version.get("state") or "COMMITTED")
    artifact._created_at = iso_time(version.get("created_at"))
    artifact._updated_at = iso_time(version.get("updated_at"))
    artifact._logged_by = version.get("logged_by")
    source = version.get("source")
    if source:  # a linked (portfolio) version: the source is where its files were logged
        body, _, source_version = str(source).rpartition(":")
        parts = body.split("/")
        artifact._source = (parts[0], parts[1], parts[-1], source_version) if len(parts) == 3 else None
    else:
        artifact._source = None
    artifact._final = True
