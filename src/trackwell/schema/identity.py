"""Wire models of users, teams, roles, API keys, invites, the audit log and storage usage (issue 14;
the routes are in ``server/routes/identity*.py``, the rules behind them in ``service/identity*.py``).

A key appears in exactly one answer, :class:`NewKeyOut` (and a service account's
:class:`ServiceAccountOut`), once, when it is made; every other model names a key by its id and
``key_prefix`` only.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from trackwell.schema.base import WireModel
from trackwell.schema.name_types import DisplayName, EntityName, Label
from trackwell.schema.names import name_problem

RoleName = Literal["admin", "member", "viewer"]
VisibilityName = Literal["private", "team", "public"]
MAX_EMAIL_LENGTH = 320  # RFC 5321's limit, and the users.email column
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _email(value: str) -> str:
    """A deliberately plain check (one ``@``, something on each side, no spaces or control
    characters): whether mail arrives is the mail system's business, not ours."""
    value = value.strip()
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"is {len(value)} characters long; the limit is {MAX_EMAIL_LENGTH}")
    if not _EMAIL.fullmatch(value) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("is not an email address: use the form name@example.com")
    return value


Email = Annotated[str, AfterValidator(_email)]


def _user_ref(value: str) -> str:
    # Printable text only: a NUL or newline never reaches a query (PostgreSQL refuses NUL in text).
    problem = name_problem(value, max_length=MAX_EMAIL_LENGTH, identifier=False)
    if problem is not None:
        raise ValueError(problem)
    return value


# A username or an email, as given.
UserRef = Annotated[str, Field(min_length=1, max_length=MAX_EMAIL_LENGTH), AfterValidator(_user_ref)]


class TeamRoleOut(WireModel):
    name: str
    role: RoleName


class ViewerOut(WireModel):
    """``GET /api/v1/viewer``: who the key or session belongs to, and their teams."""

    username: str
    entity: str
    is_admin: bool = False
    email: str | None = None
    display_name: str | None = None
    kind: Literal["user", "service"] = "user"
    teams: list[TeamRoleOut] = []


class UserOut(WireModel):
    username: str
    email: str | None
    display_name: str | None
    is_admin: bool
    kind: Literal["user", "service"]
    disabled: bool
    entity: str


class UserCreate(WireModel):
    """``POST /api/v1/users``: ``username`` defaults to the email's local part, made valid and unique."""

    email: Email
    username: str | None = Field(
        default=None, max_length=256, description="Letters, digits, - _ . (64 at most)."
    )
    admin: bool = False
    password: str | None = Field(default=None, max_length=1024, repr=False)


class UserUpdate(WireModel):
    admin: bool | None = None
    disabled: bool | None = None
    display_name: DisplayName | None = None
    email: Email | None = None


class KeyOut(WireModel):
    id: int
    name: str
    key_prefix: str | None
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


class KeyCreate(WireModel):
    description: Label | None = None  # printable, 128 characters at most


class NewKeyOut(WireModel):
    """The only answer that carries a key: keep it now, the server cannot show it again."""

    id: int
    name: str
    key_prefix: str
    key: str = Field(repr=False)


class KeyRevoke(WireModel):
    """``POST /api/v1/keys/revoke``: the key itself (wandb's ``User.delete_api_key(key)``), in a body
    so it never reaches a URL that proxies log."""

    key: str = Field(min_length=1, max_length=256, repr=False)


class TeamOut(WireModel):
    name: str
    role: RoleName | None  # the caller's; None for a server admin who is no member
    members_count: int


class TeamCreate(WireModel):
    name: EntityName
    admin_username: UserRef | None = None


class MemberOut(WireModel):
    username: str
    email: str | None
    role: RoleName
    kind: Literal["user", "service"]
    since: float


class TeamDetailOut(WireModel):
    name: str
    members: list[MemberOut]


class MemberSet(WireModel):
    role: RoleName


class ServiceAccountCreate(WireModel):
    description: Label | None = None


class ServiceAccountOut(WireModel):
    username: str
    api_key: str = Field(repr=False)


class InviteCreate(WireModel):
    email: Email | None = None
    role: RoleName = "member"


class InviteOut(WireModel):
    url: str
    token: str = Field(repr=False)
    expires_at: float


class AuditEventOut(WireModel):
    id: int
    at: float
    actor: str | None
    action: str
    target: str | None
    outcome: str
    ip: str | None
    detail: dict[str, Any] | None


class ProjectUsageOut(WireModel):
    entity: str
    project: str
    runs: int
    files_bytes: int
    artifacts_bytes: int
    history_rows: int
