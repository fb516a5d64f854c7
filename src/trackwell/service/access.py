"""Who may do what: the only place Trackwell's authorization rules live (docs/adr/0003).

Routes and services never decide access themselves; they call :func:`authorize` with the caller's
:class:`~trackwell.store.base.Principal` (their roles loaded once per request) and what they are
about to touch, or, for lists and queries, take :func:`visible_projects`' scope into their SQL so a
filter never reveals runs of a project the caller cannot see.

The matrix (role in the project's entity x the project's visibility):

===========================  ===========  ===========  ===========
role \\ visibility            private      team         public
===========================  ===========  ===========  ===========
server admin                 everything   everything   everything
entity admin                 everything   everything   everything
member (and service account) read, write  read, write  read, write
viewer                       read         read         read
anyone else signed in        nothing      nothing      read
===========================  ===========  ===========  ===========

A member deletes their own runs; deleting another user's run, deleting a project and changing a
project's visibility need entity admin. Managing an entity's members and service accounts needs
entity admin; managing users and reading the audit log needs server admin.

Something the caller may not read is answered as not found (never "forbidden"), so names of
private projects do not leak; something they may read but not change is answered as forbidden,
naming the role it needs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from trackwell.schema.errors import NotFound, PermissionDenied
from trackwell.store.base import Principal, Role, Visibility


class Action(enum.StrEnum):
    PROJECT_READ = "project.read"  # runs, history, files, artifacts, sweeps, views, reports, queries
    PROJECT_WRITE = "project.write"  # log and edit runs, artifacts, sweeps, views
    RUN_DELETE_OWN = "run.delete_own"  # delete a run the caller created
    PROJECT_DELETE = "project.delete"  # delete others' runs, artifacts, the project
    PROJECT_ADMIN = "project.admin"  # visibility
    ENTITY_ADMIN = "entity.admin"  # members, roles, service accounts
    SERVER_ADMIN = "server.admin"  # users, audit log


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """What an action touches: a project (``project`` None for the entity itself) and its visibility
    (None when the project does not exist yet: creating it is a write to the entity)."""

    entity: str
    project: str | None = None
    visibility: Visibility | None = None


_WRITERS: frozenset[Role] = frozenset({"admin", "member"})
_READERS: frozenset[Role] = frozenset({"admin", "member", "viewer"})
_NEEDS: dict[Action, str] = {
    Action.PROJECT_WRITE: "member",
    Action.RUN_DELETE_OWN: "member",
    Action.PROJECT_DELETE: "admin",
    Action.PROJECT_ADMIN: "admin",
    Action.ENTITY_ADMIN: "admin",
}


def role_in(principal: Principal, entity: str) -> Role | None:
    return principal.roles.get(entity)


def may(principal: Principal, action: Action, resource: ProjectRef) -> bool:
    """Whether ``principal`` may do ``action`` on ``resource`` (the matrix above)."""
    if principal.user.disabled:
        return False
    if principal.user.is_admin:
        return True
    if action is Action.SERVER_ADMIN:
        return False
    role = role_in(principal, resource.entity)
    if action is Action.PROJECT_READ:
        return role in _READERS or resource.visibility == "public"
    if action in (Action.PROJECT_WRITE, Action.RUN_DELETE_OWN):
        return role in _WRITERS
    return role == "admin"  # PROJECT_DELETE, PROJECT_ADMIN, ENTITY_ADMIN


def authorize(principal: Principal, action: Action, resource: ProjectRef) -> None:
    """Returns when allowed; otherwise raises ``NotFound`` when the caller may not even read the
    resource (names of private projects do not leak) or ``PermissionDenied`` naming the role needed."""
    if may(principal, action, resource):
        return
    where = resource.entity if resource.project is None else f"{resource.entity}/{resource.project}"
    if action is Action.SERVER_ADMIN:
        raise PermissionDenied(
            f"{action.value} needs a server admin",
            hint="ask an admin of this server to do it, or to make you an admin",
        )
    if resource.project is not None and not may(principal, Action.PROJECT_READ, resource):
        raise NotFound(
            f"project {where!r} not found",
            hint="check the entity and project names, or ask a team admin to invite you",
        )
    if (
        resource.project is None
        and role_in(principal, resource.entity) is None
        and action is not Action.PROJECT_WRITE
    ):
        raise NotFound(f"entity {where!r} not found", hint="check the entity name")
    needed = _NEEDS.get(action, "viewer")
    raise PermissionDenied(
        f"{action.value} on {where!r} needs the role {needed!r} in {resource.entity!r}",
        field="entity",
        hint=f"ask an admin of {resource.entity!r} to give you the {needed!r} role "
        "(Team.invite, or the admin page)",
    )


@dataclass(frozen=True, slots=True)
class ProjectScope:
    """Which projects a caller can read, for stores to apply in SQL: every project (``everything``),
    else those of ``entities`` plus every ``public`` project."""

    everything: bool
    entities: frozenset[str]


def visible_projects(principal: Principal) -> ProjectScope:
    if principal.user.disabled:
        return ProjectScope(everything=False, entities=frozenset())
    if principal.user.is_admin:
        return ProjectScope(everything=True, entities=frozenset())
    return ProjectScope(everything=False, entities=frozenset(principal.roles))
