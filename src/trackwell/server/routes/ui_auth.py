"""Session-cookie authentication for the web UI, as the server's auth dependency uses it.

Separate from ``ui_session`` (the endpoints) so that ``server.deps`` can import it without an import
cycle. An unsafe request (POST, PUT, PATCH, DELETE) authenticated by the cookie must carry the
session's CSRF token in ``X-CSRF-Token``; safe requests need only the cookie.
"""

from __future__ import annotations

from fastapi import Request

from trackwell.server.services import services_of
from trackwell.service.ui_session import CSRF_HEADER, SESSION_COOKIE, Session
from trackwell.store.base import User

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_session(request: Request) -> Session | None:
    """The browser session the request's cookie carries, or None (no cookie, expired, revoked)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    return services_of(request).sessions.resolve(cookie)


def session_user(request: Request) -> User | None:
    """The signed-in user for a cookie-authenticated request, CSRF-checked on unsafe methods."""
    session = current_session(request)
    if session is None:
        return None
    if request.method not in _SAFE_METHODS:
        services_of(request).sessions.check_csrf(session, request.headers.get(CSRF_HEADER))
    return session.user
