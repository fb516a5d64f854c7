"""Which of some blob digests a caller may read: those held by a run file or an artifact entry of a
project within the caller's :class:`ProjectScope` (docs/teams.md, "Blobs"). Part of ``FileIndex``."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.base.scope import ProjectScope
from trackwell.store.sql.artifacts_tables import artifact_collections, artifact_entries, artifact_versions
from trackwell.store.sql.scope import visible
from trackwell.store.sql.tables import entities, projects, run_files, runs

_IN_BATCH = 500  # digests per IN (...) list


def readable_blobs(conn: Connection, digests: Sequence[str], scope: ProjectScope) -> set[str]:
    wanted = sorted(set(digests))
    if scope.everything:
        return set(wanted)
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_BATCH):
        batch = wanted[start : start + _IN_BATCH]
        in_runs = (
            sa.select(run_files.c.sha256)
            .join(runs, runs.c.id == run_files.c.run_pk)
            .join(projects, projects.c.id == runs.c.project_id)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(run_files.c.sha256.in_(batch), visible(scope))
        )
        found.update(conn.execute(in_runs).scalars())
        rest = [d for d in batch if d not in found]
        if not rest:
            continue
        in_artifacts = (
            sa.select(artifact_entries.c.digest)
            .join(artifact_versions, artifact_versions.c.id == artifact_entries.c.version_id)
            .join(artifact_collections, artifact_collections.c.id == artifact_versions.c.collection_id)
            .join(projects, projects.c.id == artifact_collections.c.project_id)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(artifact_entries.c.digest.in_(rest), visible(scope))
        )
        found.update(conn.execute(in_artifacts).scalars())
    return found
