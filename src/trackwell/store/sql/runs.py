"""``RunStore`` on SQL: runs, their projects and entities, and per-session sequence bookkeeping.

Entities and projects are created on first use by ``create_run`` with ``INSERT ... ON CONFLICT DO
NOTHING``, so two processes creating the first runs of a project at the same time both succeed
(a plain insert would make one of them fail and, on PostgreSQL, poison its transaction).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from trackwell.schema.errors import Conflict
from trackwell.schema.runs import ProjectOut, RunError, RunOut, RunUpsert
from trackwell.store.base import RunChanges, RunHandle, RunKey, StoredRun
from trackwell.store.base.scope import EVERY_PROJECT, ProjectScope
from trackwell.store.sql.dialect import Dialect, insert, upsert
from trackwell.store.sql.filters import RunFilter
from trackwell.store.sql.project_ids import ensure_project
from trackwell.store.sql.regex import bounded_regex_query
from trackwell.store.sql.scope import visible
from trackwell.store.sql.tables import entities, projects, run_sessions, runs

# RunChanges fields whose column has another name.
_COLUMN_OF = {"group": "group_name"}
_RUN_COLUMNS = [c for c in runs.c if c.name not in ("project_id",)]
_RUN_COLUMNS_BUT_METADATA = [c for c in _RUN_COLUMNS if c.name != "metadata"]


def _run_out(row: Row[Any], entity: str, project: str) -> RunOut:
    m = row._mapping
    return RunOut(
        id=m["run_id"],
        entity=entity,
        project=project,
        display_name=m["display_name"],
        state=m["state"],
        group=m["group_name"],
        job_type=m["job_type"],
        tags=list(m["tags"] or []),
        notes=m["notes"],
        config=m["config"] or {},
        summary=m["summary"] or {},
        metadata=m["metadata"] or {},
        host=m["host"],
        program=m["program"],
        sweep_id=m["sweep_id"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        heartbeat_at=m["heartbeat_at"],
        finished_at=m["finished_at"],
        runtime=m["runtime"],
        exit_code=m["exit_code"],
        error=RunError.model_validate(m["error"]) if m["error"] else None,
        last_step=m["last_step"],
        history_count=m["history_count"],
        metric_definitions=list(m["metric_definitions"] or []),
        archived_at=m["archived_at"],
    )


_IN_BATCH = 500  # run ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


class SqlRunStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._filter = RunFilter(dialect)

    # -- lookups ---------------------------------------------------------------------------------

    def _project_id(
        self, conn: Connection, entity: str, project: str, scope: ProjectScope = EVERY_PROJECT
    ) -> int | None:
        stmt = (
            sa.select(projects.c.id)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(entities.c.name == entity, projects.c.name == project, visible(scope))
        )
        return conn.execute(stmt).scalar_one_or_none()

    def get_run(self, conn: Connection, key: RunKey, *, lock: bool = False) -> StoredRun | None:
        project_id = self._project_id(conn, key.entity, key.project)
        if project_id is None:
            return None
        stmt = sa.select(*_RUN_COLUMNS).where(runs.c.project_id == project_id, runs.c.run_id == key.run_id)
        if lock:
            # PostgreSQL: a row lock held to the end of the transaction; SQLite ignores it, its write
            # transactions (BEGIN IMMEDIATE) are already serialized.
            stmt = stmt.with_for_update()
        row = conn.execute(stmt).first()
        if row is None:
            return None
        return StoredRun(
            pk=row.id,
            run=_run_out(row, key.entity, key.project),
            edits=row.edits or None,
            owner_id=row.owner_id,
        )

    def get_runs(
        self, conn: Connection, entity: str, project: str, run_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, StoredRun]:
        project_id = self._project_id(conn, entity, project)
        if project_id is None:
            return {}
        found: dict[str, StoredRun] = {}
        # Locked in primary-key order, so two bulk changes over the same runs never deadlock.
        ordered = sorted(set(run_ids))
        for start in range(0, len(ordered), _IN_BATCH):
            stmt = (
                sa.select(*_RUN_COLUMNS)
                .where(runs.c.project_id == project_id, runs.c.run_id.in_(ordered[start : start + _IN_BATCH]))
                .order_by(runs.c.id)
            )
            if lock:
                stmt = stmt.with_for_update()
            for row in conn.execute(stmt):
                run = _run_out(row, entity, project)
                found[row.run_id] = StoredRun(row.id, run, edits=row.edits or None, owner_id=row.owner_id)
        return found

    def find_runs(
        self, conn: Connection, keys: Sequence[RunKey], scope: ProjectScope = EVERY_PROJECT
    ) -> dict[RunKey, RunHandle]:
        # One query per project (a chart's runs are usually all in one), no JSON decoded.
        found: dict[RunKey, RunHandle] = {}
        by_project: dict[tuple[str, str], list[str]] = {}
        for key in keys:
            by_project.setdefault((key.entity, key.project), []).append(key.run_id)
        for (entity, project), run_ids in by_project.items():
            project_id = self._project_id(conn, entity, project, scope)
            if project_id is None:
                continue
            for start in range(0, len(run_ids), _IN_BATCH):
                stmt = sa.select(runs.c.id, runs.c.run_id, runs.c.last_step).where(
                    runs.c.project_id == project_id, runs.c.run_id.in_(run_ids[start : start + _IN_BATCH])
                )
                for row in conn.execute(stmt):
                    found[RunKey(entity, project, row.run_id)] = RunHandle(pk=row.id, last_step=row.last_step)
        return found

    def project_run_pks(self, conn: Connection, entity: str, project: str) -> list[int]:
        project_id = self._project_id(conn, entity, project)
        if project_id is None:
            return []
        return list(conn.execute(sa.select(runs.c.id).where(runs.c.project_id == project_id)).scalars())

    # -- writes ----------------------------------------------------------------------------------

    def create_run(
        self, conn: Connection, key: RunKey, fields: RunUpsert, now: float, *, owner_id: int | None = None
    ) -> StoredRun:
        project_id = ensure_project(conn, self._dialect, key.entity, key.project, now)
        created_at = fields.started_at if fields.started_at is not None else now
        values = {
            "project_id": project_id,
            "run_id": key.run_id,
            "display_name": fields.display_name or key.run_id,
            "state": "running",
            "group_name": fields.group,
            "job_type": fields.job_type,
            "tags": list(fields.tags or []),
            "notes": fields.notes,
            "config": dict(fields.config or {}),
            "summary": {},
            "metadata": {},
            "metric_definitions": [],
            "host": fields.host,
            "program": fields.program,
            "sweep_id": fields.sweep_id,
            "created_at": created_at,
            "updated_at": now,
            "heartbeat_at": now,
            "runtime": 0.0,
            "history_count": 0,
            "owner_id": owner_id,
        }
        stmt = (
            insert(self._dialect, runs)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["project_id", "run_id"])
            .returning(runs.c.id)
        )
        pk = conn.execute(stmt).scalar_one_or_none()
        if pk is None:
            raise Conflict(f"run {key} already exists", hint="resume it with resume='allow' or 'must'")
        stored = self.get_run(conn, key)
        assert stored is not None and stored.pk == pk
        return stored

    def update_run(self, conn: Connection, pk: int, changes: RunChanges) -> None:
        values: dict[str, Any] = {}
        for name in RunChanges.__dataclass_fields__:
            value = getattr(changes, name)
            if value is None:
                continue
            if isinstance(value, RunError):
                value = value.model_dump()
            values[_COLUMN_OF.get(name, name)] = value
        if values:
            conn.execute(sa.update(runs).where(runs.c.id == pk).values(**values))

    def set_archived(self, conn: Connection, pks: Sequence[int], archived_at: float | None) -> None:
        for start in range(0, len(pks), _IN_BATCH):
            stmt = sa.update(runs).where(runs.c.id.in_(pks[start : start + _IN_BATCH]))
            conn.execute(stmt.values(archived_at=archived_at))

    def move_runs(self, conn: Connection, pks: Sequence[int], entity: str, project: str, now: float) -> None:
        # History, files, output, alerts and artifact lineage hang off the run's primary key: changing
        # the run's project moves all of them with it.
        project_id = ensure_project(conn, self._dialect, entity, project, now)
        for start in range(0, len(pks), _IN_BATCH):
            stmt = sa.update(runs).where(runs.c.id.in_(pks[start : start + _IN_BATCH]))
            conn.execute(stmt.values(project_id=project_id, updated_at=now))

    def delete_run(self, conn: Connection, pk: int) -> None:
        # Sessions, files and output go with it (ON DELETE CASCADE); history is the history store's.
        conn.execute(sa.delete(runs).where(runs.c.id == pk))

    # -- queries ---------------------------------------------------------------------------------

    def query_runs(
        self,
        conn: Connection,
        entity: str,
        project: str,
        filters: dict[str, Any] | None,
        order: str | None,
        limit: int,
        offset: int,
        *,
        metadata: bool = True,
        scope: ProjectScope = EVERY_PROJECT,
    ) -> tuple[list[RunOut], int]:
        where = self._filter.where(filters)
        order_by = self._filter.order_by(order)
        project_id = self._project_id(conn, entity, project, scope)
        if project_id is None:
            return [], 0
        selected = sa.and_(runs.c.project_id == project_id, where)
        # Without metadata the column is not even read: a run's context (environment, git state) is
        # often the largest document in the row, and parsing 1,000 of them was for nothing.
        columns = _RUN_COLUMNS if metadata else [*_RUN_COLUMNS_BUT_METADATA, sa.null().label("metadata")]
        stmt = (
            sa.select(*columns)
            .where(selected)
            .order_by(*order_by)
            .limit(max(limit, 0))
            .offset(max(offset, 0))
        )
        with bounded_regex_query(conn, filters):
            total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(selected)).scalar_one()
            rows = list(conn.execute(stmt))
        return [_run_out(row, entity, project) for row in rows], int(total)

    def list_projects(
        self, conn: Connection, entity: str | None, search: str | None, scope: ProjectScope = EVERY_PROJECT
    ) -> list[ProjectOut]:
        stats = (
            sa.select(
                runs.c.project_id,
                sa.func.count().label("run_count"),
                sa.func.sum(sa.case((runs.c.state == "running", 1), else_=0)).label("running_count"),
                # A running run is active when it heartbeats, even if nothing else changed.
                sa.func.max(
                    sa.case(
                        (runs.c.heartbeat_at > runs.c.updated_at, runs.c.heartbeat_at),
                        else_=runs.c.updated_at,
                    )
                ).label("last_activity"),
            )
            .where(runs.c.archived_at.is_(None))  # archived runs are not counted
            .group_by(runs.c.project_id)
            .subquery()
        )
        stmt = (
            sa.select(
                entities.c.name.label("entity"),
                projects.c.name,
                projects.c.created_at,
                projects.c.visibility,
                sa.func.coalesce(stats.c.run_count, 0).label("run_count"),
                sa.func.coalesce(stats.c.running_count, 0).label("running_count"),
                stats.c.last_activity,
            )
            .join(entities, entities.c.id == projects.c.entity_id)
            .outerjoin(stats, stats.c.project_id == projects.c.id)
            .where(visible(scope))
            .order_by(sa.func.coalesce(stats.c.last_activity, projects.c.created_at).desc(), projects.c.id)
        )
        if entity is not None:
            stmt = stmt.where(entities.c.name == entity)
        if search:
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(sa.func.lower(projects.c.name).like(f"%{escaped.lower()}%", escape="\\"))
        return [
            ProjectOut(
                entity=r.entity,
                name=r.name,
                run_count=int(r.run_count),
                running_count=int(r.running_count),
                created_at=r.created_at,
                last_activity=r.last_activity,
                visibility=r.visibility,
            )
            for r in conn.execute(stmt)
        ]

    # -- sequence bookkeeping --------------------------------------------------------------------

    def session_applied(self, conn: Connection, run_pk: int, session_id: str) -> int:
        stmt = sa.select(run_sessions.c.applied_through).where(
            run_sessions.c.run_pk == run_pk, run_sessions.c.session_id == session_id
        )
        value = conn.execute(stmt).scalar_one_or_none()
        return -1 if value is None else int(value)

    def set_session_applied(self, conn: Connection, run_pk: int, session_id: str, seq: int) -> None:
        values = {
            "run_pk": run_pk,
            "session_id": session_id,
            "applied_through": seq,
            "updated_at": time.time(),
        }
        conn.execute(upsert(self._dialect, run_sessions, ("run_pk", "session_id"), list(values)), values)

    # -- crash detection -------------------------------------------------------------------------

    def mark_stale_runs_crashed(self, conn: Connection, heartbeat_before: float, now: float) -> list[RunKey]:
        # One conditional UPDATE: with several server processes sweeping at once each run is
        # flipped (and reported) by exactly one of them.
        last_seen = sa.func.coalesce(runs.c.heartbeat_at, runs.c.created_at)
        stmt = (
            sa.update(runs)
            .where(runs.c.state == "running", last_seen < heartbeat_before)
            .values(state="crashed", updated_at=now)
            .returning(runs.c.project_id, runs.c.run_id)
        )
        flipped = conn.execute(stmt).all()
        return self._keys(conn, flipped)

    def _keys(self, conn: Connection, flipped: Sequence[Row[Any]]) -> list[RunKey]:
        if not flipped:
            return []
        ids = {row.project_id for row in flipped}
        names = {
            r.id: (r.entity, r.name)
            for r in conn.execute(
                sa.select(projects.c.id, projects.c.name, entities.c.name.label("entity"))
                .join(entities, entities.c.id == projects.c.entity_id)
                .where(projects.c.id.in_(ids))
            )
        }
        keys = [RunKey(*names[row.project_id], row.run_id) for row in flipped]
        return sorted(keys, key=str)
