"""``trackwell admin``: users, teams, keys, the audit log and storage use, from the terminal.

Why: an operator sets a server up (first users, teams, CI keys) and looks into it (who changed a
role, which project fills the disk) without the UI, in scripts too. Every action goes through the
public ``Api``'s admin classes (``apis/users.py``, ``apis/teams.py``), so the CLI and Python
scripts share one path and the server's errors arrive as one readable line naming the fix.

A key the server makes is printed once, alone on stdout (so ``$(trackwell admin keys create)``
captures it), and written nowhere else. Command parsing and the tables are here; the actions are
in ``admin_actions.py``.
"""

from __future__ import annotations

import argparse
from typing import Any

from trackwell.cli import admin_actions as act

ROLES = ("admin", "member", "viewer")


def _users(actions: Any) -> None:
    users = actions.add_parser("users", help="list, create, disable, enable, delete users")
    sub = users.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    sub.add_parser("ls", help="every user: email, admin, disabled, kind").set_defaults(func=act.users_ls)
    create = sub.add_parser("create", help="a new user (prints nothing secret)")
    create.add_argument("email")
    create.add_argument("--username", help="default: the email's local part, made unique")
    create.add_argument("--admin", action="store_true", help="make them a server admin")
    create.add_argument(
        "--password-stdin", action="store_true", help="read a password for them from stdin (one line)"
    )
    create.set_defaults(func=act.users_create)
    password = sub.add_parser("set-password", help="set a user's password (asked for, or one stdin line)")
    password.add_argument("username")
    password.set_defaults(func=act.users_set_password)
    for name, text in (
        ("disable", "stop their keys and sessions (reversible)"),
        ("enable", "let a disabled user in again"),
        ("make-admin", "make them a server admin"),
        ("remove-admin", "take server admin away"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("username")
        cmd.set_defaults(func=act.users_change, change=name)
    delete = sub.add_parser("delete", help="remove a user, their keys and memberships (runs stay)")
    delete.add_argument("username")
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(func=act.users_delete)


def _teams(actions: Any) -> None:
    teams = actions.add_parser("teams", help="create teams, list members, set roles")
    sub = teams.add_subparsers(dest="teams_action", metavar="ACTION", required=True)
    sub.add_parser("ls", help="your teams (every team for a server admin)").set_defaults(func=act.teams_ls)
    create = sub.add_parser("create", help="a new team")
    create.add_argument("team")
    create.add_argument("--admin", dest="admin_username", help="its first admin (default: you)")
    create.set_defaults(func=act.teams_create)
    show = sub.add_parser("show", help="a team's members and their roles")
    show.add_argument("team")
    show.set_defaults(func=act.teams_show)
    role = sub.add_parser("set-role", help="add a user to a team or change their role")
    role.add_argument("team")
    role.add_argument("user", help="username or email")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(func=act.teams_set_role)
    remove = sub.add_parser("remove", help="take a member out of a team")
    remove.add_argument("team")
    remove.add_argument("username")
    remove.set_defaults(func=act.teams_remove)
    invite = sub.add_parser("invite", help="a one-time invite link (for an email with no account)")
    invite.add_argument("team")
    invite.add_argument("email", nargs="?", help="who it is for (any one person when left out)")
    invite.add_argument("--role", choices=ROLES, default="member")
    invite.set_defaults(func=act.teams_invite)
    service = sub.add_parser("service-account", help="a team key for CI and agents (printed once)")
    service.add_argument("team")
    service.add_argument("description", help="what it is for, e.g. 'CI on main'")
    service.set_defaults(func=act.teams_service_account)


def _keys(actions: Any) -> None:
    keys = actions.add_parser("keys", help="list, create and revoke API keys")
    sub = keys.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    ls = sub.add_parser("ls", help="a user's keys: prefix, description, created, last used")
    ls.add_argument("username", nargs="?", help="default: you")
    ls.set_defaults(func=act.keys_ls)
    create = sub.add_parser("create", help="a new key, printed once (stdout only)")
    create.add_argument("username", nargs="?", help="default: you (others: server admins only)")
    create.add_argument("-d", "--description", help="what it is for, e.g. 'laptop'")
    create.set_defaults(func=act.keys_create)
    revoke = sub.add_parser("revoke", help="revoke a key by its prefix (see ls) or whole ('-': stdin)")
    revoke.add_argument("key", help="'tw-AbCd' prefix, the whole key, or '-' to read it from stdin")
    revoke.add_argument("--user", dest="username", help="whose key (default: you)")
    revoke.set_defaults(func=act.keys_revoke)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "admin",
        help="users, teams, keys, audit log, storage (docs/server.md)",
        description="Manage the server's users, teams and keys; read its audit log and storage use.",
    )
    actions = parser.add_subparsers(
        dest="admin_area", metavar="{users,teams,keys,audit,storage}", required=True
    )
    _users(actions)
    _teams(actions)
    _keys(actions)
    audit = actions.add_parser("audit", help="security events, newest first (server admins)")
    audit.add_argument("--action", help="only this action, e.g. key.create, role.change, login")
    audit.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    audit.add_argument("--before", type=int, help="events older than this id (the next page)")
    audit.set_defaults(func=act.audit)
    storage = actions.add_parser("storage", help="runs, files and artifacts per project (server admins)")
    storage.set_defaults(func=act.storage)
