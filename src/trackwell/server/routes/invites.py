"""``POST /api/v1/invites/accept``: joining a team with an invite link (made by a team admin with
``POST /api/v1/teams/{team}/invites``; the token is checked and spent by ``service/identity_invites``).

Signed in (a browser session): the signed-in user joins. Not signed in: an account is made with the
password given (the policy of ``service/passwords.py``) and the username given, or one from the
invite's email; the new account joins and is signed in. Everything about the new account is checked
before the invite is spent, so a rejected password does not burn the link. Attempts are rate-limited
per address like every sign-in.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from trackwell.schema.errors import Conflict, InvalidArgument, PermissionDenied
from trackwell.schema.signin import InviteAccept
from trackwell.schema.ui import SessionInfo
from trackwell.server.deps import ServicesDep
from trackwell.server.responses import json_response
from trackwell.server.routes.ui_auth import current_session
from trackwell.server.routes.ui_session import client_ip, set_session_cookie
from trackwell.server.services import Services
from trackwell.service.audit import AuditAction
from trackwell.service.identity_invites import InviteGrant
from trackwell.service.passwords import check_policy
from trackwell.service.ui_session import CSRF_HEADER
from trackwell.service.usernames import check_username, free_username
from trackwell.store.base import ROLES, User

router = APIRouter(prefix="/api/v1/invites", tags=["sign-in"])


def _check_invited(user: User, grant: InviteGrant) -> None:
    """An invite naming an email is for that account only (checked before the link is spent)."""
    if grant.email is not None and (user.email or "").lower() != grant.email.lower():
        raise PermissionDenied(
            f"This invite is for {grant.email}, not for the account you are signed in with",
            field="token",
            hint=f"sign in as {grant.email}, or ask a team admin of {grant.team!r} for an invite of your own",
        )


def _check_new_account(services: Services, body: InviteAccept) -> None:
    if not body.password:
        raise InvalidArgument(
            "A password is needed to create your account",
            field="password",
            hint="choose a password of 12 characters or more, or sign in first to join with your account",
        )
    check_policy(body.password, username=body.username)
    if body.username:
        check_username(body.username)
        with services.db.read() as conn:
            taken = services.db.users.get_user(conn, body.username) or services.db.users.get_entity(
                conn, body.username
            )
        if taken is not None:
            raise Conflict(
                f"The username {body.username!r} is taken",
                field="username",
                hint="choose another, or leave it empty for one made from the invite's email",
            )


@router.post("/accept", response_model=SessionInfo)
def accept_invite(body: InviteAccept, request: Request, services: ServicesDep) -> Response:
    ip = client_ip(request)
    session = current_session(request)
    if session is not None:  # a change made with the cookie: the CSRF rule of every other change
        services.sessions.check_csrf(session, request.headers.get(CSRF_HEADER))
    services.signin_guard.attempt("invite", ip=ip)
    if session is None:
        _check_new_account(services, body)
    else:
        _check_invited(session.user, services.identity.invites.peek(body.token))
    grant = services.identity.invites.redeem(body.token)
    now = time.time()
    with services.db.begin() as conn:
        user: User
        if session is not None:
            user = session.user
        else:
            assert body.password is not None  # _check_new_account
            username = body.username or free_username(
                services.db, conn, (grant.email or "").partition("@")[0]
            )
            user = services.db.users.create_user(
                conn,
                username,
                is_admin=False,
                now=now,
                email=grant.email,
                password_hash=services.passwords.hash(body.password),
            )
            services.audit.record(AuditAction.USER_CREATE, actor=username, target=username, ip=ip,
                                  detail={"via": "invite", "team": grant.team}, conn=conn)  # fmt: skip
        current = services.db.users.roles_of(conn, user.id).get(grant.team)
        if current is None or ROLES.index(grant.role) < ROLES.index(current):
            # An invite only ever raises a role: a member accepting a viewer link stays a member.
            services.db.users.set_role(conn, grant.team, user.id, grant.role, now=now)
        detail = {"role": grant.role, "invited_by": grant.invited_by}
        services.audit.record(AuditAction.INVITE_ACCEPT, actor=user.username, target=f"team:{grant.team}",
                              ip=ip, detail=detail, conn=conn)  # fmt: skip
    services.auth.forget_roles(user.id)  # the new role applies to this process's next request at once
    cookie, info = services.sessions.start(user)
    services.signin_guard.succeeded("invite", username=user.username, ip=ip)
    response = json_response(info)
    set_session_cookie(response, request, cookie)
    return response
