"""The settings of single sign-on as the services use them (plain data: the CLI imports it at start-up,
so it must not load the OpenID client's libraries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trackwell.store.base import Role


@dataclass(frozen=True)
class OidcConfig:
    issuer: str  # e.g. https://keycloak.example.com/realms/ml (discovery: <issuer>/.well-known/...)
    client_id: str
    client_secret: str = field(repr=False)
    name: str = "SSO"  # on the sign-in button: "Sign in with <name>"
    scopes: str = "openid email profile"
    groups_claim: str | None = None  # e.g. "groups": their names map to team roles through team_map
    team_map: dict[str, tuple[str, Role]] = field(default_factory=dict)  # group -> (team, role)
    redirect_url: str | None = None  # the callback as the provider knows it; else from the request
