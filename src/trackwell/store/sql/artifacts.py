"""``ArtifactStore`` on SQL: collections, versions and aliases (manifests and lineage are mixed in
from ``artifacts_manifest`` and ``artifacts_lineage``).

Creates of one collection take turns on its row (``ensure_collection`` locks it on PostgreSQL;
SQLite's write transactions are serialized already), so the next version number, the dedup check and
the ``latest`` move see each other. The unique constraints stay the last word: a write that loses
anyway raises ``ArtifactRace`` and the service retries the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from trackwell.store.base.artifacts import (
    ArtifactRace,
    CollectionKind,
    NewVersion,
    StoredCollection,
    StoredVersion,
    VersionChanges,
)
from trackwell.store.sql.artifacts_lineage import SqlLineageStore
from trackwell.store.sql.artifacts_manifest import SqlManifestStore
from trackwell.store.sql.artifacts_rows import (
    batches,
    collection_select,
    read_collections,
    read_version,
    read_versions,
    version_select,
)
from trackwell.store.sql.artifacts_tables import (
    artifact_aliases,
    artifact_client_ids,
    artifact_collections,
    artifact_versions,
)
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.project_ids import ensure_project
from trackwell.store.sql.tables import entities, projects

_c = artifact_collections.c
_v = artifact_versions.c
_a = artifact_aliases.c


class SqlArtifactStore(SqlManifestStore, SqlLineageStore):
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    # -- collections -------------------------------------------------------------------------------

    def _where_named(self, stmt: sa.Select[Any], entity: str, project: str) -> sa.Select[Any]:
        return stmt.where(entities.c.name == entity, projects.c.name == project)

    def ensure_collection(
        self,
        conn: Connection,
        entity: str,
        project: str,
        name: str,
        type_: str,
        kind: CollectionKind,
        now: float,
    ) -> StoredCollection:
        project_id = ensure_project(conn, self._dialect, entity, project, now)
        values = {
            "project_id": project_id,
            "name": name,
            "type": type_,
            "kind": kind,
            "next_index": 0,
            "created_at": now,
            "updated_at": now,
        }
        stmt = insert(self._dialect, artifact_collections).values(**values)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["project_id", "name"]))
        # The row lock makes this collection's creates take turns until the transaction ends.
        lock = sa.select(_c.id).where(_c.project_id == project_id, _c.name == name).with_for_update()
        pk = conn.execute(lock).scalar_one()
        return read_collections(conn, collection_select().where(_c.id == pk))[0]

    def get_collection(
        self, conn: Connection, entity: str, project: str, name: str
    ) -> StoredCollection | None:
        found = read_collections(
            conn, self._where_named(collection_select(), entity, project).where(_c.name == name)
        )
        return found[0] if found else None

    def list_collections(
        self,
        conn: Connection,
        entity: str,
        project: str,
        type_: str | None,
        kind: CollectionKind | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StoredCollection], int]:
        stmt = self._where_named(collection_select(), entity, project)
        if type_ is not None:
            stmt = stmt.where(_c.type == type_)
        if kind is not None:
            stmt = stmt.where(_c.kind == kind)
        total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
        page = read_collections(conn, stmt.order_by(_c.name).limit(limit).offset(offset))
        return page, int(total)

    def collection_names(self, conn: Connection, entity: str, project: str, limit: int) -> list[str]:
        stmt = self._where_named(collection_select(), entity, project).order_by(_c.name).limit(limit)
        return [str(row._mapping["name"]) for row in conn.execute(stmt)]

    def list_types(self, conn: Connection, entity: str, project: str) -> list[tuple[str, int]]:
        base = self._where_named(collection_select(), entity, project).subquery()
        stmt = sa.select(base.c.type, sa.func.count()).group_by(base.c.type).order_by(base.c.type)
        return [(str(t), int(n)) for t, n in conn.execute(stmt)]

    def update_collection(self, conn: Connection, pk: int, description: str | None, now: float) -> None:
        conn.execute(
            sa.update(artifact_collections).where(_c.id == pk).values(description=description, updated_at=now)
        )

    def delete_collection(self, conn: Connection, pk: int) -> None:
        # Portfolio versions elsewhere that link into this collection go with their sources (cascade).
        conn.execute(sa.delete(artifact_collections).where(_c.id == pk))

    def take_version_index(self, conn: Connection, collection_pk: int) -> int:
        stmt = (
            sa.update(artifact_collections)
            .where(_c.id == collection_pk)
            .values(next_index=_c.next_index + 1)
            .returning(_c.next_index)
        )
        return int(conn.execute(stmt).scalar_one()) - 1

    # -- versions ------------------------------------------------------------------------------------

    def insert_version(self, conn: Connection, collection_pk: int, new: NewVersion) -> int:
        values = {
            "public_id": new.id,
            "collection_id": collection_pk,
            "version_index": new.version_index,
            "digest": new.digest,
            "dedup_key": new.dedup_key,
            "size": new.size,
            "file_count": new.file_count,
            "description": new.description,
            "metadata": new.metadata,
            "tags": new.tags,
            "ttl_seconds": new.ttl_seconds,
            "state": "COMMITTED",
            "client_id": new.client_id,
            "source_id": new.source_pk,
            "created_at": new.created_at,
            "updated_at": new.created_at,
        }
        try:
            pk = conn.execute(sa.insert(artifact_versions).values(**values).returning(_v.id)).scalar_one()
        except IntegrityError as exc:
            raise ArtifactRace(f"another writer made this version first ({exc.orig})") from None
        conn.execute(
            sa.update(artifact_collections).where(_c.id == collection_pk).values(updated_at=new.created_at)
        )
        return int(pk)

    def version_by_index(self, conn: Connection, collection_pk: int, index: int) -> StoredVersion | None:
        return read_version(
            conn, version_select().where(_v.collection_id == collection_pk, _v.version_index == index)
        )

    def version_by_alias(self, conn: Connection, collection_pk: int, alias: str) -> StoredVersion | None:
        named = (
            sa.select(_a.version_id)
            .where(_a.collection_id == collection_pk, _a.alias == alias)
            .scalar_subquery()
        )
        return read_version(conn, version_select().where(_v.id == named))

    def version_by_id(self, conn: Connection, version_id: str) -> StoredVersion | None:
        return read_version(conn, version_select().where(_v.public_id == version_id))

    def version_by_dedup_key(self, conn: Connection, collection_pk: int, key: str) -> StoredVersion | None:
        return read_version(
            conn, version_select().where(_v.collection_id == collection_pk, _v.dedup_key == key)
        )

    def version_by_client_id(
        self, conn: Connection, collection_pk: int, client_id: str
    ) -> StoredVersion | None:
        k = artifact_client_ids.c
        named = (
            sa.select(k.version_id)
            .where(k.collection_id == collection_pk, k.client_id == client_id)
            .scalar_subquery()
        )
        return read_version(conn, version_select().where(_v.id == named))

    def remember_client_id(
        self, conn: Connection, collection_pk: int, client_id: str, version_pk: int
    ) -> None:
        values = {"collection_id": collection_pk, "client_id": client_id, "version_id": version_pk}
        stmt = insert(self._dialect, artifact_client_ids).values(**values)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["collection_id", "client_id"]))

    def get_versions(self, conn: Connection, pks: Iterable[int]) -> dict[int, StoredVersion]:
        found: dict[int, StoredVersion] = {}
        for chunk in batches(set(pks)):
            found.update({v.pk: v for v in read_versions(conn, version_select().where(_v.id.in_(chunk)))})
        return found

    def list_versions(
        self, conn: Connection, collection_pk: int, limit: int, offset: int
    ) -> tuple[list[StoredVersion], int]:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(artifact_versions).where(_v.collection_id == collection_pk)
        ).scalar_one()
        stmt = version_select().where(_v.collection_id == collection_pk).order_by(_v.version_index.desc())
        return read_versions(conn, stmt.limit(limit).offset(offset)), int(total)

    def newest_version(self, conn: Connection, collection_pk: int) -> StoredVersion | None:
        stmt = version_select().where(_v.collection_id == collection_pk).order_by(_v.version_index.desc())
        return read_version(conn, stmt)

    def links_to(self, conn: Connection, source_pk: int) -> list[StoredVersion]:
        return read_versions(conn, version_select().where(_v.source_id == source_pk).order_by(_v.id))

    def update_version(self, conn: Connection, pk: int, changes: VersionChanges) -> None:
        values = {name: getattr(changes, name) for name in VersionChanges.__dataclass_fields__}
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            conn.execute(sa.update(artifact_versions).where(_v.id == pk).values(**values))

    def delete_version(self, conn: Connection, pk: int) -> None:
        conn.execute(sa.delete(artifact_versions).where(_v.id == pk))

    # -- aliases -------------------------------------------------------------------------------------

    def set_alias(
        self, conn: Connection, collection_pk: int, alias: str, version_pk: int, now: float
    ) -> None:
        stmt = insert(self._dialect, artifact_aliases).values(
            collection_id=collection_pk, alias=alias, version_id=version_pk, created_at=now
        )
        update = {"version_id": stmt.excluded.version_id, "created_at": stmt.excluded.created_at}
        conn.execute(stmt.on_conflict_do_update(index_elements=["collection_id", "alias"], set_=update))

    def remove_alias(self, conn: Connection, collection_pk: int, alias: str) -> None:
        conn.execute(sa.delete(artifact_aliases).where(_a.collection_id == collection_pk, _a.alias == alias))
