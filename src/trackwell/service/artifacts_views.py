"""Stored artifacts to wire models, a page at a time.

A version's answer needs its content (a portfolio version shows its source's), the run that logged
that content, and its aliases. :class:`VersionViews` gathers those for a whole page with three store
calls (sources, ``logged`` edges, run references), never one per version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from trackwell.schema.artifact_rules import LATEST
from trackwell.schema.artifacts import (
    AliasOut,
    ArtifactCollectionOut,
    ArtifactManifest,
    ArtifactVersionOut,
    ManifestEntry,
    RunRef,
)
from trackwell.store.base import ArtifactStore, StoredCollection, StoredEntry, StoredVersion

if TYPE_CHECKING:
    from sqlalchemy import Connection


def qualified_name(v: StoredVersion) -> str:
    return f"{v.entity}/{v.project}/{v.name}:v{v.version_index}"


class VersionViews:
    """Builds ``ArtifactVersionOut`` for many versions at once; ``protected`` marks aliases."""

    def __init__(self, store: ArtifactStore, protected: frozenset[str]) -> None:
        self._store = store
        self.protected = protected

    def content(self, conn: Connection, versions: Sequence[StoredVersion]) -> dict[int, StoredVersion]:
        """Version pk -> the version holding its content: its source for a portfolio version."""
        sources = self._store.get_versions(conn, {v.source_pk for v in versions if v.source_pk is not None})
        return {v.pk: sources.get(v.source_pk, v) if v.source_pk is not None else v for v in versions}

    def loggers(self, conn: Connection, version_pks: set[int]) -> dict[int, RunRef]:
        """Version pk -> the first run that logged it (a run deleted since is left out)."""
        first: dict[int, int] = {}
        for edge in self._store.edges_of_versions(conn, version_pks, "logged"):  # oldest first
            first.setdefault(edge.version_pk, edge.run_pk)
        refs = self._store.run_refs(conn, set(first.values()))
        return {v: refs[r] for v, r in first.items() if r in refs}

    def outs(
        self, conn: Connection, versions: Sequence[StoredVersion], *, created: bool = True
    ) -> list[ArtifactVersionOut]:
        content = self.content(conn, versions)
        loggers = self.loggers(conn, {c.pk for c in content.values()})
        return [self._out(v, content[v.pk], loggers.get(content[v.pk].pk), created) for v in versions]

    def out(self, conn: Connection, version: StoredVersion, *, created: bool = True) -> ArtifactVersionOut:
        return self.outs(conn, [version], created=created)[0]

    def _out(
        self, v: StoredVersion, c: StoredVersion, logged_by: RunRef | None, created: bool
    ) -> ArtifactVersionOut:
        return ArtifactVersionOut(
            id=v.id,
            entity=v.entity,
            project=v.project,
            name=v.name,
            type=v.type,
            version=f"v{v.version_index}",
            version_index=v.version_index,
            qualified_name=qualified_name(v),
            digest=c.digest,
            size=c.size,
            file_count=c.file_count,
            description=c.description,
            metadata=c.metadata,
            tags=c.tags,
            aliases=[AliasOut(alias=a, protected=a in self.protected) for a in _latest_first(v.aliases)],
            ttl_seconds=c.ttl_seconds,
            state="COMMITTED" if v.state == "COMMITTED" else "PENDING",
            created_at=v.created_at,
            updated_at=max(v.updated_at, c.updated_at),
            logged_by=logged_by,
            created=created,
            source=qualified_name(c) if c.pk != v.pk else None,
        )


def _latest_first(aliases: Sequence[str]) -> list[str]:
    return sorted(aliases, key=lambda a: (a != LATEST, a))


def collection_out(c: StoredCollection) -> ArtifactCollectionOut:
    latest = c.aliases.get(LATEST)
    return ArtifactCollectionOut(
        entity=c.entity,
        project=c.project,
        name=c.name,
        type=c.type,
        kind=c.kind,
        description=c.description,
        version_count=c.version_count,
        latest_version=None if latest is None else f"v{latest}",
        aliases=_latest_first(list(c.aliases)),
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def manifest_out(entries: Sequence[StoredEntry]) -> ArtifactManifest:
    # model_construct: the entries were validated when the version was made; 10,000 of them
    # answer in milliseconds instead of re-validating each.
    contents = {
        e.path: ManifestEntry.model_construct(
            digest=e.digest,
            size=e.size,
            ref=e.ref,
            extra=e.extra or {},
            mimetype=e.mimetype,
            birth_artifact_id=e.birth_id,
        )
        for e in entries
    }
    return ArtifactManifest(contents=contents)
