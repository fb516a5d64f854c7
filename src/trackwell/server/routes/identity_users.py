"""The caller (``/viewer``), users (server admins) and API keys (their owner or a server admin).
Thin: parse, call ``services.identity`` (service/identity.py), answer. A key appears in one answer
only, ``POST /users/{username}/keys``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from starlette.responses import Response

from trackwell.schema.identity import (
    KeyCreate,
    KeyOut,
    KeyRevoke,
    NewKeyOut,
    UserCreate,
    UserOut,
    UserRef,
    UserUpdate,
    ViewerOut,
)
from trackwell.server.deps import CurrentPrincipal, ServicesDep
from trackwell.server.responses import json_response
from trackwell.service.identity_common import Caller

router = APIRouter(prefix="/api/v1", tags=["identity"])

UserPath = Annotated[UserRef, Path(description="A username or an email.")]


async def caller_of(request: Request, principal: CurrentPrincipal) -> Caller:
    """Who is asking with their roles (``server.deps``, what ``service.access`` reads), and from
    where (for the audit log)."""
    return Caller(principal=principal, ip=None if request.client is None else request.client.host)


CallerDep = Annotated[Caller, Depends(caller_of)]


def json_list(items: Sequence[BaseModel]) -> Response:
    """A JSON array of models (FastAPI's own answer would validate every item a second time)."""
    return Response(
        "[" + ",".join(item.model_dump_json() for item in items) + "]", media_type="application/json"
    )


@router.get("/viewer", response_model=ViewerOut)
def viewer(caller: CallerDep, services: ServicesDep) -> Response:
    """Who the key or session belongs to, with their teams and roles."""
    return json_response(services.identity.users.viewer(caller))


@router.get("/users", response_model=list[UserOut])
def list_users(caller: CallerDep, services: ServicesDep) -> Response:
    """Every user and service account (server admins)."""
    return json_list(services.identity.users.list_users(caller))


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, caller: CallerDep, services: ServicesDep) -> Response:
    """A new user (server admins); the username defaults to the email's local part."""
    return json_response(services.identity.users.create(caller, body), status_code=201)


@router.get("/users/{name_or_email}", response_model=UserOut)
def get_user(name_or_email: UserPath, caller: CallerDep, services: ServicesDep) -> Response:
    """A user by username or email: yourself, or anyone for a server admin (404 otherwise)."""
    return json_response(services.identity.users.get(caller, name_or_email))


@router.patch("/users/{username}", response_model=UserOut)
def update_user(username: UserPath, body: UserUpdate, caller: CallerDep, services: ServicesDep) -> Response:
    """Change admin, disabled, display name or email (server admins). A disabled user's keys stop."""
    return json_response(services.identity.users.update(caller, username, body))


@router.delete("/users/{username}", status_code=204)
def delete_user(username: UserPath, caller: CallerDep, services: ServicesDep) -> Response:
    """Delete a user, their keys and memberships (server admins); their runs stay."""
    services.identity.users.delete(caller, username)
    return Response(status_code=204)


@router.get("/users/{username}/keys", response_model=list[KeyOut])
def list_keys(username: UserPath, caller: CallerDep, services: ServicesDep) -> Response:
    """A user's keys by id and prefix, with when each was last used (never the keys themselves)."""
    return json_list(services.identity.keys.list(caller, username))


@router.post("/users/{username}/keys", response_model=NewKeyOut, status_code=201)
def create_key(username: UserPath, body: KeyCreate, caller: CallerDep, services: ServicesDep) -> Response:
    """A new key: the answer is the only time the server shows it."""
    created = services.identity.keys.create(caller, username, body.description)
    return json_response(created, status_code=201, headers={"Cache-Control": "no-store"})


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(key_id: Annotated[int, Path(ge=1)], caller: CallerDep, services: ServicesDep) -> Response:
    """Revoke a key by id (its owner or a server admin)."""
    services.identity.keys.revoke_by_id(caller, key_id)
    return Response(status_code=204)


@router.post("/keys/revoke", status_code=204)
def revoke_key_by_value(body: KeyRevoke, caller: CallerDep, services: ServicesDep) -> Response:
    """Revoke a key given by its value (wandb's ``User.delete_api_key(key)``)."""
    services.identity.keys.revoke_by_value(caller, body.key)
    return Response(status_code=204)
