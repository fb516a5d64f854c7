"""Teams, their members and roles, service accounts and invite links; and the server admin's audit
log and storage usage. Thin: parse, call ``services.identity`` (service/identity.py), answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from trackwell.schema.identity import (
    AuditEventOut,
    InviteCreate,
    InviteOut,
    MemberOut,
    MemberSet,
    ProjectUsageOut,
    ServiceAccountCreate,
    ServiceAccountOut,
    TeamCreate,
    TeamDetailOut,
    TeamOut,
)
from trackwell.server.deps import EntityPath, ServicesDep
from trackwell.server.responses import json_response
from trackwell.server.routes.identity_users import CallerDep, UserPath, json_list

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.get("/teams", response_model=list[TeamOut])
def list_teams(caller: CallerDep, services: ServicesDep) -> Response:
    """Your teams with your role (every team for a server admin)."""
    return json_list(services.identity.teams.list(caller))


@router.post("/teams", response_model=TeamOut, status_code=201)
def create_team(body: TeamCreate, caller: CallerDep, services: ServicesDep) -> Response:
    """A new team; you (or ``admin_username``) become its admin."""
    return json_response(
        services.identity.teams.create(caller, body.name, body.admin_username), status_code=201
    )


@router.get("/teams/{team}", response_model=TeamDetailOut)
def get_team(team: EntityPath, caller: CallerDep, services: ServicesDep) -> Response:
    """The team's members and roles (its members, and server admins)."""
    return json_response(services.identity.teams.detail(caller, team))


@router.put("/teams/{team}/members/{user}", response_model=MemberOut)
def set_member(
    team: EntityPath, user: UserPath, body: MemberSet, caller: CallerDep, services: ServicesDep
) -> Response:
    """Add an existing user (by username or email) or change their role (team admins)."""
    return json_response(services.identity.teams.set_role(caller, team, user, body.role))


@router.delete("/teams/{team}/members/{user}", status_code=204)
def remove_member(team: EntityPath, user: UserPath, caller: CallerDep, services: ServicesDep) -> Response:
    """Remove a member (team admins), or leave (yourself); 409 for the team's last admin."""
    services.identity.teams.remove(caller, team, user)
    return Response(status_code=204)


@router.post("/teams/{team}/service-accounts", response_model=ServiceAccountOut, status_code=201)
def create_service_account(
    team: EntityPath, body: ServiceAccountCreate, caller: CallerDep, services: ServicesDep
) -> Response:
    """A service account of the team and its key, shown this once (team admins)."""
    created = services.identity.teams.create_service_account(caller, team, body.description)
    return json_response(created, status_code=201, headers={"Cache-Control": "no-store"})


@router.post("/teams/{team}/invites", response_model=InviteOut, status_code=201)
def create_invite(
    team: EntityPath, body: InviteCreate, request: Request, caller: CallerDep, services: ServicesDep
) -> Response:
    """A one-time invite link to the team with a role (team admins); valid for 7 days."""
    invite = services.identity.invites.create(caller, team, body.role, body.email, str(request.base_url))
    return json_response(invite, status_code=201, headers={"Cache-Control": "no-store"})


@router.get("/admin/audit", response_model=list[AuditEventOut])
def audit_log(
    caller: CallerDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1, description="Events older than this event id.")] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,64}$", description="e.g. key.create")] = None,
) -> Response:
    """Security events, newest first (server admins); page with ``before=<last id>``."""
    return json_list(services.identity.audit_events(caller, limit=limit, before_id=before, action=action))


@router.get("/admin/storage", response_model=list[ProjectUsageOut])
def storage(caller: CallerDep, services: ServicesDep) -> Response:
    """What each project holds: runs, file and artifact bytes, history rows (server admins)."""
    return json_list(services.identity.storage(caller))
