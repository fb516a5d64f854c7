"""Finding a collection and a version by what a caller wrote, with errors that say what exists.

``{v}`` in a route is ``vN``, an alias (``latest``, ``production``) or a version's opaque id. A miss
answers ``NotFound`` naming the versions and aliases the collection does have (or the collections the
project has), so a typo is fixed from the message alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackwell.schema.artifact_rules import check_artifact_name, version_index
from trackwell.schema.errors import NotFound
from trackwell.store.base import ArtifactStore, StoredCollection, StoredVersion

if TYPE_CHECKING:
    from sqlalchemy import Connection

_SHOWN = 20


def _listed(names: list[str], total: int | None = None) -> str:
    total = len(names) if total is None else total
    if not names:
        return "none"
    more = f" and {total - len(names)} more" if total > len(names) else ""
    return ", ".join(names) + more


def require_collection(
    store: ArtifactStore, conn: Connection, entity: str, project: str, name: str
) -> StoredCollection:
    check_artifact_name(name)
    found = store.get_collection(conn, entity, project, name)
    if found is None:
        names = store.collection_names(conn, entity, project, _SHOWN + 1)
        raise NotFound(
            f"artifact {entity}/{project}/{name} does not exist; artifacts in {entity}/{project}: "
            f"{_listed(names[:_SHOWN], len(names))}",
            field="name",
            hint="check the name (artifact names are case-sensitive) and the project",
        )
    return found


def find_version(
    store: ArtifactStore, conn: Connection, coll: StoredCollection, ref: str
) -> StoredVersion | None:
    index = version_index(ref)
    if index is not None:
        return store.version_by_index(conn, coll.pk, index)
    found = store.version_by_alias(conn, coll.pk, ref)
    if found is None:
        found = store.version_by_id(conn, ref)
        if found is not None and found.collection_pk != coll.pk:
            return None
    return found


def require_version(
    store: ArtifactStore, conn: Connection, coll: StoredCollection, ref: str, field: str = "version"
) -> StoredVersion:
    found = find_version(store, conn, coll, ref)
    if found is None:
        newest, total = store.list_versions(conn, coll.pk, _SHOWN, 0)
        versions = _listed([f"v{v.version_index}" for v in newest], total)
        aliases = _listed(sorted(coll.aliases))
        raise NotFound(
            f"artifact {coll.entity}/{coll.project}/{coll.name} has no version {ref!r}; "
            f"versions: {versions}; aliases: {aliases}",
            field=field,
            hint="name a version as 'v3', an alias such as 'latest', or a version id",
        )
    return found


def content_of(store: ArtifactStore, conn: Connection, version: StoredVersion) -> StoredVersion:
    """The version holding ``version``'s files: its source when it is a registry link."""
    if version.source_pk is None:
        return version
    source = store.get_versions(conn, [version.source_pk]).get(version.source_pk)
    return version if source is None else source


def require_by_id(store: ArtifactStore, conn: Connection, version_id: str) -> StoredVersion:
    found = store.version_by_id(conn, version_id)
    if found is None:
        raise NotFound(
            f"no artifact version has id {version_id!r}",
            field="id",
            hint="ids come from the 'id' of a version's answer; look the version up by name instead",
        )
    return found
