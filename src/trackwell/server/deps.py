"""What routes receive: the process's services (built once: :mod:`trackwell.server.services`), the
caller, the run addressed by the path.

Keys arrive as ``Authorization: Bearer <key>`` or as HTTP basic auth with any user name (the
wandb client sends ``api:<key>``); the web UI instead sends its session cookie (``ui_auth``).
Dependencies are plain ``def`` where they touch the database, so FastAPI runs them in its thread
pool, never on the event loop. The two every request meets are ``async`` instead: FastAPI hands
each plain ``def`` dependency to a worker thread (~0.1-0.3 ms of a busy event loop per hand-off),
which made the services lookup and the key check a large part of a small blob request's cost.
The services are an attribute read; a key :class:`~trackwell.service.auth.AuthService` checked
within its cache period is answered from memory; only a new key or a browser session (both touch
the database) still goes to a worker thread.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from trackwell.schema.errors import Unauthorized
from trackwell.schema.name_types import EntityName, ProjectName, RunId
from trackwell.server.routes.ui_auth import session_user
from trackwell.server.services import Services
from trackwell.store.base import RunKey, User


async def services_dep(request: Request) -> Services:
    """The app's services (``server/services.py``), read on the event loop (no thread hand-off)."""
    services: Services = request.app.state.services
    return services


# Every service a route needs: ``services: ServicesDep``, then ``services.<name>`` (server/services.py).
ServicesDep = Annotated[Services, Depends(services_dep)]


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


async def current_user(request: Request, services: ServicesDep) -> User:
    key = api_key_from_header(request.headers.get("authorization"))
    user = services.auth.cached(key)  # memory only: a key checked within the last 30 s
    if user is not None:
        return user
    return await run_in_threadpool(_user_from_database, request, services, key)


def _user_from_database(request: Request, services: Services, key: str | None) -> User:
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


async def run_key(entity: EntityPath, project: ProjectPath, run_id: RunIdPath) -> RunKey:
    return RunKey(entity=entity, project=project, run_id=run_id)


RunKeyDep = Annotated[RunKey, Depends(run_key)]
