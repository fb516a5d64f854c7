"""Who is calling."""

from __future__ import annotations

from trackwell.schema.base import WireModel
from trackwell.schema.identity import ViewerOut as Viewer  # one model of the caller

__all__ = ["ServerInfo", "Viewer"]


class ServerInfo(WireModel):
    version: str
    local: bool
    requires_auth: bool = True
