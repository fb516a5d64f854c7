"""``User``: wandb's ``wandb.apis.public.User`` (``Api().viewer``, ``Api().user(...)``,
``Api().create_user(...)``) over trackwell's identity routes.

Why: scripts that manage a W&B server (onboarding, key rotation) run unchanged against trackwell.
wandb's names and return values are kept; where wandb hides a failed request behind ``None`` or
``False``, trackwell raises the server's error instead, which names the cause and the fix
(``PermissionDenied: ... ask a server admin``): a provisioning script should stop there, not go on
with a ``None`` key.

Keys: the server keeps only a key's SHA-256 and its first 7 characters (``key_prefix``,
``"tw-AbCd"``), so ``api_keys`` lists prefixes (wandb lists whole keys, which no server should
keep). ``delete_api_key`` takes either a whole key (``generate_api_key``'s answer, revoked by
value) or a prefix from ``api_keys``.

Imports: the SDK's HTTP client through ``apis/identity_http.py``.
"""

from __future__ import annotations

import re
from typing import Any

from trackwell.apis.attrs import Attrs
from trackwell.apis.identity_http import IdentityRoutes

# A whole key: "tw-" and 40 letters or digits (service/auth.py mints them).
_WHOLE_KEY = re.compile(r"tw-[A-Za-z0-9]{40}")


class ApiKey(Attrs):
    """One of a user's keys as the server lists it: ``id``, ``name`` (the description given),
    ``key_prefix``, ``created_at``, ``last_used_at``, ``revoked_at``. Never the key itself."""

    def __repr__(self) -> str:
        return f"<ApiKey {self._attrs.get('key_prefix')} {self._attrs.get('name')!r}>"


class User(Attrs):
    """A user of the server: ``username``, ``email``, ``name``, ``admin``, ``entity``, ``kind``
    (``"user"`` or ``"service"``), ``disabled``; ``teams`` and ``api_keys`` are read on access."""

    def __init__(self, routes: IdentityRoutes, attrs: dict[str, Any]) -> None:
        super().__init__(attrs)
        self._routes = routes

    @classmethod
    def create(cls, routes: IdentityRoutes, email: str, admin: bool = False) -> User:
        """wandb's ``User.create(api, email, admin)``; the username is the email's local part
        (made valid and unique by the server). ``Conflict`` when the email is taken."""
        return cls(routes, routes.create_user(email, admin=admin))

    # --- fields ----------------------------------------------------------------------------------

    @property
    def username(self) -> str:
        return str(self._attrs["username"])

    @property
    def name(self) -> str:
        """The display name (wandb's ``name``), else the username."""
        return str(self._attrs.get("display_name") or self._attrs["username"])

    @property
    def email(self) -> str | None:
        return self._attrs.get("email")

    @property
    def admin(self) -> bool:
        """A server admin (wandb's ``admin``)."""
        return bool(self._attrs.get("is_admin", self._attrs.get("admin", False)))

    @property
    def is_admin(self) -> bool:
        return self.admin

    @property
    def entity(self) -> str:
        """The personal entity (a service account's: its team)."""
        return str(self._attrs.get("entity") or self.username)

    @property
    def teams(self) -> list[str]:
        """Names of the teams the user is a member of (wandb's ``teams``)."""
        return [name for name, _role in self._memberships()]

    @property
    def team_roles(self) -> dict[str, str]:
        """Team name -> the user's role there (``admin``, ``member``, ``viewer``): trackwell's."""
        return {name: role for name, role in self._memberships() if role}

    def _memberships(self) -> list[tuple[str, str | None]]:
        listed = self._attrs.get("teams")
        if listed is None:
            # A UserOut has no teams: a server admin reads them from the teams' members.
            listed = []
            for team in self._routes.teams():
                members = self._routes.team(team["name"]).get("members", [])
                role = next((m["role"] for m in members if m["username"] == self.username), None)
                if role is not None:
                    listed.append({"name": team["name"], "role": role})
            self._attrs["teams"] = listed
        return [
            (t, None) if isinstance(t, str) else (str(t["name"]), t.get("role"))
            for t in listed
            # A person's own entity is a membership too, not a team.
            if (t if isinstance(t, str) else t.get("name")) != self.username
        ]

    # --- API keys --------------------------------------------------------------------------------

    @property
    def keys(self) -> list[ApiKey]:
        """The user's keys that are not revoked, oldest first (trackwell's: with descriptions and
        last-used times)."""
        listed = self._routes.keys(self.username)
        return [ApiKey(k) for k in listed if not k.get("revoked_at")]

    @property
    def api_keys(self) -> list[str]:
        """The prefixes (``"tw-AbCd"``) of the user's keys that are not revoked."""
        return [str(k.key_prefix) for k in self.keys]

    def generate_api_key(self, description: str | None = None) -> str:
        """A new key for this user, returned once: the server keeps only its hash. A server admin
        may make keys for anyone, others only for themselves (``PermissionDenied`` otherwise)."""
        return str(self._routes.create_key(self.username, description)["key"])

    def delete_api_key(self, api_key: str) -> bool:
        """Revokes a key given whole or by its prefix from ``api_keys``; True when revoked.
        ``ValueError`` (as in wandb) when the user has no such key."""
        if _WHOLE_KEY.fullmatch(api_key):
            self._routes.revoke_key(api_key)
            return True
        matches = [k for k in self.keys if api_key in (k.key_prefix, str(k.id))]
        if len(matches) != 1:
            known = ", ".join(self.api_keys) or "none"
            why = "several keys start with" if matches else "no key of this user is"
            raise ValueError(
                f"{why} {api_key!r} (the user's keys: {known}); pass the whole key or one of these prefixes"
            )
        self._routes.revoke_key_by_id(matches[0].id)
        return True

    # --- server admin's changes (trackwell's; wandb has them only in its UI) ----------------------

    def set_admin(self, admin: bool = True) -> User:
        self._attrs.update(self._routes.update_user(self.username, admin=admin))
        return self

    def disable(self) -> User:
        """Signs the user out of everything: their keys and sessions stop working until enabled."""
        self._attrs.update(self._routes.update_user(self.username, disabled=True))
        return self

    def enable(self) -> User:
        self._attrs.update(self._routes.update_user(self.username, disabled=False))
        return self

    def delete(self) -> bool:
        """Removes the user, their keys and memberships; their runs stay."""
        self._routes.delete_user(self.username)
        return True

    def __repr__(self) -> str:
        return f"<User {self._attrs.get('email') or self._attrs.get('username')}>"
