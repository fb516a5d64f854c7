"""Who may read a project's shared things and change a saved view: the one place these rules live.

Today every signed-in user sees every project (there are no teams or roles yet), so reading is
always allowed; a saved view is changed (renamed, overwritten, deleted) only by its owner or an
admin. Issue 14 (teams and roles, docs/adr/0003) tightens :meth:`ProjectAccess.require_reader` here
(to ``authorize(principal, project.read, project)``); services call it and never decide access
themselves.
"""

from __future__ import annotations

from trackwell.schema.errors import PermissionDenied
from trackwell.store.base import User


class ProjectAccess:
    def require_reader(self, user: User, entity: str, project: str) -> None:
        """Raises ``PermissionDenied`` when ``user`` may not see ``entity/project`` (never, today)."""
        del user, entity, project

    def may_change_view(self, user: User, owner_id: int | None) -> bool:
        """The owner, or an admin (the only one left once the owner's account is gone)."""
        return user.is_admin or (owner_id is not None and owner_id == user.id)

    def require_view_changer(self, user: User, owner_id: int | None, owner: str | None, name: str) -> None:
        if not self.may_change_view(user, owner_id):
            whose = f"its owner ({owner})" if owner else "an admin"
            raise PermissionDenied(
                f"only {whose} or an admin can change the view {name!r}",
                hint="save the workspace as a new view of your own instead",
            )
