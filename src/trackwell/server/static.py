"""Serves the built web UI (``server/static/``), with index.html for client-side routes.

The UI engineer's build writes into that folder; without it the API works and ``/`` answers 404.
Paths are resolved and checked to stay inside the folder, and API paths never fall back to HTML.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import FileResponse

from trackwell.schema.errors import NotFound

_NOT_UI = ("api/", "openapi.json", "healthz", "docs")


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
            # Hashed asset names change with their content: cache them; never cache index.html.
            cache = "public, max-age=31536000, immutable" if "/assets/" in f"/{path}" else "no-cache"
            return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
