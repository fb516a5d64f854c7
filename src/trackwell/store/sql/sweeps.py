"""``SweepStore`` on SQL: sweeps and agents (proposals are mixed in from ``sweeps_proposals``).

The controller's one lock is the sweep's row (``get_sweep``/``find_sweep`` with ``lock=True``:
``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` write transactions are
serialized already), so leases of one sweep are handed out one at a time across server processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from trackwell.store.base.sweeps import (
    NewSweep,
    StoredAgent,
    StoredSweep,
    SweepChanges,
    SweepIdTaken,
)
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.project_ids import ensure_project
from trackwell.store.sql.sweeps_proposals import SqlProposalStore
from trackwell.store.sql.sweeps_tables import sweep_agents, sweeps
from trackwell.store.sql.tables import entities, projects, runs

_s = sweeps.c
_a = sweep_agents.c
_IN_BATCH = 500


def _sweep(row: Row[Any]) -> StoredSweep:
    m = row._mapping
    return StoredSweep(
        pk=m["id"],
        id=m["public_id"],
        project_pk=m["project_id"],
        entity=m["entity_name"],
        project=m["project_name"],
        name=m["name"],
        description=m["description"],
        method=m["method"],
        state=m["state"],
        state_reason=m["state_reason"],
        config=dict(m["config"] or {}),
        seed=int(m["seed"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        trials_version=int(m["trials_version"]),
    )


def _agent(row: Row[Any]) -> StoredAgent:
    m = row._mapping
    return StoredAgent(
        pk=m["id"],
        id=m["public_id"],
        sweep_pk=m["sweep_pk"],
        host=m["host"],
        name=m["name"],
        count=m["count"],
        state=m["state"],
        created_at=m["created_at"],
        heartbeat_at=m["heartbeat_at"],
        runs_started=int(m["runs_started"]),
    )


def _sweep_select() -> sa.Select[Any]:
    return (
        sa.select(*sweeps.c, entities.c.name.label("entity_name"), projects.c.name.label("project_name"))
        .join(projects, projects.c.id == _s.project_id)
        .join(entities, entities.c.id == projects.c.entity_id)
    )


class SqlSweepStore(SqlProposalStore):
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._params_cache = {}

    # -- sweeps --------------------------------------------------------------------------------------

    def create_sweep(self, conn: Connection, entity: str, project: str, new: NewSweep) -> StoredSweep:
        project_pk = ensure_project(conn, self._dialect, entity, project, new.now)
        values = {
            "public_id": new.id,
            "project_id": project_pk,
            "name": new.name,
            "description": new.description,
            "method": new.method,
            "state": new.state,
            "state_reason": None,
            "config": new.config,
            "seed": new.seed,
            "trials_version": 0,
            "created_at": new.now,
            "updated_at": new.now,
        }
        stmt = insert(self._dialect, sweeps).values(**values)
        pk = conn.execute(
            stmt.on_conflict_do_nothing(index_elements=["public_id"]).returning(_s.id)
        ).scalar_one_or_none()
        if pk is None:
            raise SweepIdTaken(f"sweep id {new.id} is taken", field="id")
        return _sweep(conn.execute(_sweep_select().where(_s.id == pk)).one())

    def get_sweep(
        self, conn: Connection, entity: str, project: str, sweep_id: str, *, lock: bool = False
    ) -> StoredSweep | None:
        stmt = _sweep_select().where(
            _s.public_id == sweep_id, entities.c.name == entity, projects.c.name == project
        )
        return self._one(conn, stmt, lock)

    def find_sweep(self, conn: Connection, sweep_id: str, *, lock: bool = False) -> StoredSweep | None:
        return self._one(conn, _sweep_select().where(_s.public_id == sweep_id), lock)

    def _one(self, conn: Connection, stmt: sa.Select[Any], lock: bool) -> StoredSweep | None:
        if lock:
            # Only the sweep's row: the joined project and entity rows stay unlocked.
            stmt = stmt.with_for_update(of=sweeps)
        row = conn.execute(stmt).first()
        return None if row is None else _sweep(row)

    def list_sweeps(self, conn: Connection, entity: str, project: str) -> list[StoredSweep]:
        stmt = (
            _sweep_select()
            .where(entities.c.name == entity, projects.c.name == project)
            .order_by(_s.created_at.desc(), _s.id.desc())
        )
        return [_sweep(row) for row in conn.execute(stmt)]

    def update_sweep(self, conn: Connection, pk: int, changes: SweepChanges) -> None:
        values = {
            name: getattr(changes, name)
            for name in SweepChanges.__dataclass_fields__
            if getattr(changes, name) is not None
        }
        if values.get("state_reason") == "":
            values["state_reason"] = None
        if values:
            conn.execute(sa.update(sweeps).where(_s.id == pk).values(**values))

    def attach_runs(self, conn: Connection, project_pk: int, run_ids: Sequence[str], sweep_id: str) -> None:
        ids = list(run_ids)
        for start in range(0, len(ids), _IN_BATCH):
            stmt = (
                sa.update(runs)
                .where(runs.c.project_id == project_pk, runs.c.run_id.in_(ids[start : start + _IN_BATCH]))
                .values(sweep_id=sweep_id)
            )
            conn.execute(stmt)

    # -- agents --------------------------------------------------------------------------------------

    def add_agent(
        self,
        conn: Connection,
        sweep_pk: int,
        agent_id: str,
        host: str | None,
        name: str | None,
        count: int | None,
        now: float,
    ) -> StoredAgent:
        values = {
            "public_id": agent_id,
            "sweep_pk": sweep_pk,
            "host": host,
            "name": name,
            "count": count,
            "state": "running",
            "created_at": now,
            "heartbeat_at": now,
            "runs_started": 0,
        }
        stmt = insert(self._dialect, sweep_agents).values(**values)
        pk = conn.execute(
            stmt.on_conflict_do_nothing(index_elements=["public_id"]).returning(_a.id)
        ).scalar_one_or_none()
        if pk is None:
            raise SweepIdTaken(f"agent id {agent_id} is taken", field="id")
        return _agent(conn.execute(sa.select(sweep_agents).where(_a.id == pk)).one())

    def get_agent(self, conn: Connection, sweep_pk: int, agent_id: str) -> StoredAgent | None:
        stmt = sa.select(sweep_agents).where(_a.sweep_pk == sweep_pk, _a.public_id == agent_id)
        row = conn.execute(stmt).first()
        return None if row is None else _agent(row)

    def list_agents(self, conn: Connection, sweep_pk: int) -> list[StoredAgent]:
        stmt = sa.select(sweep_agents).where(_a.sweep_pk == sweep_pk).order_by(_a.id)
        return [_agent(row) for row in conn.execute(stmt)]

    def touch_agent(
        self,
        conn: Connection,
        pk: int,
        heartbeat_at: float,
        *,
        started: int = 0,
        state: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"heartbeat_at": heartbeat_at}
        if started:
            values["runs_started"] = _a.runs_started + started
        if state is not None:
            values["state"] = state
        conn.execute(sa.update(sweep_agents).where(_a.id == pk).values(**values))
