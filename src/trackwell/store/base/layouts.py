"""Saved workspace layouts, one per (user, entity, project).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class StoredLayout:
    document: dict[str, Any]
    updated_at: float


class LayoutStore(Protocol):
    """Workspace layouts (validated JSON documents), one per (user, entity, project)."""

    def get_layout(
        self, conn: Connection, user_id: int, entity: str, project: str
    ) -> StoredLayout | None: ...

    def put_layout(
        self, conn: Connection, user_id: int, entity: str, project: str, document: dict[str, Any], now: float
    ) -> None:
        """Insert or replace the user's layout of the project."""

    def delete_layout(self, conn: Connection, user_id: int, entity: str, project: str) -> bool:
        """Remove it; False when there was none."""
