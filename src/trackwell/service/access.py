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

The holder of a report's public link (``User.link``: no account, docs/reports.md "Sharing") reads
that report and the projects its current version's runsets draw from, and nothing else: any other
project or report is not found, and every change to those it reads is forbidden.

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
from trackwell.store.base import Principal, Role, User, Visibility
from trackwell.store.base.report_links import ReportLinkGrant
from trackwell.store.base.scope import EVERY_PROJECT, ProjectScope


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
    (None when the project does not exist yet: creating it is a write to the entity); ``report``
    when the action touches one report of the project (what a report's public link may read)."""

    entity: str
    project: str | None = None
    visibility: Visibility | None = None
    report: str | None = None


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
    if principal.user.link is not None:
        return action is Action.PROJECT_READ and _link_reads(principal.user.link, resource)
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
    resource (names of private projects do not leak) or ``PermissionDenied`` naming the role needed.

    A write by someone with no role in the entity is refused the same way whether the project
    exists or not (so a write never tells whether a private project exists), naming the team and
    the fix: this is the message ``init(entity=team)`` shows to a non-member."""
    if may(principal, action, resource):
        return
    where = resource.entity if resource.project is None else f"{resource.entity}/{resource.project}"
    if principal.user.link is not None:
        raise _refused_to_link(principal.user.link, action, resource, where)
    role = role_in(principal, resource.entity)
    if action is Action.SERVER_ADMIN:
        raise PermissionDenied(
            f"{action.value} needs a server admin",
            hint="ask an admin of this server to do it, or to make you an admin",
        )
    if action is Action.PROJECT_WRITE and role is None:
        raise not_a_member(principal, resource.entity)
    if not may(principal, Action.PROJECT_READ, resource):
        if resource.project is None:
            raise NotFound(f"entity {where!r} not found", field="entity", hint="check the entity name")
        raise NotFound(
            f"project {where!r} not found",
            field="project",
            hint="check the entity and project names, or ask a team admin to invite you",
        )
    needed = _NEEDS.get(action, "viewer")
    raise PermissionDenied(
        f"{action.value} on {where!r} needs the role {needed!r} in {resource.entity!r}"
        + (f" (you are {role!r})" if role else ""),
        field="entity",
        hint=f"ask an admin of {resource.entity!r} to give you the {needed!r} role "
        "(Team.invite, or the admin page)",
    )


def _link_reads(grant: ReportLinkGrant, resource: ProjectRef) -> bool:
    """A public link reads its report (not another of the same project) and, whole, the projects
    its report's current version's runsets draw from."""
    if resource.report is not None:
        return (resource.entity, resource.project, resource.report) == (
            grant.entity,
            grant.project,
            grant.report_id,
        )
    return resource.project is not None and (resource.entity, resource.project) in grant.projects


def _refused_to_link(
    grant: ReportLinkGrant, action: Action, resource: ProjectRef, where: str
) -> NotFound | PermissionDenied:
    """What a public link may read (and its report's own project) is forbidden to change; anything
    else does not exist, as far as the link is concerned."""
    linked = {(grant.entity, grant.project), *grant.projects}
    changes = action is not Action.PROJECT_READ
    if (
        changes
        and (resource.entity, resource.project) in linked
        and resource.report in (None, grant.report_id)
    ):
        return PermissionDenied(
            f"a public report link only reads; changing {where!r} needs a signed-in member",
            hint="sign in with an account that is a member of the team",
        )
    if resource.report is not None:
        return NotFound(f"{where} has no report {resource.report!r}", field="report_id")
    return NotFound(
        f"project {where!r} not found",
        field="project",
        hint="a public report link reads only its report and the projects its panels draw from",
    )


def not_a_member(principal: Principal, entity: str) -> PermissionDenied:
    return PermissionDenied(
        f"{principal.user.username!r} is not a member of the team {entity!r}, so it cannot log there",
        field="entity",
        hint=f"ask an admin of {entity!r} to invite you (Team.invite), or log to your own entity "
        f"{principal.user.entity!r}",
    )


def missing_entity(entity: str) -> NotFound:
    """A write to an entity that does not exist, by someone who may not create it (only a server
    admin's write creates a missing entity, as a team: the zero-setup server logs anywhere)."""
    return NotFound(
        f"the team {entity!r} does not exist on this server",
        field="entity",
        hint=f"ask a server admin to create the team {entity!r} (Api().create_team) and a team admin "
        "to invite you, or log to your own entity",
    )


def authorize_run_delete(principal: Principal, resource: ProjectRef, owner_id: int | None) -> None:
    """A member deletes the runs they created; another user's run (or one created before runs had
    owners) needs an admin of the entity. Archiving and unarchiving a run follow this same rule
    (``service.run_bulk``)."""
    if (
        owner_id is not None
        and owner_id == principal.user.id
        and may(principal, Action.RUN_DELETE_OWN, resource)
    ):
        return
    try:
        authorize(principal, Action.PROJECT_DELETE, resource)
    except PermissionDenied as exc:  # they may read the project: saying whose run it is leaks nothing
        raise PermissionDenied(
            f"deleting another user's run in {resource.entity}/{resource.project} needs the role "
            f"'admin' in {resource.entity!r}; members delete the runs they created",
            field="entity",
            hint=exc.hint,
        ) from None


def visible_projects(principal: Principal) -> ProjectScope:
    if principal.user.disabled:
        return ProjectScope(everything=False, entities=frozenset())
    if principal.user.link is not None:  # not signed in: not even public projects
        return ProjectScope(
            everything=False, entities=frozenset(), projects=principal.user.link.projects, public=False
        )
    if principal.user.is_admin:
        return EVERY_PROJECT
    return ProjectScope(everything=False, entities=frozenset(principal.roles))


# --- accounts and teams (issue 14's identity routes) --------------------------------------------


def authorize_account(principal: Principal, target: User) -> None:
    """A user's own account (their keys, their details) is theirs and a server admin's; anyone else
    is told it does not exist, so usernames and emails cannot be probed."""
    if principal.user.disabled:
        raise NotFound(f"user {target.username!r} not found", field="username")
    if principal.user.id == target.id or principal.user.is_admin:
        return
    raise NotFound(
        f"user {target.username!r} not found",
        field="username",
        hint="you can see only your own account; a server admin sees every account",
    )


def authorize_member_removal(principal: Principal, team: str, target: User) -> None:
    """Anyone may leave a team; removing somebody else needs entity admin."""
    if principal.user.id == target.id and not principal.user.disabled:
        return
    authorize(principal, Action.ENTITY_ADMIN, ProjectRef(team))


def authorize_team_creation(principal: Principal, *, open_to_everyone: bool) -> None:
    """A server admin creates teams; so does any signed-in user when the server's
    ``allow_team_creation`` is on (the default, as on W&B)."""
    signed_in = not principal.user.disabled and principal.user.link is None
    if open_to_everyone and signed_in and principal.user.kind == "user":
        return
    if principal.user.is_admin and not principal.user.disabled:
        return
    raise PermissionDenied(
        "creating teams needs a server admin on this server (allow_team_creation is off)",
        field="name",
        hint="ask an admin of this server to create the team (Api().create_team) and make you its admin",
    )
