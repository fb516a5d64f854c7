"""Saved views: named workspace layouts of a project, shared with everyone who can see it
(``schema.views``). The rules: names unique per project, at most ``MAX_VIEWS_PER_PROJECT`` views per
project, a layout within the layout's size limit, and who may change a view (``project_access``).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.layout import WorkspaceLayout
from trackwell.schema.views import (
    MAX_VIEWS_PER_PROJECT,
    ViewCreate,
    ViewList,
    ViewOut,
    ViewState,
    ViewSummary,
    ViewUpdate,
)
from trackwell.service.layouts import layout_document
from trackwell.service.project_access import ProjectAccess
from trackwell.service.short_ids import ID_TRIES, new_short_id
from trackwell.store.base import Database, NewView, StoredView, User, ViewChanges, ViewIdTaken


class ViewService:
    def __init__(
        self,
        db: Database,
        access: ProjectAccess | None = None,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = new_short_id,
    ) -> None:
        self._db = db
        self._access = access or ProjectAccess()
        self._clock = clock
        self._new_id = new_id

    def _summary(self, user: User, view: StoredView) -> ViewSummary:
        return ViewSummary(
            id=view.id,
            entity=view.entity,
            project=view.project,
            name=view.name,
            description=view.description,
            owner=view.owner,
            created_at=view.created_at,
            updated_at=view.updated_at,
            can_edit=self._access.may_change_view(user, view.owner_id, view.entity),
        )

    def _out(self, user: User, view: StoredView) -> ViewOut:
        return ViewOut(
            **self._summary(user, view).model_dump(),
            layout=WorkspaceLayout.model_validate(view.layout or {}),
            state=ViewState.model_validate(view.state or {}),
        )

    def list_views(self, user: User, entity: str, project: str) -> ViewList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            views = self._db.views.list_views(conn, entity, project)
        return ViewList(views=[self._summary(user, v) for v in sorted(views, key=_menu_order)])

    def get(self, user: User, entity: str, project: str, view_id: str) -> ViewOut:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            view = self._db.views.get_view(conn, entity, project, view_id)
        if view is None:
            raise _not_found(entity, project, view_id)
        return self._out(user, view)

    def create(self, user: User, entity: str, project: str, body: ViewCreate) -> ViewOut:
        self._access.require_reader(user, entity, project)
        layout = layout_document(body.layout, field="layout")
        state = body.state.model_dump(mode="json", exclude_none=True)
        for _ in range(ID_TRIES):
            try:
                with self._db.begin() as conn:
                    if self._db.views.count_views(conn, entity, project) >= MAX_VIEWS_PER_PROJECT:
                        raise InvalidArgument(
                            f"{entity}/{project} has {MAX_VIEWS_PER_PROJECT} saved views, the most a "
                            "project may have",
                            field="name",
                            hint="delete views nobody uses any more",
                        )
                    new = NewView(
                        id=self._new_id(),
                        entity=entity,
                        project=project,
                        name=body.name,
                        description=body.description,
                        owner_id=user.id,
                        layout=layout,
                        state=state,
                        now=self._clock(),
                    )
                    return self._out(user, self._db.views.create_view(conn, new))
            except ViewIdTaken:
                continue
        raise ViewIdTaken("could not find a free view id; try again", field="id")

    def update(self, user: User, entity: str, project: str, view_id: str, body: ViewUpdate) -> ViewOut:
        self._access.require_reader(user, entity, project)
        given = body.model_fields_set
        changes = ViewChanges(
            name=body.name if "name" in given else None,
            description=body.description,
            clear_description="description" in given and body.description is None,
            layout=layout_document(body.layout, field="layout") if body.layout is not None else None,
            state=body.state.model_dump(mode="json", exclude_none=True) if body.state is not None else None,
        )
        with self._db.begin() as conn:
            view = self._db.views.get_view(conn, entity, project, view_id, lock=True)
            if view is None:
                raise _not_found(entity, project, view_id)
            self._access.require_view_changer(user, view.owner_id, view.owner, view.name, view.entity)
            updated = self._db.views.update_view(conn, entity, project, view_id, changes, self._clock())
        assert updated is not None  # locked above
        return self._out(user, updated)

    def delete(self, user: User, entity: str, project: str, view_id: str) -> None:
        self._access.require_reader(user, entity, project)
        with self._db.begin() as conn:
            view = self._db.views.get_view(conn, entity, project, view_id, lock=True)
            if view is None:
                raise _not_found(entity, project, view_id)
            self._access.require_view_changer(user, view.owner_id, view.owner, view.name, view.entity)
            self._db.views.delete_view(conn, entity, project, view_id)


def _menu_order(view: StoredView) -> tuple[str, str]:
    """As a reader looks for a name in the menu: case and accents aside ("Émile" among the e's),
    the same on every backend (a database's own order follows its collation: SQLite's puts every
    capital first, PostgreSQL's its locale's)."""
    letters = unicodedata.normalize("NFKD", view.name)
    return ("".join(c for c in letters if not unicodedata.combining(c)).casefold(), view.name)


def _not_found(entity: str, project: str, view_id: str) -> NotFound:
    return NotFound(
        f"{entity}/{project} has no saved view {view_id!r}",
        field="view_id",
        hint="it may have been deleted; GET /api/v1/views/{entity}/{project} lists the views",
    )
