"""Who is calling."""

from __future__ import annotations

from pydantic import BaseModel


class Viewer(BaseModel):
    username: str
    entity: str
    teams: list[str] = []
    is_admin: bool = False


class ServerInfo(BaseModel):
    version: str
    local: bool
    requires_auth: bool = True
