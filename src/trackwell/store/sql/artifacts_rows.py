"""Reading artifact rows into the store's dataclasses, many at a time.

A version is read with its collection, project and entity names (one join) and its aliases (one
more query for the whole page), so a list of 100 versions costs two queries, never one per version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.base.artifacts import CollectionKind, StoredCollection, StoredVersion
from trackwell.store.sql.artifacts_tables import artifact_aliases, artifact_collections, artifact_versions
from trackwell.store.sql.tables import entities, projects

IN_BATCH = 500  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits

_v = artifact_versions.c
_c = artifact_collections.c


def batches(values: Iterable[Any], size: int = IN_BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def version_select() -> sa.Select[Any]:
    """Versions with the names that qualify them; add ``where``/``order_by``/``limit``."""
    return sa.select(
        artifact_versions,
        _c.name.label("c_name"),
        _c.type.label("c_type"),
        _c.kind.label("c_kind"),
        projects.c.name.label("p_name"),
        entities.c.name.label("e_name"),
    ).select_from(
        artifact_versions.join(artifact_collections, _c.id == _v.collection_id)
        .join(projects, projects.c.id == _c.project_id)
        .join(entities, entities.c.id == projects.c.entity_id)
    )


def collection_select() -> sa.Select[Any]:
    return sa.select(
        artifact_collections, projects.c.name.label("p_name"), entities.c.name.label("e_name")
    ).select_from(
        artifact_collections.join(projects, projects.c.id == _c.project_id).join(
            entities, entities.c.id == projects.c.entity_id
        )
    )


def aliases_of(conn: Connection, version_pks: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    a = artifact_aliases.c
    for chunk in batches(set(version_pks)):
        stmt = sa.select(a.version_id, a.alias).where(a.version_id.in_(chunk)).order_by(a.alias)
        for version_id, alias in conn.execute(stmt):
            found.setdefault(int(version_id), []).append(str(alias))
    return found


def read_versions(conn: Connection, stmt: sa.Select[Any]) -> list[StoredVersion]:
    rows = list(conn.execute(stmt))
    aliases = aliases_of(conn, (int(r._mapping["id"]) for r in rows))
    return [_version(r._mapping, aliases.get(int(r._mapping["id"]), [])) for r in rows]


def read_version(conn: Connection, stmt: sa.Select[Any]) -> StoredVersion | None:
    found = read_versions(conn, stmt.limit(1))
    return found[0] if found else None


def _version(m: Any, aliases: list[str]) -> StoredVersion:
    kind: CollectionKind = "portfolio" if m["c_kind"] == "portfolio" else "sequence"
    return StoredVersion(
        pk=int(m["id"]),
        id=str(m["public_id"]),
        collection_pk=int(m["collection_id"]),
        entity=str(m["e_name"]),
        project=str(m["p_name"]),
        name=str(m["c_name"]),
        type=str(m["c_type"]),
        kind=kind,
        version_index=int(m["version_index"]),
        digest=str(m["digest"]),
        size=int(m["size"]),
        file_count=int(m["file_count"]),
        description=m["description"],
        metadata=dict(m["metadata"] or {}),
        tags=list(m["tags"] or []),
        ttl_seconds=None if m["ttl_seconds"] is None else int(m["ttl_seconds"]),
        state=str(m["state"]),
        created_at=float(m["created_at"]),
        updated_at=float(m["updated_at"]),
        client_id=m["client_id"],
        source_pk=None if m["source_id"] is None else int(m["source_id"]),
        aliases=tuple(aliases),
    )


def read_collections(conn: Connection, stmt: sa.Select[Any]) -> list[StoredCollection]:
    """Collections with their version counts and aliases (two more queries for the whole page)."""
    rows = list(conn.execute(stmt))
    pks = [int(r._mapping["id"]) for r in rows]
    counts: dict[int, int] = {}
    aliases: dict[int, dict[str, int]] = {}
    a = artifact_aliases.c
    for chunk in batches(pks):
        count_stmt = (
            sa.select(_v.collection_id, sa.func.count())
            .where(_v.collection_id.in_(chunk))
            .group_by(_v.collection_id)
        )
        counts.update({int(pk): int(n) for pk, n in conn.execute(count_stmt)})
        alias_stmt = (
            sa.select(a.collection_id, a.alias, _v.version_index)
            .select_from(artifact_aliases.join(artifact_versions, _v.id == a.version_id))
            .where(a.collection_id.in_(chunk))
            .order_by(a.alias)
        )
        for collection_id, alias, index in conn.execute(alias_stmt):
            aliases.setdefault(int(collection_id), {})[str(alias)] = int(index)
    return [
        _collection(r._mapping, counts.get(pk, 0), aliases.get(pk, {}))
        for r, pk in zip(rows, pks, strict=True)
    ]


def _collection(m: Any, count: int, aliases: dict[str, int]) -> StoredCollection:
    kind: CollectionKind = "portfolio" if m["kind"] == "portfolio" else "sequence"
    return StoredCollection(
        pk=int(m["id"]),
        entity=str(m["e_name"]),
        project=str(m["p_name"]),
        name=str(m["name"]),
        type=str(m["type"]),
        kind=kind,
        description=m["description"],
        created_at=float(m["created_at"]),
        updated_at=float(m["updated_at"]),
        version_count=count,
        aliases=aliases,
    )
