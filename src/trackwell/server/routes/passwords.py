"""Setting passwords: your own (``PUT /api/v1/session/password``) and, for server admins, anyone's
(``PUT /api/v1/users/{username}/password``). The policy is ``service/passwords.py``; a change is
recorded in the audit log, never with the password."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from trackwell.schema.errors import InvalidArgument, NotFound, PermissionDenied, Unauthorized
from trackwell.schema.name_types import EntityName
from trackwell.schema.signin import PasswordChange, PasswordSet
from trackwell.server.deps import CurrentPrincipal, ServerAdminDep, ServicesDep
from trackwell.server.routes.ui_session import client_ip
from trackwell.service.audit import AuditAction

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


@router.put("/session/password", status_code=204)
def change_own_password(
    body: PasswordChange, principal: CurrentPrincipal, request: Request, services: ServicesDep
) -> Response:
    user, ip = principal.user, client_ip(request)
    if user.kind != "user":
        raise InvalidArgument("A service account signs in with its API key only", field="new_password")
    if services.passwords.has_password(user):
        if not body.current_password:
            raise InvalidArgument(
                "Your current password is needed to set a new one",
                field="current_password",
                hint="type your current password; if it is forgotten, a server admin can set a new one",
            )
        services.signin_guard.attempt("password", ip=ip, account=user.username)
        try:
            services.passwords.authenticate(user.username, body.current_password)
        except Unauthorized:  # not 401: that would sign the browser out
            raise PermissionDenied(
                "The current password is wrong", field="current_password", hint="type it again"
            ) from None
    services.passwords.set_password(user, body.new_password)
    services.audit.record(AuditAction.PASSWORD_SET, actor=user.username, target=user.username, ip=ip)
    return Response(status_code=204)


@router.put("/users/{username}/password", status_code=204)
def set_user_password(
    username: EntityName,
    body: PasswordSet,
    admin: ServerAdminDep,
    request: Request,
    services: ServicesDep,
) -> Response:
    with services.db.read() as conn:
        user = services.db.users.get_user(conn, username)
    if user is None or user.kind != "user":
        raise NotFound(f"No user named {username!r}", field="username", hint="GET /api/v1/users lists them")
    services.passwords.set_password(user, body.password)
    services.audit.record(
        AuditAction.PASSWORD_SET, actor=admin.user.username, target=user.username, ip=client_ip(request)
    )
    return Response(status_code=204)
