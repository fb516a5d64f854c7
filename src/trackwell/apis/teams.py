"""``Team`` and ``Member``: wandb's ``wandb.apis.public.Team``/``Member`` (``Api().team(name)``,
``Api().create_team(...)``) over trackwell's identity routes.

Why: team set-up scripts written for W&B (create a team, invite people, make a CI service
account) run unchanged. Roles are ``admin``, ``member`` and ``viewer`` (docs/adr/0003); wandb's
``invite(..., admin=True)`` is ``role="admin"``, and ``role=`` reaches the viewer role wandb's call
cannot.

Return values follow wandb: ``invite`` answers False for a user who does not exist (with a warning
that says how to create or invite them); ``create_team`` of a team that exists hands back that team
(wandb ignores the error and loads it). Every other failure raises the server's error, which names
the cause and the fix, where wandb would return False or None and hide why.

Imports: the SDK's HTTP client through ``apis/identity_http.py``, and ``sdk.term`` for warnings.
"""

from __future__ import annotations

from typing import Any

from trackwell.apis.attrs import Attrs
from trackwell.apis.identity_http import IdentityRoutes
from trackwell.schema.errors import Conflict, InvalidArgument, NotFound

ROLES = ("admin", "member", "viewer")


def pick_role(admin: bool, role: str | None) -> str:
    """wandb's ``admin=`` flag and trackwell's ``role=``, checked together."""
    if role is None:
        return "admin" if admin else "member"
    if role not in ROLES:
        raise InvalidArgument(
            f"role {role!r} is not a team role", field="role", hint="use admin, member or viewer"
        )
    if admin and role != "admin":
        raise InvalidArgument(
            f"admin=True and role={role!r} disagree", field="role", hint="pass only one of them"
        )
    return role


class Member(Attrs):
    """A member of a team: ``username``, ``email``, ``role``, ``kind`` (``"user"``/``"service"``),
    ``since``; wandb's ``id``, ``name``, ``admin``, ``pending`` and ``account_type`` too. A service
    account that ``create_service_account`` just made carries its ``api_key`` (only then)."""

    def __init__(self, routes: IdentityRoutes, team: str, attrs: dict[str, Any]) -> None:
        super().__init__(attrs)
        self._routes = routes
        self.team = team

    @property
    def username(self) -> str:
        return str(self._attrs["username"])

    @property
    def id(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        return str(self._attrs.get("display_name") or self.username)

    @property
    def role(self) -> str:
        return str(self._attrs.get("role", "member"))

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    @property
    def pending(self) -> bool:
        return False  # invites are links, not members, until accepted

    @property
    def account_type(self) -> str:
        return "SERVICE" if self._attrs.get("kind") == "service" else "USER"

    @property
    def api_key(self) -> str | None:
        return self._attrs.get("api_key")

    def set_role(self, role: str) -> Member:
        """Changes this member's role (trackwell's; a team admin's call)."""
        self._attrs.update(self._routes.set_member(self.team, self.username, pick_role(False, role)))
        return self

    def delete(self, remove_from_org: bool = False) -> bool:
        """Removes the member from the team; True when removed. A team keeps at least one admin
        (``Conflict`` naming the fix otherwise). Trackwell has no organisations: with
        ``remove_from_org=True`` the user stays on the server (a warning says how to delete them)."""
        self._routes.remove_member(self.team, self.username)
        if remove_from_org:
            from trackwell.sdk import term

            term.termwarn(
                f"{self.username!r} left {self.team!r}; trackwell has no organisations, so the user "
                f"stays on the server (Api().user({self.username!r}).delete() removes them)"
            )
        return True

    def __repr__(self) -> str:
        return f"<Member {self.username} ({self.account_type}, {self.role})>"


class Team(Attrs):
    """A team (an entity of kind "team") with its members, loaded when made (as in wandb, an
    unknown team raises here: ``NotFound`` naming the team)."""

    def __init__(self, routes: IdentityRoutes, name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs or {})
        self._routes = routes
        self.name = name
        self.last_invite: dict[str, Any] | None = None
        self.load()

    @classmethod
    def create(cls, routes: IdentityRoutes, team: str, admin_username: str | None = None) -> Team:
        """wandb's ``Team.create(api, team, admin_username=None)``: the team, with
        ``admin_username`` (default: the caller) as its admin. A team that exists is loaded."""
        try:
            routes.create_team(team, admin_username)
        except Conflict:
            pass  # wandb's behaviour: creating an existing team hands it back
        return cls(routes, team)

    def load(self, force: bool = False) -> dict[str, Any]:
        if force or not self._attrs:
            self._attrs = self._routes.team(self.name)
        return self._attrs

    @property
    def members(self) -> list[Member]:
        return [Member(self._routes, self.name, m) for m in self._attrs.get("members", [])]

    def invite(self, username_or_email: str, admin: bool = False, role: str | None = None) -> bool:
        """Adds a user to the team (or changes their role) and answers True. An email with no
        account yet gets a one-time invite link, in ``team.last_invite["url"]`` (hand it to them;
        it is not printed, as logs keep it). A username that does not exist answers False, as in
        wandb, with a warning naming the fix."""
        chosen = pick_role(admin, role)
        try:
            self._routes.set_member(self.name, username_or_email, chosen)
        except NotFound as exc:
            if exc.field == "team":
                raise  # the team itself is gone
            if "@" not in username_or_email:
                from trackwell.sdk import term

                term.termwarn(
                    f"no user {username_or_email!r} on this server: invite them by email "
                    "(team.invite('name@example.com')) or create them (Api().create_user(email))"
                )
                return False
            self.last_invite = self._routes.create_invite(self.name, username_or_email, chosen)
            from trackwell.sdk import term

            term.termlog(
                f"invite link for {username_or_email} created (single use, expires "
                f"{self.last_invite.get('expires_at')}): team.last_invite['url']"
            )
        self.load(force=True)
        return True

    def create_service_account(self, description: str) -> Member:
        """A service account (a user of kind "service", a member of this team) for CI and agents.
        The ``Member`` answered carries ``api_key``, shown this once."""
        made = self._routes.create_service_account(self.name, description)
        self.load(force=True)
        found = next((m for m in self.members if m.username == made["username"]), None)
        attrs = found.to_dict() if found else {"username": made["username"], "kind": "service"}
        return Member(self._routes, self.name, {**attrs, "api_key": made["api_key"]})

    def __repr__(self) -> str:
        return f"<Team {self.name}>"
