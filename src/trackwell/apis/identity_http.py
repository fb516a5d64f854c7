"""The identity routes (users, keys, teams, audit, storage) the admin ``Api`` and the CLI call.

Why a module of its own: ``User``, ``Team`` (``apis/users.py``, ``apis/teams.py``) and
``trackwell admin`` speak the same routes (docs/server.md, "Users, teams and keys"); one method per
route keeps the paths and bodies in one place. Answers stay plain dicts, as wandb's ``Attrs``
objects hold them, so a field the server adds later reaches ``user.<field>`` without a change here.
Errors come back as the domain exceptions the server raised (``NotFound``, ``PermissionDenied``,
``Conflict``), each with the server's hint.

Imports: the SDK's HTTP client.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from trackwell.sdk.api_client import ApiClient

API = "/api/v1"


def _q(segment: str) -> str:
    return quote(segment, safe="")


def _body(values: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in values.items() if v is not None}).encode()


class IdentityRoutes:
    """One method per identity route (``/api/v1``); every answer a dict or a list of dicts."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **query: Any) -> Any:
        data = _body(body) if body is not None else None
        return self.client._json(method, API + path, query=query or None, body=data)

    # --- users -----------------------------------------------------------------------------------

    def viewer(self) -> dict[str, Any]:
        return dict(self._call("GET", "/viewer"))

    def users(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/users"))

    def create_user(
        self, email: str, *, admin: bool, username: str | None = None, password: str | None = None
    ) -> dict[str, Any]:
        body = {"email": email, "admin": admin, "username": username, "password": password}
        return dict(self._call("POST", "/users", body))

    def user(self, name_or_email: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/users/{_q(name_or_email)}"))

    def update_user(self, username: str, **changes: Any) -> dict[str, Any]:
        return dict(self._call("PATCH", f"/users/{_q(username)}", changes))

    def set_password(self, username: str, password: str) -> None:
        """A server admin sets anyone's password (in the body; the server records that, never it)."""
        self._call("PUT", f"/users/{_q(username)}/password", {"password": password})

    def delete_user(self, username: str) -> None:
        self._call("DELETE", f"/users/{_q(username)}")

    # --- API keys --------------------------------------------------------------------------------

    def keys(self, username: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/users/{_q(username)}/keys"))

    def create_key(self, username: str, description: str | None) -> dict[str, Any]:
        """The answer holds the key itself: the only time the server ever sends it."""
        return dict(self._call("POST", f"/users/{_q(username)}/keys", {"description": description}))

    def revoke_key_by_id(self, key_id: int | str) -> None:
        self._call("DELETE", f"/keys/{_q(str(key_id))}")

    def revoke_key(self, key: str) -> None:
        """Revokes a key given by its value (in the body, never in a URL that proxies log)."""
        self._call("POST", "/keys/revoke", {"key": key})

    # --- teams -----------------------------------------------------------------------------------

    def teams(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/teams"))

    def create_team(self, name: str, admin_username: str | None) -> dict[str, Any]:
        return dict(self._call("POST", "/teams", {"name": name, "admin_username": admin_username}))

    def team(self, name: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/teams/{_q(name)}"))

    def set_member(self, team: str, username_or_email: str, role: str) -> dict[str, Any]:
        path = f"/teams/{_q(team)}/members/{_q(username_or_email)}"
        return dict(self._call("PUT", path, {"role": role}))

    def remove_member(self, team: str, username: str) -> None:
        self._call("DELETE", f"/teams/{_q(team)}/members/{_q(username)}")

    def create_service_account(self, team: str, description: str) -> dict[str, Any]:
        path = f"/teams/{_q(team)}/service-accounts"
        return dict(self._call("POST", path, {"description": description}))

    def create_invite(self, team: str, email: str | None, role: str) -> dict[str, Any]:
        return dict(self._call("POST", f"/teams/{_q(team)}/invites", {"email": email, "role": role}))

    # --- server administration ------------------------------------------------------------------

    def audit(
        self, *, limit: int = 50, before: int | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        return list(self._call("GET", "/admin/audit", limit=limit, before=before, action=action))

    def storage(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/admin/storage"))
