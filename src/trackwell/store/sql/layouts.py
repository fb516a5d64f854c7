"""``LayoutStore`` on SQL: one workspace layout document per (user, entity, project).

The project is addressed by name rather than by a foreign key to ``projects``: a layout may be
saved before the project's first run, and it outlives a project that is emptied and refilled. The
document is JSON the service has validated (``schema.layout.WorkspaceLayout``); the store keeps it
as given. Deleting a user deletes their layouts.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, PrimaryKeyConstraint, String, Table

from trackwell.store.base import StoredLayout
from trackwell.store.sql.dialect import Dialect, upsert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, Id, Json

workspace_layouts = Table(
    "workspace_layouts",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("document", Json, nullable=False),
    Column("updated_at", Double, nullable=False),
    PrimaryKeyConstraint("user_id", "entity", "project"),
)


class SqlLayoutStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._upsert = upsert(
            dialect, workspace_layouts, ("user_id", "entity", "project"), ("document", "updated_at")
        )

    def _where(self, user_id: int, entity: str, project: str) -> sa.ColumnElement[bool]:
        t = workspace_layouts.c
        return sa.and_(t.user_id == user_id, t.entity == entity, t.project == project)

    def get_layout(self, conn: Connection, user_id: int, entity: str, project: str) -> StoredLayout | None:
        stmt = sa.select(workspace_layouts.c.document, workspace_layouts.c.updated_at).where(
            self._where(user_id, entity, project)
        )
        row = conn.execute(stmt).first()
        if row is None:
            return None
        document: dict[str, Any] = row.document
        return StoredLayout(document=document, updated_at=float(row.updated_at))

    def put_layout(
        self, conn: Connection, user_id: int, entity: str, project: str, document: dict[str, Any], now: float
    ) -> None:
        conn.execute(
            self._upsert,
            {
                "user_id": user_id,
                "entity": entity,
                "project": project,
                "document": document,
                "updated_at": now,
            },
        )

    def delete_layout(self, conn: Connection, user_id: int, entity: str, project: str) -> bool:
        result = conn.execute(sa.delete(workspace_layouts).where(self._where(user_id, entity, project)))
        return bool(result.rowcount)
