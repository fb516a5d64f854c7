"""Open endpoints: liveness and server info (the caller is ``/viewer``: routes/identity_users.py)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

import trackwell
from trackwell.schema.auth import ServerInfo
from trackwell.server.deps import ServicesDep
from trackwell.server.responses import json_response

router = APIRouter()


@router.get("/healthz", tags=["server"])
def healthz() -> dict[str, bool]:
    return {"ok": True}


@router.get("/api/v1/server-info", response_model=ServerInfo, tags=["server"])
def server_info(services: ServicesDep) -> Response:
    return json_response(ServerInfo(version=trackwell.__version__, local=services.settings.local))
