"""Editing and deleting versions and collections (``artifact.save()``, ``artifact.delete()``).

A version's description, metadata, tags and ttl change in place; its aliases are replaced by the
given full set (``latest`` stays the server's). On a registry link the content fields edit the
source version (the link shows the source's), and the aliases edit the link.

Deleting a version that carries user aliases is refused unless ``delete_aliases`` (wandb's rule),
and one carrying a protected alias needs an admin either way. Registry links to a deleted version
go with it. ``latest`` then moves back to the newest remaining version of each collection touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from trackwell.schema.artifacts import ArtifactCollectionOut, ArtifactVersionOut, ArtifactVersionUpdate
from trackwell.schema.errors import Conflict
from trackwell.service.artifacts_aliases import AliasRules, repair_latest
from trackwell.service.artifacts_resolve import content_of, require_collection, require_version
from trackwell.service.artifacts_views import VersionViews, collection_out, qualified_name
from trackwell.store.base import Database, StoredVersion, User, VersionChanges

if TYPE_CHECKING:
    from sqlalchemy import Connection


class ArtifactEditor:
    def __init__(
        self, db: Database, clock: Callable[[], float], views: VersionViews, aliases: AliasRules
    ) -> None:
        self._db = db
        self._clock = clock
        self._views = views
        self._aliases = aliases

    def update_version(
        self, entity: str, project: str, name: str, ref: str, body: ArtifactVersionUpdate, user: User
    ) -> ArtifactVersionOut:
        store = self._db.artifacts
        aliases = None if body.aliases is None else self._aliases.requested(body.aliases)
        now = self._clock()
        with self._db.begin() as conn:
            version = require_version(
                store, conn, require_collection(store, conn, entity, project, name), ref
            )
            changes = VersionChanges(
                description=body.description,
                metadata=body.metadata,
                tags=body.tags,
                ttl_seconds=body.ttl_seconds,
                updated_at=now,
            )
            store.update_version(conn, content_of(store, conn, version).pk, changes)
            if aliases is not None:
                self._aliases.replace(store, conn, version, aliases, user, now)
            return self._views.out(conn, store.get_versions(conn, [version.pk])[version.pk])

    def delete_version(
        self, entity: str, project: str, name: str, ref: str, delete_aliases: bool, user: User
    ) -> None:
        store = self._db.artifacts
        with self._db.begin() as conn:
            version = require_version(
                store, conn, require_collection(store, conn, entity, project, name), ref
            )
            links = store.links_to(conn, version.pk)
            for doomed in (version, *links):
                self._check_deletable(doomed, delete_aliases, user)
            store.delete_version(conn, version.pk)
            now = self._clock()
            for collection_pk in {version.collection_pk, *(link.collection_pk for link in links)}:
                repair_latest(store, conn, collection_pk, now)

    def _check_deletable(self, version: StoredVersion, delete_aliases: bool, user: User) -> None:
        self._aliases.require_admin(user, version.aliases, "remove")
        held = self._aliases.user_aliases(version)
        if held and not delete_aliases:
            raise Conflict(
                f"{qualified_name(version)} has aliases {', '.join(held)}; deleting it would remove them",
                field="delete_aliases",
                hint="pass delete_aliases=true to delete the version with its aliases, or move them first",
            )

    def update_collection(
        self, entity: str, project: str, name: str, description: str | None
    ) -> ArtifactCollectionOut:
        store = self._db.artifacts
        with self._db.begin() as conn:
            coll = require_collection(store, conn, entity, project, name)
            store.update_collection(conn, coll.pk, description, self._clock())
            return collection_out(require_collection(store, conn, entity, project, name))

    def delete_collection(self, entity: str, project: str, name: str, user: User) -> None:
        """Every version goes, with its aliases (a protected one needs an admin) and the registry
        links to it."""
        store = self._db.artifacts
        with self._db.begin() as conn:
            coll = require_collection(store, conn, entity, project, name)
            self._aliases.require_admin(user, coll.aliases, "remove")
            linked = self._linked_collections(conn, coll.pk, user)
            store.delete_collection(conn, coll.pk)
            now = self._clock()
            for collection_pk in linked - {coll.pk}:
                repair_latest(store, conn, collection_pk, now)

    def _linked_collections(self, conn: Connection, collection_pk: int, user: User) -> set[int]:
        store = self._db.artifacts
        touched: set[int] = set()
        offset = 0
        while True:
            page, total = store.list_versions(conn, collection_pk, 1000, offset)
            for version in page:
                for link in store.links_to(conn, version.pk):
                    self._aliases.require_admin(user, link.aliases, "remove")
                    touched.add(link.collection_pk)
            offset += len(page)
            if not page or offset >= total:
                return touched
