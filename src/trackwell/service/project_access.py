"""Who may read a project's shared things and change a saved view, for services: a thin user of
:mod:`trackwell.service.access`, where the rules live (docs/adr/0003).

Routes authorize before the handler runs (``server.deps``); services that take a ``User`` check
again here, so a caller that is not a route (a script, a test) meets the same rule. A saved view is
changed (renamed, overwritten, deleted) by its owner, an admin of its entity, or a server admin.
"""

from __future__ import annotations

from collections.abc import Callable

from trackwell.schema.errors import PermissionDenied
from trackwell.service.access import Action, ProjectRef, authorize, may, missing_entity
from trackwell.store.base import Database, Principal, User


def authorize_project(
    db: Database, principal: Principal, entity: str, project: str, action: Action, report: str | None = None
) -> ProjectRef:
    """Looks up the project's visibility and authorizes ``action`` (``service.access``): the one
    way a caller with a principal and a path is checked (routes through ``server.deps``; other
    protocols call it too). A write to an entity that does not exist may create it only for a
    server admin (as a team); anyone else is told who can create it. ``report``: the action touches
    that report of the project (a report's public link reads only its own)."""
    if principal.user.is_admin and not principal.user.disabled:
        return ProjectRef(entity, project, report=report)  # may do everything: nothing to look up
    with db.read() as conn:
        visibility = db.users.project_visibility(conn, entity, project)
        creates_entity = visibility is None and action is Action.PROJECT_WRITE
        if creates_entity and db.users.get_entity(conn, entity) is None:
            raise missing_entity(entity)
    ref = ProjectRef(entity, project, visibility, report)
    authorize(principal, action, ref)
    return ref


class ProjectAccess:
    def __init__(
        self, db: Database | None = None, principal_of: Callable[[User], Principal] | None = None
    ) -> None:
        # Without them (unit tests of a service alone) only the view-owner rule is checked.
        self._db = db
        self._principal_of = principal_of

    def require_reader(self, user: User, entity: str, project: str, report: str | None = None) -> None:
        """``NotFound`` when ``user`` may not read ``entity/project`` (or its ``report``:
        ``service.access``)."""
        if self._db is None or self._principal_of is None or (user.is_admin and not user.disabled):
            return
        principal = self._principal_of(user)
        authorize_project(self._db, principal, entity, project, Action.PROJECT_READ, report)

    def require_writer(self, user: User, entity: str, project: str) -> None:
        """``PermissionDenied`` (or ``NotFound``) when ``user`` may not write to ``entity/project``."""
        if self._db is None or self._principal_of is None or (user.is_admin and not user.disabled):
            return
        authorize_project(self._db, self._principal_of(user), entity, project, Action.PROJECT_WRITE)

    def may_change_view(self, user: User, owner_id: int | None, entity: str | None = None) -> bool:
        """The owner, an admin of the view's entity, or a server admin (who is left once the
        owner's account is gone)."""
        if user.is_admin or (owner_id is not None and owner_id == user.id):
            return True
        if entity is None or self._principal_of is None:
            return False
        return may(self._principal_of(user), Action.PROJECT_DELETE, ProjectRef(entity))

    def require_view_changer(
        self, user: User, owner_id: int | None, owner: str | None, name: str, entity: str | None = None
    ) -> None:
        if not self.may_change_view(user, owner_id, entity):
            whose = f"its owner ({owner})" if owner else "an admin"
            raise PermissionDenied(
                f"only {whose} or an admin can change the view {name!r}",
                hint="save the workspace as a new view of your own instead",
            )
