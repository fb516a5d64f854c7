"""Saved views: named workspace layouts of a project, shared by its users (``schema.views``).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.errors import Conflict


class ViewNameTaken(Conflict):
    """The project already has a view of that name."""


class ViewIdTaken(Conflict):
    """Another view got the same random id first; create it again with a new id."""


@dataclass(frozen=True, slots=True)
class NewView:
    id: str
    entity: str
    project: str
    name: str
    description: str | None
    owner_id: int
    layout: dict[str, Any]
    state: dict[str, Any]
    now: float


@dataclass(frozen=True, slots=True)
class ViewChanges:
    """What an update replaces; ``None`` keeps the stored value (``clear_description`` empties it)."""

    name: str | None = None
    description: str | None = None
    clear_description: bool = False
    layout: dict[str, Any] | None = None
    state: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredView:
    id: str
    entity: str
    project: str
    name: str
    description: str | None
    owner_id: int | None  # None once the owner's account is deleted
    owner: str | None  # the owner's username
    created_at: float
    updated_at: float
    layout: dict[str, Any] | None  # None in lists (``list_views`` leaves the documents out)
    state: dict[str, Any] | None


class ViewStore(Protocol):
    """Saved views, addressed by (entity, project, id); names are unique per project."""

    def create_view(self, conn: Connection, new: NewView) -> StoredView:
        """Raises :class:`ViewNameTaken` when the project has a view of that name and
        :class:`ViewIdTaken` when the id is in use (the transaction stays usable either way)."""

    def get_view(
        self, conn: Connection, entity: str, project: str, view_id: str, *, lock: bool = False
    ) -> StoredView | None:
        """With ``lock``, the row stays locked until the transaction ends (PostgreSQL)."""

    def list_views(self, conn: Connection, entity: str, project: str) -> list[StoredView]:
        """The project's views by name, without their documents (``layout``/``state`` None)."""

    def count_views(self, conn: Connection, entity: str, project: str) -> int: ...

    def update_view(
        self, conn: Connection, entity: str, project: str, view_id: str, changes: ViewChanges, now: float
    ) -> StoredView | None:
        """Apply ``changes`` and set ``updated_at``; None when there is no such view. Raises
        :class:`ViewNameTaken` for a name another view of the project has."""

    def delete_view(self, conn: Connection, entity: str, project: str, view_id: str) -> bool:
        """Remove it; False when there was none."""
