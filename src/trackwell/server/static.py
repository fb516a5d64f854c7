"""Serves the built web UI (``server/static/``), with index.html for client-side routes.

The UI engineer's build writes into that folder; without it the API works and ``/`` answers 404.
Paths are resolved and checked to stay inside the folder, and API paths never fall back to HTML.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse

from trackwell.schema.errors import NotFound
from trackwell.server.security_headers import UI_CONTENT_SECURITY_POLICY

_NOT_UI = ("api/", "openapi.json", "healthz", "docs")

# The media viewer draws user-controlled files (Plotly JSON, 3D objects, molecules). The app frames
# it with sandbox="allow-scripts"; this header sandboxes it the same way when opened on its own, so
# its scripts always run in an opaque origin, away from the session. Only the app may frame it, and
# it may fetch nothing (the app posts it the file): data:/blob: only, for embedded glTF buffers.
VIEWER_CSP = "sandbox allow-scripts; frame-ancestors 'self'; connect-src data: blob:"


# The app's pages (index.html, and anything else of the build not under assets/) under the UI's
# strict policy (server/security_headers.py).
_PAGE_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": UI_CONTENT_SECURITY_POLICY}


def install_static(app: FastAPI, static_dir: Path) -> None:
    root = static_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        return

    @app.get("/{path:path}", include_in_schema=False)
    def ui(path: str) -> FileResponse:
        if path.startswith(_NOT_UI):
            raise NotFound(f"No such endpoint: /{path}")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            headers: dict[str, str] = dict(_PAGE_HEADERS)
            if "/assets/" in f"/{path}":
                # Hashed asset names change with their content: cache them; never cache index.html.
                # Public code and styles, readable cross-origin: the sandboxed viewer's opaque
                # origin loads its module scripts in CORS mode.
                headers = {
                    "Cache-Control": "public, max-age=31536000, immutable",
                    "Access-Control-Allow-Origin": "*",
                }
            elif candidate.name == "viewer.html":
                headers["Content-Security-Policy"] = VIEWER_CSP
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers=_PAGE_HEADERS)
