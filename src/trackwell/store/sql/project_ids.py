"""The one way a store finds or creates the row of an entity and of its project.

Runs, artifacts and sweeps each name a project by (entity, project) and keep its integer id. The
first use of a project may come from several writers at once (runs of a new project logged by 100
processes, two agents creating sweeps), so both rows are written with ``INSERT ... ON CONFLICT DO
NOTHING`` and read back: every writer succeeds, where a plain insert would poison the loser's
PostgreSQL transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.tables import entities, projects


def ensure_project(conn: Connection, dialect: Dialect, entity: str, project: str, now: float) -> int:
    """The id of ``entity/project``, created (with its entity) when it does not exist yet.

    An entity created here is a team (the column's default; who may create one is decided before:
    ``server.deps.authorize_project``). A new project of a person's own entity is private, a team's
    project visible to the team (docs/adr/0003)."""
    conn.execute(
        insert(dialect, entities)
        .values(name=entity, created_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    entity_id, kind = conn.execute(
        sa.select(entities.c.id, entities.c.kind).where(entities.c.name == entity)
    ).one()
    visibility = "private" if kind == "user" else "team"
    conn.execute(
        insert(dialect, projects)
        .values(entity_id=entity_id, name=project, created_at=now, visibility=visibility)
        .on_conflict_do_nothing(index_elements=["entity_id", "name"])
    )
    stmt = sa.select(projects.c.id).where(projects.c.entity_id == entity_id, projects.c.name == project)
    return int(conn.execute(stmt).scalar_one())
