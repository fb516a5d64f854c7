"""Lineage edges on SQL: run -logged-> version and version -used-> run, and the runs they name.

The lineage graph is walked by the service one hop at a time; each hop is one query over the whole
frontier (``edges_of_versions``/``edges_of_runs`` take many ids), so a graph of hundreds of nodes
costs a handful of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.artifacts import RunRef
from trackwell.store.base.artifacts import EdgeKind, StoredEdge
from trackwell.store.sql.artifacts_rows import batches
from trackwell.store.sql.artifacts_tables import artifact_edges
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.tables import entities, projects, runs

_g = artifact_edges.c


def _edge(row: Any) -> StoredEdge:
    version_id, run_pk, kind, used_as, created_at = row
    return StoredEdge(
        int(version_id), int(run_pk), "used" if kind == "used" else "logged", used_as, float(created_at)
    )


class SqlLineageStore:
    """Edges and run references; mixed into ``SqlArtifactStore``."""

    _dialect: Dialect

    def add_edge(
        self, conn: Connection, version_pk: int, run_pk: int, kind: EdgeKind, used_as: str | None, now: float
    ) -> None:
        values = {
            "version_id": version_pk,
            "run_pk": run_pk,
            "kind": kind,
            "used_as": used_as,
            "created_at": now,
        }
        stmt = insert(self._dialect, artifact_edges).values(**values)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["version_id", "run_pk", "kind"]))

    def _edges(
        self, conn: Connection, column: Any, pks: Iterable[int], kind: EdgeKind | None
    ) -> list[StoredEdge]:
        found: list[StoredEdge] = []
        for chunk in batches(set(pks)):
            stmt = sa.select(_g.version_id, _g.run_pk, _g.kind, _g.used_as, _g.created_at).where(
                column.in_(chunk)
            )
            if kind is not None:
                stmt = stmt.where(_g.kind == kind)
            found.extend(
                _edge(row) for row in conn.execute(stmt.order_by(_g.created_at, _g.version_id, _g.run_pk))
            )
        return found

    def edges_of_versions(
        self, conn: Connection, version_pks: Iterable[int], kind: EdgeKind | None = None
    ) -> list[StoredEdge]:
        return self._edges(conn, _g.version_id, version_pks, kind)

    def edges_of_runs(
        self, conn: Connection, run_pks: Iterable[int], kind: EdgeKind | None = None
    ) -> list[StoredEdge]:
        return self._edges(conn, _g.run_pk, run_pks, kind)

    def run_refs(self, conn: Connection, run_pks: Iterable[int]) -> dict[int, RunRef]:
        r = runs.c
        found: dict[int, RunRef] = {}
        for chunk in batches(set(run_pks)):
            stmt = (
                sa.select(
                    r.id, r.run_id, r.display_name, r.job_type, r.state, projects.c.name, entities.c.name
                )
                .select_from(
                    runs.join(projects, projects.c.id == r.project_id).join(
                        entities, entities.c.id == projects.c.entity_id
                    )
                )
                .where(r.id.in_(chunk))
            )
            for pk, run_id, name, job_type, state, project, entity in conn.execute(stmt):
                found[int(pk)] = RunRef(
                    entity=entity, project=project, run_id=run_id, name=name, job_type=job_type, state=state
                )
        return found
