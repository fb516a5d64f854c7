"""Open endpoints (liveness, server info) and the caller's identity."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

import trackwell
from trackwell.schema.auth import ServerInfo, Viewer
from trackwell.server.deps import CurrentUser, ServicesDep
from trackwell.server.responses import json_response

router = APIRouter()


@router.get("/healthz", tags=["server"])
def healthz() -> dict[str, bool]:
    return {"ok": True}


@router.get("/api/v1/server-info", response_model=ServerInfo, tags=["server"])
def server_info(services: ServicesDep) -> Response:
    return json_response(ServerInfo(version=trackwell.__version__, local=services.settings.local))


@router.get("/api/v1/viewer", response_model=Viewer, tags=["auth"])
def viewer(user: CurrentUser) -> Response:
    return json_response(Viewer(username=user.username, entity=user.entity, is_admin=user.is_admin))
