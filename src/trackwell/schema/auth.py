"""Who is calling."""

from __future__ import annotations

from trackwell.schema.base import WireModel


class Viewer(WireModel):
    username: str
    entity: str
    teams: list[str] = []
    is_admin: bool = False


class ServerInfo(WireModel):
    version: str
    local: bool
    requires_auth: bool = True
