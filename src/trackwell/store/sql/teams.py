"""Teams (entities), memberships with roles, and project visibility on SQL (part of ``UserStore``)."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.store.base import ROLES, VISIBILITIES, EntityKind, Member, Role, StoredEntity, User, Visibility
from trackwell.store.sql.tables import entities, memberships, projects, users


def _entity(row: sa.Row[Any]) -> StoredEntity:
    return StoredEntity(name=row.name, kind=row.kind, created_at=row.created_at)


def _entity_id(conn: Connection, name: str) -> int:
    entity_id = conn.execute(sa.select(entities.c.id).where(entities.c.name == name)).scalar_one_or_none()
    if entity_id is None:
        raise NotFound(f"entity {name!r} not found", field="entity", hint="check the team's name")
    return int(entity_id)


class SqlTeams:
    def create_team(self, conn: Connection, name: str, *, now: float) -> StoredEntity:
        if self.get_entity(conn, name) is not None:
            raise Conflict(
                f"an entity named {name!r} already exists", field="team", hint="choose another name"
            )
        conn.execute(sa.insert(entities).values(name=name, created_at=now, kind="team"))
        return StoredEntity(name=name, kind="team", created_at=now)

    def get_entity(self, conn: Connection, name: str) -> StoredEntity | None:
        row = conn.execute(sa.select(entities).where(entities.c.name == name)).first()
        return None if row is None else _entity(row)

    def list_entities(self, conn: Connection, kind: EntityKind | None = None) -> list[StoredEntity]:
        stmt = sa.select(entities).order_by(entities.c.name)
        if kind is not None:
            stmt = stmt.where(entities.c.kind == kind)
        return [_entity(row) for row in conn.execute(stmt)]

    def _has_members(self, conn: Connection, name: str) -> bool:
        stmt = (
            sa.select(sa.func.count())
            .select_from(memberships.join(entities, entities.c.id == memberships.c.entity_id))
            .where(entities.c.name == name)
        )
        return int(conn.execute(stmt).scalar_one()) > 0

    def set_role(self, conn: Connection, entity: str, user_id: int, role: Role, *, now: float) -> None:
        if role not in ROLES:
            raise InvalidArgument(
                f"unknown role {role!r}", field="role", hint=f"use one of {', '.join(ROLES)}"
            )
        entity_id = _entity_id(conn, entity)
        changed = conn.execute(
            sa.update(memberships)
            .where(memberships.c.entity_id == entity_id, memberships.c.user_id == user_id)
            .values(role=role)
        ).rowcount
        if not changed:
            conn.execute(
                sa.insert(memberships).values(entity_id=entity_id, user_id=user_id, role=role, created_at=now)
            )

    def remove_member(self, conn: Connection, entity: str, user_id: int) -> bool:
        entity_id = _entity_id(conn, entity)
        stmt = sa.delete(memberships).where(
            memberships.c.entity_id == entity_id, memberships.c.user_id == user_id
        )
        return conn.execute(stmt).rowcount > 0

    def members(self, conn: Connection, entity: str) -> list[Member]:
        from trackwell.store.sql.users import USER_COLUMNS, user_from_row

        team = entities.alias("team")
        stmt = (
            sa.select(*USER_COLUMNS, memberships.c.role, memberships.c.created_at.label("since"))
            .select_from(memberships)
            .join(users, users.c.id == memberships.c.user_id)
            .join(entities, entities.c.id == users.c.entity_id)
            .join(team, team.c.id == memberships.c.entity_id)
            .where(team.c.name == entity)
            .order_by(users.c.username)
        )
        out: list[Member] = []
        for row in conn.execute(stmt):
            user: User = user_from_row(row)
            out.append(Member(user=user, entity=entity, role=row.role, since=row.since))
        return out

    def roles_of(self, conn: Connection, user_id: int) -> dict[str, Role]:
        stmt = (
            sa.select(entities.c.name, memberships.c.role)
            .join(entities, entities.c.id == memberships.c.entity_id)
            .where(memberships.c.user_id == user_id)
        )
        return {row.name: cast(Role, row.role) for row in conn.execute(stmt)}

    def project_visibility(self, conn: Connection, entity: str, project: str) -> Visibility | None:
        stmt = (
            sa.select(projects.c.visibility)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(entities.c.name == entity, projects.c.name == project)
        )
        return cast(Visibility | None, conn.execute(stmt).scalar_one_or_none())

    def set_project_visibility(
        self, conn: Connection, entity: str, project: str, visibility: Visibility
    ) -> None:
        if visibility not in VISIBILITIES:
            raise InvalidArgument(
                f"unknown visibility {visibility!r}",
                field="visibility",
                hint=f"use one of {', '.join(VISIBILITIES)}",
            )
        entity_id = _entity_id(conn, entity)
        changed = conn.execute(
            sa.update(projects)
            .where(projects.c.entity_id == entity_id, projects.c.name == project)
            .values(visibility=visibility)
        ).rowcount
        if not changed:
            raise NotFound(f"project {entity}/{project} not found", field="project")
