"""The base of every wire model: the one place for configuration all of them share.

(``defer_build`` was tried to cut the SDK's import cost; FastAPI's OpenAPI generation does not
work with deferred models, so models build at import.)
"""

from __future__ import annotations

from pydantic import BaseModel


class WireModel(BaseModel):
    pass
