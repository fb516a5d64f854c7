"""Single sign-on (OpenID Connect) and what the sign-in page offers. No sign-in needed for any of these.

``GET /api/v1/auth/methods`` lists the ways to sign in; ``GET /api/v1/auth/oidc/login?next=`` sends the
browser to the provider; the provider sends it back to ``GET /api/v1/auth/oidc/callback``, which
starts a session and redirects into the UI, or back to the sign-in page with the reason
(``/signin?error=...``) when anything is wrong. The flow itself is ``service/oidc.py``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from trackwell.schema.errors import NotFound, TrackwellError
from trackwell.schema.signin import AuthMethods, OidcMethod
from trackwell.server.deps import ServicesDep
from trackwell.server.responses import json_response
from trackwell.server.routes.ui_session import client_ip, set_session_cookie
from trackwell.server.services import Services
from trackwell.server.signin_settings import CALLBACK_PATH
from trackwell.service.oidc import FLOW_SECONDS, OidcClient
from trackwell.service.oidc_paths import safe_next_path

router = APIRouter(prefix="/api/v1/auth", tags=["sign-in"])

FLOW_COOKIE = "trackwell_oidc"
LOGIN_PATH = "/api/v1/auth/oidc/login"


@router.get("/methods", response_model=AuthMethods)
def sign_in_methods(services: ServicesDep) -> Response:
    oidc = services.oidc
    method = None if oidc is None else OidcMethod(name=oidc.config.name, login_url=LOGIN_PATH)
    return json_response(AuthMethods(password=services.settings.signin.passwords, oidc=method))


def _client(services: Services) -> OidcClient:
    if services.oidc is None:
        raise NotFound(
            "Single sign-on is not configured on this server",
            hint="sign in with a password or an API key; TRACKWELL_OIDC_ISSUER turns single sign-on on",
        )
    return services.oidc


def _redirect_uri(request: Request, oidc: OidcClient) -> str:
    return oidc.config.redirect_url or str(request.base_url).rstrip("/") + CALLBACK_PATH


def _no_store(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


@router.get("/oidc/login", response_class=RedirectResponse, status_code=303)
def oidc_login(
    request: Request,
    services: ServicesDep,
    next: Annotated[str, Query(description="Where to go after signing in (a path in the UI).")] = "/",
) -> Response:
    oidc = _client(services)
    try:
        services.signin_guard.attempt("sso", ip=client_ip(request))
        start = oidc.begin(_redirect_uri(request, oidc), safe_next_path(next))
    except TrackwellError as exc:  # a full-page navigation: the sign-in page shows why
        return _no_store("/signin?" + urlencode({"error": exc.message}))
    response = _no_store(start.url)
    # Lax, not Strict: the provider's redirect back is a cross-site navigation, and it must carry it.
    response.set_cookie(FLOW_COOKIE, start.flow_cookie, max_age=FLOW_SECONDS, path=CALLBACK_PATH,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.get("/oidc/callback", response_class=RedirectResponse, status_code=303)
def oidc_callback(request: Request, services: ServicesDep) -> Response:
    oidc = _client(services)
    ip = client_ip(request)
    try:
        result = oidc.finish(request.cookies.get(FLOW_COOKIE), dict(request.query_params),
                             _redirect_uri(request, oidc))  # fmt: skip
        assert services.oidc_accounts is not None  # built together with services.oidc
        user = services.oidc_accounts.user_for(result.claims, ip=ip)
    except TrackwellError as exc:
        services.signin_guard.failed("sso", account=None, ip=ip, reason=exc.message)
        response = _no_store("/signin?" + urlencode({"error": exc.message}))
    else:
        cookie, info = services.sessions.start(user)
        services.signin_guard.succeeded("sso", username=info.username, ip=ip)
        response = _no_store(safe_next_path(result.next_path))
        set_session_cookie(response, request, cookie)
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK_PATH, httponly=True, samesite="lax")
    return response
