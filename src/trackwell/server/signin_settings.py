"""How people sign in to a server: passwords and single sign-on (OpenID Connect). docs/sign-in.md.

Built by the CLI from the environment (``signin_settings_from_env``: ``TRACKWELL_OIDC_*``); tests and
embedders build it directly. The client secret is a ``SecretStr``: it never shows in a repr, a log
line or a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from trackwell.schema.errors import InvalidArgument
from trackwell.service.oidc_config import OidcConfig
from trackwell.store.base import ROLES, Role

CALLBACK_PATH = "/api/v1/auth/oidc/callback"  # the redirect URI to register at the provider, after the URL


class SignInSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    passwords: bool = Field(default=True, description="Offer username/email + password sign-in.")
    oidc_issuer: str | None = Field(
        default=None, description="OpenID provider's issuer URL; single sign-on is off while unset."
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_name: str = Field(default="SSO", description='The sign-in button says "Sign in with <name>".')
    oidc_scopes: str = "openid email profile"
    oidc_groups_claim: str | None = Field(
        default=None, description="Claim holding the user's groups (e.g. 'groups'); with oidc_team_map."
    )
    oidc_team_map: dict[str, tuple[str, Role]] = Field(
        default_factory=dict, description="Provider group -> (team, role): roles follow the groups."
    )
    public_url: str | None = Field(
        default=None,
        description="This server's URL as browsers reach it (behind a proxy); the SSO redirect URI is "
        "<public_url>/api/v1/auth/oidc/callback. Default: the URL of each request.",
    )

    def oidc(self) -> OidcConfig | None:
        if not self.oidc_issuer:
            return None
        if not self.oidc_client_id or self.oidc_client_secret is None:
            missing = "TRACKWELL_OIDC_" + ("CLIENT_ID" if not self.oidc_client_id else "CLIENT_SECRET")
            raise InvalidArgument(
                f"Single sign-on is configured (TRACKWELL_OIDC_ISSUER) without {missing}",
                field=missing.removeprefix("TRACKWELL_").lower(),
                hint="register this server as a confidential client at the provider and set both",
            )
        return OidcConfig(
            issuer=self.oidc_issuer,
            client_id=self.oidc_client_id,
            client_secret=self.oidc_client_secret.get_secret_value(),
            name=self.oidc_name,
            scopes=self.oidc_scopes,
            groups_claim=self.oidc_groups_claim,
            team_map=dict(self.oidc_team_map),
            redirect_url=self.public_url.rstrip("/") + CALLBACK_PATH if self.public_url else None,
        )


def parse_team_map(text: str) -> dict[str, tuple[str, Role]]:
    """``group=team:role,group2=team2`` (role admin|member|viewer, default member)."""
    mapping: dict[str, tuple[str, Role]] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        group, sep, target = item.partition("=")
        team, _, role = target.partition(":")
        role = role.strip() or "member"
        if not sep or not group.strip() or not team.strip() or role not in ROLES:
            raise InvalidArgument(
                f"TRACKWELL_OIDC_TEAM_MAP has an entry {item!r} that is not group=team:role",
                field="oidc_team_map",
                hint="e.g. 'ml-admins=ml:admin,ml-staff=ml:member' (roles: admin, member, viewer)",
            )
        mapping[group.strip()] = (team.strip(), role)
    return mapping


def signin_settings_from_env(environ: Mapping[str, str]) -> SignInSettings:
    def get(name: str) -> str | None:
        value = environ.get(f"TRACKWELL_{name}", "").strip()
        return value or None

    secret = get("OIDC_CLIENT_SECRET")
    return SignInSettings(
        passwords=(get("PASSWORD_SIGNIN") or "true").lower() not in ("0", "false", "no", "off"),
        oidc_issuer=get("OIDC_ISSUER"),
        oidc_client_id=get("OIDC_CLIENT_ID"),
        oidc_client_secret=SecretStr(secret) if secret else None,
        oidc_name=get("OIDC_NAME") or "SSO",
        oidc_scopes=get("OIDC_SCOPES") or "openid email profile",
        oidc_groups_claim=get("OIDC_GROUPS_CLAIM"),
        oidc_team_map=parse_team_map(get("OIDC_TEAM_MAP") or ""),
        public_url=get("PUBLIC_URL"),
    )
