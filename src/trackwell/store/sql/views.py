"""``ViewStore`` on SQL: saved views, one row each, names unique per (entity, project).

As with layouts, the project is addressed by name, not by a foreign key: a view may be saved before
the project's first run and outlives a project that is emptied. The owner is a foreign key that
becomes NULL when the account is deleted, so a view the team relies on stays (an admin can still
change it). ``layout`` and ``state`` are JSON the service has validated; the store keeps them as
given.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from trackwell.store.base.views import NewView, StoredView, ViewChanges, ViewIdTaken, ViewNameTaken
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, Id, Json, users
from trackwell.store.sql.text_type import NulSafeText

saved_views = Table(
    "saved_views",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("name", String(NAME_LEN), nullable=False),
    Column("description", NulSafeText, nullable=True),
    Column("owner_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("layout", Json, nullable=False),
    Column("state", Json, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    # Also the index of a project's list.
    UniqueConstraint("entity", "project", "name", name="uq_saved_views_entity_project_name"),
)

_v = saved_views.c


def _name_taken(entity: str, project: str, name: str) -> ViewNameTaken:
    return ViewNameTaken(
        f"{entity}/{project} already has a view named {name!r}",
        field="name",
        hint="choose another name, or open that view and update it",
    )


def _select(*, documents: bool) -> sa.Select[Any]:
    columns = [
        _v.public_id,
        _v.entity,
        _v.project,
        _v.name,
        _v.description,
        _v.owner_id,
        users.c.username,
        _v.created_at,
        _v.updated_at,
    ]
    if documents:
        columns += [_v.layout, _v.state]
    return sa.select(*columns).select_from(saved_views.outerjoin(users, users.c.id == _v.owner_id))


def _view(row: sa.Row[Any], *, documents: bool) -> StoredView:
    return StoredView(
        id=row.public_id,
        entity=row.entity,
        project=row.project,
        name=row.name,
        description=row.description,
        owner_id=None if row.owner_id is None else int(row.owner_id),
        owner=row.username,
        created_at=float(row.created_at),
        updated_at=float(row.updated_at),
        layout=row.layout if documents else None,
        state=row.state if documents else None,
    )


class SqlViewStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def _where(self, entity: str, project: str) -> sa.ColumnElement[bool]:
        return sa.and_(_v.entity == entity, _v.project == project)

    def create_view(self, conn: Connection, new: NewView) -> StoredView:
        values = {
            "public_id": new.id,
            "entity": new.entity,
            "project": new.project,
            "name": new.name,
            "description": new.description,
            "owner_id": new.owner_id,
            "layout": new.layout,
            "state": new.state,
            "created_at": new.now,
            "updated_at": new.now,
        }
        # ON CONFLICT DO NOTHING rather than catching the error: on PostgreSQL a failed statement
        # would abort the caller's transaction.
        stmt = insert(self._dialect, saved_views).values(**values).on_conflict_do_nothing()
        pk = conn.execute(stmt.returning(_v.id)).scalar_one_or_none()
        if pk is None:
            clash = sa.select(_v.id).where(self._where(new.entity, new.project), _v.name == new.name)
            if conn.execute(clash).first() is not None:
                raise _name_taken(new.entity, new.project, new.name)
            raise ViewIdTaken(f"view id {new.id} is taken", field="id")
        return _view(conn.execute(_select(documents=True).where(_v.id == pk)).one(), documents=True)

    def get_view(
        self, conn: Connection, entity: str, project: str, view_id: str, *, lock: bool = False
    ) -> StoredView | None:
        stmt = _select(documents=True).where(self._where(entity, project), _v.public_id == view_id)
        if lock:
            stmt = stmt.with_for_update(of=saved_views)  # not the owner's user row
        row = conn.execute(stmt).first()
        return None if row is None else _view(row, documents=True)

    def list_views(self, conn: Connection, entity: str, project: str) -> list[StoredView]:
        stmt = _select(documents=False).where(self._where(entity, project)).order_by(_v.name, _v.id)
        return [_view(row, documents=False) for row in conn.execute(stmt)]

    def count_views(self, conn: Connection, entity: str, project: str) -> int:
        stmt = sa.select(sa.func.count()).select_from(saved_views).where(self._where(entity, project))
        return int(conn.execute(stmt).scalar_one())

    def update_view(
        self, conn: Connection, entity: str, project: str, view_id: str, changes: ViewChanges, now: float
    ) -> StoredView | None:
        values: dict[str, Any] = {"updated_at": now}
        if changes.name is not None:
            values["name"] = changes.name
        if changes.description is not None or changes.clear_description:
            values["description"] = changes.description
        if changes.layout is not None:
            values["layout"] = changes.layout
        if changes.state is not None:
            values["state"] = changes.state
        stmt = sa.update(saved_views).where(self._where(entity, project), _v.public_id == view_id)
        try:
            # A savepoint, so a name clash leaves the caller's transaction usable on PostgreSQL.
            with conn.begin_nested():
                result = conn.execute(stmt.values(**values))
        except IntegrityError:
            raise _name_taken(entity, project, changes.name or "") from None
        if not result.rowcount:
            return None
        return self.get_view(conn, entity, project, view_id)

    def delete_view(self, conn: Connection, entity: str, project: str, view_id: str) -> bool:
        stmt = sa.delete(saved_views).where(self._where(entity, project), _v.public_id == view_id)
        return bool(conn.execute(stmt).rowcount)
