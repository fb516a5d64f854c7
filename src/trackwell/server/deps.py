"""What routes receive: the process's services (built once: :mod:`trackwell.server.services`), the
caller, the run addressed by the path.

Keys arrive as ``Authorization: Bearer <key>`` or as HTTP basic auth with any user name (the
wandb client sends ``api:<key>``); the web UI instead sends its session cookie (``ui_auth``).
Dependencies are plain ``def`` where they touch the database, so FastAPI runs them in its thread
pool, never on the event loop.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Path, Request

from trackwell.schema.errors import Unauthorized
from trackwell.schema.name_types import EntityName, ProjectName, RunId
from trackwell.server.routes.ui_auth import session_user
from trackwell.server.services import Services, services_of
from trackwell.store.base import RunKey, User

# Every service a route needs: ``services: ServicesDep``, then ``services.<name>`` (server/services.py).
ServicesDep = Annotated[Services, Depends(services_of)]


def api_key_from_header(authorization: str | None) -> str | None:
    """The key in an ``Authorization`` header; ``Unauthorized`` for a header we cannot read."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer" and credentials:
        return credentials
    if scheme == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        _, sep, password = decoded.partition(":")
        if sep and password:
            return password
    raise Unauthorized(
        "The Authorization header is not in a form this server reads",
        hint="send 'Authorization: Bearer <key>' or HTTP basic auth with user 'api' and the key as password",
    )


def current_user(request: Request, services: ServicesDep) -> User:
    key = api_key_from_header(request.headers.get("authorization"))
    if key is None:
        user = session_user(request)
        if user is not None:
            return user
    return services.auth.authenticate(key)


CurrentUser = Annotated[User, Depends(current_user)]


# Path segments arrive percent-decoded ("wandb%20tutorial" -> "wandb tutorial") and are checked
# by the same rule as the SDK's settings (schema/names.py).
EntityPath = Annotated[EntityName, Path()]
ProjectPath = Annotated[ProjectName, Path()]
RunIdPath = Annotated[RunId, Path()]


def run_key(entity: EntityPath, project: ProjectPath, run_id: RunIdPath) -> RunKey:
    return RunKey(entity=entity, project=project, run_id=run_id)


RunKeyDep = Annotated[RunKey, Depends(run_key)]
