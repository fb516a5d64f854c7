"""Storage used per project on SQL (part of ``UserStore``): runs, run files, artifact contents and
history rows, each summed in one grouped query so the admin page costs four statements, not one per
project."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.base.users import ProjectUsage
from trackwell.store.sql.artifacts_tables import artifact_collections, artifact_versions
from trackwell.store.sql.tables import entities, projects, run_files, runs


def _per_project(conn: Connection, stmt: sa.Select[Any]) -> dict[int, int]:
    return {int(row[0]): int(row[1] or 0) for row in conn.execute(stmt)}


class SqlUsage:
    def storage_usage(self, conn: Connection) -> list[ProjectUsage]:
        run_counts = _per_project(
            conn, sa.select(runs.c.project_id, sa.func.count()).group_by(runs.c.project_id)
        )
        history = _per_project(
            conn, sa.select(runs.c.project_id, sa.func.sum(runs.c.history_count)).group_by(runs.c.project_id)
        )
        files = _per_project(
            conn,
            sa.select(runs.c.project_id, sa.func.sum(run_files.c.size))
            .select_from(run_files.join(runs, runs.c.id == run_files.c.run_pk))
            .group_by(runs.c.project_id),
        )
        artifacts = _per_project(
            conn,
            sa.select(artifact_collections.c.project_id, sa.func.sum(artifact_versions.c.size))
            .select_from(
                artifact_versions.join(
                    artifact_collections, artifact_collections.c.id == artifact_versions.c.collection_id
                )
            )
            # A portfolio's version is a link to another version: its bytes are counted there.
            .where(sa.not_(artifact_versions.c.dedup_key.startswith("link:")))
            .group_by(artifact_collections.c.project_id),
        )
        listed = conn.execute(
            sa.select(projects.c.id, entities.c.name.label("entity"), projects.c.name)
            .join(entities, entities.c.id == projects.c.entity_id)
            .order_by(entities.c.name, projects.c.name)
        )
        usage = [
            ProjectUsage(
                entity=row.entity,
                project=row.name,
                runs=run_counts.get(row.id, 0),
                files_bytes=files.get(row.id, 0),
                artifacts_bytes=artifacts.get(row.id, 0),
                history_rows=history.get(row.id, 0),
            )
            for row in listed
        ]
        return sorted(usage, key=lambda u: -(u.files_bytes + u.artifacts_bytes))
