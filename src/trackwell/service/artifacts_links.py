"""Registry links (``artifact.link("entity/project/collection")``): portfolio collections.

A portfolio collection is created on the first link, with the source's type; its versions v0, v1,
... each point at a source version (of any collection), and carry their own aliases. Linking the
same source again answers the existing link (and moves ``latest`` and the given aliases to it).
Reading a link shows its source's files, digest and metadata, with ``source`` naming the source.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from trackwell.schema.artifact_rules import parse_artifact_path
from trackwell.schema.artifacts import ArtifactLink, ArtifactVersionOut
from trackwell.schema.errors import Conflict, InvalidArgument
from trackwell.service.artifacts_aliases import AliasRules, move_latest
from trackwell.service.artifacts_create import RETRIES
from trackwell.service.artifacts_resolve import content_of, require_collection, require_version
from trackwell.service.artifacts_views import VersionViews
from trackwell.store.base import ArtifactRace, Database, NewVersion, User


def link_target(target: str, entity: str, project: str) -> tuple[str, str, str]:
    """``entity/project/collection``, ``project/collection`` or ``collection``; the source's entity
    and project fill what is left out."""
    if ":" in target:
        raise InvalidArgument(
            f"link target {target!r} holds ':'",
            field="target",
            hint="name the collection only ('entity/project/collection'); give aliases in 'aliases'",
        )
    t_entity, t_project, name, _ = parse_artifact_path(target)
    return t_entity or entity, t_project or project, name


class Linker:
    def __init__(
        self, db: Database, clock: Callable[[], float], views: VersionViews, aliases: AliasRules
    ) -> None:
        self._db = db
        self._clock = clock
        self._views = views
        self._aliases = aliases

    def link(
        self, entity: str, project: str, name: str, ref: str, body: ArtifactLink, user: User
    ) -> ArtifactVersionOut:
        t_entity, t_project, t_name = link_target(body.target, entity, project)
        aliases = self._aliases.requested(body.aliases)
        for attempt in range(RETRIES):
            try:
                return self._link_once(
                    entity, project, name, ref, (t_entity, t_project, t_name), aliases, user
                )
            except ArtifactRace:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _link_once(
        self,
        entity: str,
        project: str,
        name: str,
        ref: str,
        target: tuple[str, str, str],
        aliases: list[str],
        user: User,
    ) -> ArtifactVersionOut:
        store = self._db.artifacts
        now = self._clock()
        with self._db.begin() as conn:
            coll = require_collection(store, conn, entity, project, name)
            source = content_of(store, conn, require_version(store, conn, coll, ref))
            portfolio = store.ensure_collection(conn, *target, source.type, "portfolio", now)
            where = f"{portfolio.entity}/{portfolio.project}/{portfolio.name}"
            if portfolio.kind != "portfolio":
                raise Conflict(
                    f"{where} is an artifact of its own, not a registry collection",
                    field="target",
                    hint="link to a new name (it becomes a registry collection) or an existing registry one",
                )
            if portfolio.type != source.type:
                raise Conflict(
                    f"registry collection {where} holds type {portfolio.type!r}; "
                    f"{source.name}:v{source.version_index} has type {source.type!r}",
                    field="target",
                    hint="link it to a registry collection of its type",
                )
            key = f"link:{source.pk}"
            version = store.version_by_dedup_key(conn, portfolio.pk, key)
            created = version is None
            if version is None:
                new = NewVersion(
                    id=uuid.uuid4().hex,
                    version_index=store.take_version_index(conn, portfolio.pk),
                    digest=source.digest,
                    dedup_key=key,
                    size=source.size,
                    file_count=source.file_count,
                    description=None,
                    metadata={},
                    tags=[],
                    ttl_seconds=None,
                    created_at=now,
                    source_pk=source.pk,
                )
                pk = store.insert_version(conn, portfolio.pk, new)
                version = store.get_versions(conn, [pk])[pk]
            move_latest(store, conn, version, now)
            self._aliases.add(store, conn, version, aliases, user, now)
            fresh = store.get_versions(conn, [version.pk])[version.pk]
            return self._views.out(conn, fresh, created=created)
