"""Security headers on every answer (docs/server.md, "Hardening"), and the UI's Content-Security-Policy.

One pure ASGI middleware adds them as an answer starts, so streamed downloads and uploads pass
through untouched (``BaseHTTPMiddleware`` would buffer and cost every blob request a task hop).
A header the route set itself wins: user files set ``Content-Security-Policy: sandbox`` and may be
framed by the app (``frame-ancestors 'self'``), the UI's pages set the strict policy below.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The web UI's pages (index.html). Scripts come only from our own bundle: no inline script and no
# eval, so an injected <script> or on*= attribute does nothing. style-src allows 'unsafe-inline'
# because React's style={...} props and uPlot set element styles (positions, widths, colours)
# through the style attribute, which CSP counts as inline style; styles cannot run script, and
# nothing else is relaxed. Images and media may be blob:/data: URLs the UI builds itself (chart
# exports, decoded media). frame-src 'self': logged HTML and the media viewer are shown in
# sandboxed frames of our own origin (components/media/Sandboxed.tsx).
UI_CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# User content (run files, artifact files, blobs) served from this origin: its scripts never run
# (``sandbox`` without ``allow-scripts``/``allow-same-origin``: an opaque origin that cannot read
# the session), and only the app may frame it (logged HTML is shown in a sandboxed frame).
USER_CONTENT_SECURITY_POLICY = "sandbox; frame-ancestors 'self'"

# Every other answer (JSON, files, errors): never framed by another page. Routes whose answers the
# app frames (user files, the media viewer) set their own policy, with frame-ancestors 'self'.
DEFAULT_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'"

# Powerful browser features the UI never uses, off for every page of this origin (a logged HTML
# file shown in a frame included).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "hid",
        "bluetooth",
        "midi",
        "accelerometer",
        "gyroscope",
        "magnetometer",
        "display-capture",
        "browsing-topics",
    )
)

_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    # The sign-in link carries a one-time token in its query: never hand a URL to another site.
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy", DEFAULT_CONTENT_SECURITY_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)


def frame_options_for(policy: str) -> str:
    """``X-Frame-Options`` agreeing with a policy's ``frame-ancestors``, for browsers without CSP 2."""
    return "SAMEORIGIN" if "frame-ancestors 'self'" in policy else "DENY"


class SecurityHeaders:
    """Adds the headers above to every HTTP answer that lacks them, and
    ``Strict-Transport-Security`` to answers of requests that came over HTTPS (as uvicorn sees the
    scheme: directly, or from a trusted proxy's ``X-Forwarded-Proto``, ``--forwarded-allow-ips``).
    ``hsts_seconds=0`` sends no HSTS."""

    def __init__(self, app: ASGIApp, hsts_seconds: int) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_seconds}".encode() if hsts_seconds > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hsts = self.hsts if scope.get("scheme") == "https" else None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", ())), hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)


_RAW_DEFAULTS = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in _DEFAULTS]
_CSP, _XFO, _HSTS = b"content-security-policy", b"x-frame-options", b"strict-transport-security"


Headers = list[tuple[bytes, bytes]]


def with_security_headers(headers: Headers, hsts: bytes | None) -> Headers:
    """``headers`` (an ASGI answer's raw list) with each default the answer lacks added.

    Raw header lists, one pass: this runs for every answer, blob reads included (~3 us; Starlette's
    ``MutableHeaders`` took ten times as long)."""
    present = {name.lower(): value for name, value in headers}
    headers.extend(header for header in _RAW_DEFAULTS if header[0] not in present)
    if _XFO not in present:
        policy = present.get(_CSP, DEFAULT_CONTENT_SECURITY_POLICY.encode()).decode("latin-1")
        headers.append((_XFO, frame_options_for(policy).encode()))
    if hsts is not None and _HSTS not in present:
        headers.append((_HSTS, hsts))
    return headers
