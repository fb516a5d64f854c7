"""What routes receive: the process's services (built once: :mod:`trackwell.server.services`), the
caller (a :class:`~trackwell.store.base.Principal`: user and roles), and the project or run
addressed by the path, already authorized.

Every route under ``/api/`` takes one of the authorizing dependencies at the end of this module
(``tests/unit/test_route_authorization.py`` walks the app and fails on a route without one): a
project- or run-addressed route names the action it does (read, write, delete), and the dependency
calls :func:`trackwell.service.access.authorize` before the handler runs. Routes addressed by
something else (the caller, a blob digest, a body naming many runs) take ``CurrentPrincipal`` and
scope what they answer with ``visible_projects``.

Keys arrive as ``Authorization: Bearer <key>`` or as HTTP basic auth with any user name (the
wandb client sends ``api:<key>``); the web UI instead sends its session cookie (``ui_auth``). A
request with no key that presents a report's public link (``X-Trackwell-Report-Link``, or on a
GET the ``report_link`` query parameter, for media the browser fetches itself) is that
link's anonymous, read-only caller, even in a signed-in browser (it only ever narrows access):
checked against the database on every request, so a revoked link is refused at once, and limited
to the routes ``server.link_access`` names.
Dependencies are plain ``def`` where they touch the database, so FastAPI runs them in its thread
pool, never on the event loop. The two every request meets are ``async`` instead: FastAPI hands
each plain ``def`` dependency to a worker thread (~0.1-0.3 ms of a busy event loop per hand-off),
which made the services lookup and the key check a large part of a small blob request's cost.
The services are an attribute read; a key :class:`~trackwell.service.auth.AuthService` checked
within its cache period is answered from memory; only a new key or a browser session (both touch
the database) still goes to a worker thread.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from trackwell.schema.errors import Unauthorized
from trackwell.schema.name_types import EntityName, ProjectName, RunId
from trackwell.schema.report_links import LINK_HEADER, LINK_PARAMETER
from trackwell.server.link_access import refuse_outside_link_reads
from trackwell.server.routes.ui_auth import session_user
from trackwell.server.services import Services
from trackwell.service.access import (
    Action,
    ProjectRef,
    authorize,
    authorize_run_delete,
)
from trackwell.service.project_access import authorize_project as authorize_in_project
from trackwell.store.base import Principal, RunKey, User


async def services_dep(request: Request) -> Services:
    """The app's services (``server/services.py``), read on the event loop (no thread hand-off)."""
    services: Services = request.app.state.services
    return services


# Every service a route needs: ``services: ServicesDep``, then ``services.<name>`` (server/services.py).
ServicesDep = Annotated[Services, Depends(services_dep)]


def api_key_from_header(authorization: str | None) -> str | None:
    """The key in an ``Authorization`` header; ``Unauthorized`` for a header we cannot read."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer" and credentials:
        return credentials
    if scheme == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        _, sep, password = decoded.partition(":")
        if sep and password:
            return password
    raise Unauthorized(
        "The Authorization header is not in a form this server reads",
        hint="send 'Authorization: Bearer <key>' or HTTP basic auth with user 'api' and the key as password",
    )


async def current_user(request: Request, services: ServicesDep) -> User:
    key = api_key_from_header(request.headers.get("authorization"))
    user = services.auth.cached(key)  # memory only: a key checked within the last 30 s
    if user is not None:
        return user
    return await run_in_threadpool(_user_from_database, request, services, key)


def _user_from_database(request: Request, services: Services, key: str | None) -> User:
    link = request.headers.get(LINK_HEADER)
    if link is None and request.method in ("GET", "HEAD"):  # an <img> of the public page
        link = request.query_params.get(LINK_PARAMETER)
    if key is None and link is not None:
        holder = services.report_links.user_for_token(link.strip())
        refuse_outside_link_reads(request)
        return holder
    if key is None:
        user = session_user(request)
        if user is not None:
            return user
    return services.auth.authenticate(key)


CurrentUser = Annotated[User, Depends(current_user)]


async def current_principal(user: CurrentUser, services: ServicesDep) -> Principal:
    """The caller with their roles: from memory within the key cache's period, else one query."""
    if user.disabled:  # a browser session outliving the account's disabling
        raise Unauthorized("This account is disabled", hint="ask a server admin to enable it")
    found = services.auth.cached_principal(user)
    if found is not None:
        return found
    return await run_in_threadpool(services.auth.principal, user)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


# Path segments arrive percent-decoded ("wandb%20tutorial" -> "wandb tutorial") and are checked
# by the same rule as the SDK's settings (schema/names.py).
EntityPath = Annotated[EntityName, Path()]
ProjectPath = Annotated[ProjectName, Path()]
RunIdPath = Annotated[RunId, Path()]


async def run_key(entity: EntityPath, project: ProjectPath, run_id: RunIdPath) -> RunKey:
    return RunKey(entity=entity, project=project, run_id=run_id)


RunKeyDep = Annotated[RunKey, Depends(run_key)]


# --- authorizing dependencies ------------------------------------------------------------------


def _sees_everything(principal: Principal) -> bool:
    # A server admin may do everything (service.access): no lookup, so the local zero-setup user's
    # requests (and the benchmarks) cost what they did before authorization existed.
    return principal.user.is_admin and not principal.user.disabled


def authorize_project(
    services: Services, principal: Principal, entity: str, project: str, action: Action
) -> ProjectRef:
    """``service.project_access.authorize_project`` with this process's database."""
    return authorize_in_project(services.db, principal, entity, project, action)


def _project_dependency(action: Action) -> Callable[..., Awaitable[ProjectRef]]:
    async def dependency(
        entity: EntityPath, project: ProjectPath, principal: CurrentPrincipal, services: ServicesDep
    ) -> ProjectRef:
        if _sees_everything(principal):
            return ProjectRef(entity, project)
        return await run_in_threadpool(authorize_project, services, principal, entity, project, action)

    dependency.__name__ = dependency.__qualname__ = f"authorize_{action.name.lower()}"
    return dependency


def _run_dependency(action: Action) -> Callable[..., Awaitable[RunKey]]:
    async def dependency(key: RunKeyDep, principal: CurrentPrincipal, services: ServicesDep) -> RunKey:
        if not _sees_everything(principal):
            await run_in_threadpool(authorize_project, services, principal, key.entity, key.project, action)
        return key

    dependency.__name__ = dependency.__qualname__ = f"authorize_run_{action.name.lower()}"
    return dependency


def _authorize_run_delete(services: Services, principal: Principal, key: RunKey) -> None:
    with services.db.read() as conn:
        visibility = services.db.users.project_visibility(conn, key.entity, key.project)
        stored = services.db.runs.get_run(conn, key)
    ref = ProjectRef(key.entity, key.project, visibility)
    if stored is None:  # readers are told it does not exist (by the handler); others, the project
        authorize(principal, Action.PROJECT_READ, ref)
        return
    authorize_run_delete(principal, ref, stored.owner_id)


async def authorize_run_deletion(
    key: RunKeyDep, principal: CurrentPrincipal, services: ServicesDep
) -> RunKey:
    """A member deletes their own runs; others' runs need an admin of the entity."""
    if not _sees_everything(principal):
        await run_in_threadpool(_authorize_run_delete, services, principal, key)
    return key


async def authorize_report_read(
    entity: EntityPath,
    project: ProjectPath,
    report_id: Annotated[str, Path()],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> ProjectRef:
    """Reading one report: a reader of its project, or the holder of that report's public link."""
    if _sees_everything(principal):
        return ProjectRef(entity, project, report=report_id)
    return await run_in_threadpool(
        authorize_in_project, services.db, principal, entity, project, Action.PROJECT_READ, report_id
    )


authorize_read = _project_dependency(Action.PROJECT_READ)
authorize_write = _project_dependency(Action.PROJECT_WRITE)
authorize_delete = _project_dependency(Action.PROJECT_DELETE)
authorize_admin = _project_dependency(Action.PROJECT_ADMIN)
authorize_run_read = _run_dependency(Action.PROJECT_READ)
authorize_run_write = _run_dependency(Action.PROJECT_WRITE)

# For a route's ``dependencies=[...]`` when the handler keeps its own ``entity``/``project`` params.
READS_PROJECT = Depends(authorize_read)
READS_REPORT = Depends(authorize_report_read)  # a route with {report_id} that reads that report
WRITES_PROJECT = Depends(authorize_write)
DELETES_IN_PROJECT = Depends(authorize_delete)
ADMINS_PROJECT = Depends(authorize_admin)
# The run of the path, authorized: take one of these instead of ``RunKeyDep``.
RunReadKey = Annotated[RunKey, Depends(authorize_run_read)]
RunWriteKey = Annotated[RunKey, Depends(authorize_run_write)]
RunDeleteKey = Annotated[RunKey, Depends(authorize_run_deletion)]
ProjectReadDep = Annotated[ProjectRef, Depends(authorize_read)]
ProjectWriteDep = Annotated[ProjectRef, Depends(authorize_write)]
ProjectAdminDep = Annotated[ProjectRef, Depends(authorize_admin)]


async def authorize_team_admin(team: Annotated[EntityName, Path()], principal: CurrentPrincipal) -> str:
    """For ``/teams/{team}/...`` routes that change a team (members, service accounts, invites)."""
    authorize(principal, Action.ENTITY_ADMIN, ProjectRef(team))
    return team


async def authorize_team_reader(team: Annotated[EntityName, Path()], principal: CurrentPrincipal) -> str:
    """For ``/teams/{team}`` reads: its members (any role) and server admins."""
    authorize(principal, Action.PROJECT_READ, ProjectRef(team))
    return team


async def authorize_server_admin(principal: CurrentPrincipal) -> Principal:
    authorize(principal, Action.SERVER_ADMIN, ProjectRef(""))
    return principal


TeamAdminDep = Annotated[str, Depends(authorize_team_admin)]
TeamReaderDep = Annotated[str, Depends(authorize_team_reader)]
ServerAdminDep = Annotated[Principal, Depends(authorize_server_admin)]

# What the route walk accepts as authorization, by what the route is addressed by: a project or
# run (``{entity}/{project}`` in the path), a team (``{team}``), or anything else (the caller, a
# digest, a body), where being signed in is the check and the handler scopes its answer.
PROJECT_AUTHORIZERS = frozenset(
    {
        authorize_read,
        authorize_report_read,
        authorize_write,
        authorize_delete,
        authorize_admin,
        authorize_run_read,
        authorize_run_write,
        authorize_run_deletion,
    }
)
TEAM_AUTHORIZERS = frozenset({authorize_team_admin, authorize_team_reader, authorize_server_admin})
SIGNED_IN = frozenset({current_principal, current_user})
