"""Sign-in and sign-out for the web UI.

``POST /api/v1/session`` trades an API key, or a username (or email) and password, for a session
cookie; ``GET /api/v1/session/login`` trades a one-time token (the link the local server prints and
``trackwell ui`` opens, as Jupyter does) for one and redirects into the UI. Single sign-on is
``routes/oidc.py``. Every attempt is rate-limited per IP and per account and recorded in the audit
log (``service/signin_guard.py``). The answers never echo the key, the password or the token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from trackwell.schema.errors import InvalidArgument, TrackwellError, Unauthorized
from trackwell.schema.ui import LoginLink, SessionCreate, SessionInfo
from trackwell.server.deps import CurrentUser, ServicesDep
from trackwell.server.responses import json_response
from trackwell.server.routes.ui_auth import current_session
from trackwell.service.audit import AuditAction
from trackwell.service.oidc_paths import safe_next_path
from trackwell.service.ui_session import CSRF_HEADER, SESSION_COOKIE, SESSION_SECONDS

router = APIRouter(prefix="/api/v1/session", tags=["ui-session"])


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,  # page scripts never see it
        samesite="strict",  # other sites never send it
        secure=request.url.scheme == "https",
    )


def _not_signed_in() -> Unauthorized:
    return Unauthorized("Not signed in", hint="POST an API key to /api/v1/session, or open a sign-in link")


@router.post("", response_model=SessionInfo)
def sign_in(body: SessionCreate, request: Request, services: ServicesDep) -> Response:
    ip, guard = client_ip(request), services.signin_guard
    if body.api_key and not (body.username or body.password):
        guard.attempt("key", ip=ip)
        try:
            cookie, info = services.sessions.sign_in_with_key(body.api_key)
        except Unauthorized:
            guard.failed("key", account=None, ip=ip, reason="unknown key")
            raise
        method = "key"
    elif body.username and body.password and not body.api_key:
        if not services.settings.signin.passwords:
            raise InvalidArgument(
                "Password sign-in is turned off on this server",
                field="password",
                hint="sign in with single sign-on or an API key (GET /api/v1/auth/methods)",
            )
        guard.attempt("password", ip=ip, account=body.username)
        try:
            user = services.passwords.authenticate(body.username, body.password)
        except TrackwellError:
            guard.failed("password", account=body.username, ip=ip, reason="wrong username or password")
            raise
        cookie, info = services.sessions.start(user)
        method = "password"
    else:
        raise InvalidArgument(
            "Sign in with either api_key, or username and password",
            field="api_key",
            hint='send {"api_key": ...} or {"username": ..., "password": ...}',
        )
    guard.succeeded(method, username=info.username, ip=ip)
    response = json_response(info)
    set_session_cookie(response, request, cookie)
    return response


@router.get("", response_model=SessionInfo)
def get_session(request: Request, services: ServicesDep) -> Response:
    session = current_session(request)
    if session is None:
        raise _not_signed_in()
    return json_response(services.sessions.info(session))


@router.delete("", status_code=204)
def sign_out(request: Request, services: ServicesDep) -> Response:
    session = current_session(request)
    response = Response(status_code=204)
    if session is not None:
        sessions = services.sessions
        # Signing out is a change: a cross-site page must not be able to sign a user out either.
        sessions.check_csrf(session, request.headers.get(CSRF_HEADER))
        sessions.sign_out(session)
        services.audit.record(AuditAction.LOGOUT, actor=session.user.username, ip=client_ip(request))
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/login", include_in_schema=True, response_class=RedirectResponse, status_code=303)
def login_with_token(
    request: Request,
    services: ServicesDep,
    token: Annotated[str, Query(description="One-time sign-in token from the link.")] = "",
    next: Annotated[str, Query(description="Where to go after signing in (a path in the UI).")] = "/",
) -> Response:
    cookie, info = services.sessions.redeem_login_token(token)
    services.signin_guard.succeeded("link", username=info.username, ip=client_ip(request))
    response = RedirectResponse(safe_next_path(next), status_code=303, headers={"Cache-Control": "no-store"})
    set_session_cookie(response, request, cookie)
    return response


@router.post("/login-link", response_model=LoginLink)
def create_login_link(user: CurrentUser, request: Request, services: ServicesDep) -> Response:
    """A one-time sign-in link for the caller (``trackwell ui`` asks with the local API key)."""
    token, expires_at = services.sessions.login_token(user)
    url = str(request.base_url).rstrip("/") + f"/api/v1/session/login?token={token}"
    return json_response(LoginLink(url=url, expires_at=expires_at))
