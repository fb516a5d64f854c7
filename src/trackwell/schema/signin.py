"""Wire models of signing in beyond an API key: passwords, single sign-on, invites (docs/sign-in.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OidcMethod(BaseModel):
    name: str = Field(description='The provider\'s name for the button: "Sign in with <name>".')
    login_url: str = Field(description="Open this (a full-page navigation) to sign in; add ?next=<path>.")


class AuthMethods(BaseModel):
    """What the sign-in page offers: ``GET /api/v1/auth/methods`` (no sign-in needed)."""

    api_key: bool = True
    password: bool
    oidc: OidcMethod | None = None


class PasswordChange(BaseModel):
    """Body of ``PUT /api/v1/session/password``: set your own password."""

    current_password: str | None = Field(
        default=None, repr=False, max_length=1024, description="Needed when the account has a password."
    )
    new_password: str = Field(repr=False, max_length=1024)


class PasswordSet(BaseModel):
    """Body of ``PUT /api/v1/users/{username}/password`` (server admins)."""

    password: str = Field(repr=False, max_length=1024)


class InviteAccept(BaseModel):
    """Body of ``POST /api/v1/invites/accept``. Signed in: joins the signed-in user (no other field).
    Not signed in: creates an account with ``username`` (default: from the invite's email) and
    ``password``."""

    token: str = Field(min_length=1, max_length=4096, repr=False)
    username: str | None = Field(default=None, max_length=64)
    password: str | None = Field(default=None, repr=False, max_length=1024)
