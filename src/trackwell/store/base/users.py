"""Users, teams (entities), roles, API keys and the security state several processes share.

Every method works inside the caller's transaction (``conn``) and never commits. The rules that
decide who may do what are not here: they live in :mod:`trackwell.service.access`, which reads
what this store returns (docs/adr/0003).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.store.base.report_links import ReportLinkGrant

Role = Literal["admin", "member", "viewer"]
EntityKind = Literal["user", "team"]
Visibility = Literal["private", "team", "public"]
UserKind = Literal["user", "service"]  # "service": a team's service account
ROLES: tuple[Role, ...] = ("admin", "member", "viewer")
VISIBILITIES: tuple[Visibility, ...] = ("private", "team", "public")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    entity: str  # a person's personal entity; a service account's team
    is_admin: bool  # server admin
    kind: UserKind = "user"
    email: str | None = None
    display_name: str | None = None
    disabled: bool = False
    # Set only for the anonymous holder of a report's public link (id 0, no account): what the link
    # lets them read. ``service.access`` reads it; such a caller never writes.
    link: ReportLinkGrant | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, with their roles loaded once per request (what ``service.access`` reads)."""

    user: User
    roles: dict[str, Role] = field(default_factory=dict)  # entity name -> role


@dataclass(frozen=True, slots=True)
class StoredEntity:
    name: str
    kind: EntityKind
    created_at: float


@dataclass(frozen=True, slots=True)
class Member:
    user: User
    entity: str
    role: Role
    since: float


@dataclass(frozen=True, slots=True)
class StoredKey:
    id: int
    user_id: int
    name: str  # the description given when it was made
    key_prefix: str | None  # e.g. "tw-AbC1"; the rest of the key is never stored
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: float
    actor: str | None
    action: str  # e.g. "login", "login.failed", "key.create", "key.revoke", "role.change", "run.delete"
    target: str | None
    outcome: str  # "ok" | "denied" | "failed"
    ip: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ProjectUsage:
    """What one project holds, for the admin page's storage table."""

    entity: str
    project: str
    runs: int
    files_bytes: int  # run files (media, saved files, console logs), as uploaded
    artifacts_bytes: int  # artifact versions' contents; links to another version count nothing
    history_rows: int


class UserStore(Protocol):
    # --- users ---------------------------------------------------------------------------------
    def create_user(
        self,
        conn: Connection,
        username: str,
        *,
        is_admin: bool,
        now: float,
        email: str | None = None,
        display_name: str | None = None,
        password_hash: str | None = None,
        sso_subject: str | None = None,
    ) -> User:
        """A person with a personal entity of their name (kind "user"), of which they are admin.
        ``Conflict`` when the username, the email or the SSO subject is taken, or when a team of
        that name exists."""

    def create_service_account(self, conn: Connection, team: str, username: str, *, now: float) -> User:
        """A user of kind "service" whose entity is ``team``, and a "member" of it."""

    def get_user(self, conn: Connection, username: str) -> User | None: ...

    def get_user_by_id(self, conn: Connection, user_id: int) -> User | None: ...

    def get_user_by_email(self, conn: Connection, email: str) -> User | None:
        """Case-insensitive on the email."""

    def get_user_by_sso_subject(self, conn: Connection, sso_subject: str) -> User | None: ...

    def list_users(self, conn: Connection, *, include_service: bool = False) -> list[User]: ...

    def update_user(
        self,
        conn: Connection,
        user_id: int,
        *,
        is_admin: bool | None = None,
        disabled: bool | None = None,
        email: str | None = None,
        display_name: str | None = None,
        sso_subject: str | None = None,
    ) -> User:
        """Only the fields given change; ``NotFound`` for an unknown id."""

    def password_hash(self, conn: Connection, user_id: int) -> str | None: ...

    def set_password_hash(self, conn: Connection, user_id: int, password_hash: str | None) -> None: ...

    def delete_user(self, conn: Connection, user_id: int) -> None:
        """Removes the user, their keys and memberships; their runs stay (in their entity)."""

    def count_users(self, conn: Connection) -> int: ...

    # --- entities and memberships --------------------------------------------------------------
    def create_team(self, conn: Connection, name: str, *, now: float) -> StoredEntity:
        """``Conflict`` when an entity of that name exists."""

    def get_entity(self, conn: Connection, name: str) -> StoredEntity | None: ...

    def list_entities(self, conn: Connection, kind: EntityKind | None = None) -> list[StoredEntity]: ...

    def set_role(self, conn: Connection, entity: str, user_id: int, role: Role, *, now: float) -> None:
        """Adds the membership or changes its role; ``NotFound`` for an unknown entity."""

    def remove_member(self, conn: Connection, entity: str, user_id: int) -> bool: ...

    def members(self, conn: Connection, entity: str) -> list[Member]: ...

    def roles_of(self, conn: Connection, user_id: int) -> dict[str, Role]:
        """Entity name -> role, every membership of the user (one query: loaded once per request)."""

    # --- projects ------------------------------------------------------------------------------
    def project_visibility(self, conn: Connection, entity: str, project: str) -> Visibility | None:
        """None when the project does not exist."""

    def set_project_visibility(
        self, conn: Connection, entity: str, project: str, visibility: Visibility
    ) -> None:
        """``NotFound`` when the project does not exist."""

    # --- API keys ------------------------------------------------------------------------------
    def add_api_key(
        self,
        conn: Connection,
        user_id: int,
        key_hash: str,
        name: str,
        now: float,
        *,
        key_prefix: str | None = None,
    ) -> int:
        """Keys are stored hashed (sha256 of a high-entropy random key); the key itself never.
        Returns the key's id."""

    def user_for_key_hash(self, conn: Connection, key_hash: str, now: float) -> User | None:
        """The key's user, updating the key's last-used time; None for unknown or revoked keys and
        for disabled users."""

    def list_api_keys(self, conn: Connection, user_id: int) -> list[StoredKey]: ...

    def get_api_key(self, conn: Connection, key_id: int) -> StoredKey | None:
        """A key by its id, revoked or not."""

    def revoke_api_key(self, conn: Connection, key_id: int, now: float) -> bool:
        """False when there is no such unrevoked key."""

    def key_id_for_hash(self, conn: Connection, key_hash: str) -> tuple[int, int] | None:
        """(key id, user id) of a key given by its hash, revoked or not (to revoke a key by value)."""

    # --- state several processes share ---------------------------------------------------------
    def add_nonce(self, conn: Connection, nonce: str, purpose: str, expires_at: float) -> bool:
        """Records a used/revoked nonce; False when it was already recorded (single use)."""

    def has_nonce(self, conn: Connection, nonce: str) -> bool: ...

    def purge_nonces(self, conn: Connection, now: float) -> int: ...

    def take_token(
        self, conn: Connection, bucket: str, *, capacity: float, per_second: float, now: float
    ) -> bool:
        """Token bucket: False (and nothing taken) when ``bucket`` has no token left."""

    # --- audit log -----------------------------------------------------------------------------
    def add_audit_event(
        self,
        conn: Connection,
        *,
        at: float,
        actor: str | None,
        action: str,
        target: str | None,
        outcome: str,
        ip: str | None,
        detail: dict[str, Any] | None = None,
    ) -> None: ...

    def audit_events(
        self, conn: Connection, *, limit: int = 100, before_id: int | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        """Newest first."""

    # --- storage usage -------------------------------------------------------------------------
    def storage_usage(self, conn: Connection) -> list[ProjectUsage]:
        """Every project with what it holds, largest first (files plus artifacts)."""
