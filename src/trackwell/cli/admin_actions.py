"""What each ``trackwell admin`` command does (parsing is in ``admin_cmd.py``).

Each action opens one ``Api`` with the resolved settings (the key of ``trackwell login`` or
``WANDB_API_KEY``), calls the admin classes and prints a table or one line. Secrets: a new key
goes to stdout once and nowhere else; a key to revoke can come from stdin, so it never sits in the
shell's history.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from trackwell.apis import Api, User
from trackwell.cli.artifact_cmd import human_size
from trackwell.cli.runs_cmd import _table
from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.sdk.settings import Settings


@contextmanager
def _api() -> Iterator[Api]:
    with Api(settings=Settings.resolve()) as api:
        yield api


def _when(value: Any) -> str:
    """A time the server sent (epoch seconds or ISO 8601) as 'YYYY-mm-dd HH:MM' UTC, or '-'."""
    if value in (None, ""):
        return "-"
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M")
    return str(value).replace("T", " ")[:16]


def _user(api: Api, name: str | None) -> User:
    if not name:
        return api.viewer
    found = api.user(name)
    if found is None:
        raise NotFound(
            f"no user {name!r}", field="username", hint="see `trackwell admin users ls` (server admins)"
        )
    return found


def _print_rows(header: list[str], rows: list[list[str]], empty: str) -> int:
    print(_table([header, *rows]) if rows else empty)
    return 0


# --- users ---------------------------------------------------------------------------------------


def users_ls(args: argparse.Namespace) -> int:
    with _api() as api:
        users = api.identity.users()
    rows = [
        [
            u["username"],
            u.get("email") or "-",
            "admin" if u.get("is_admin") else "",
            "disabled" if u.get("disabled") else "active",
            u.get("kind", "user"),
        ]
        for u in users
    ]
    return _print_rows(["USERNAME", "EMAIL", "SERVER ADMIN", "STATE", "KIND"], rows, "no users")


def _read_password() -> str:
    """From the terminal (asked twice, not echoed) or one line of stdin; never from argv, which
    other users of the machine can read in the process list."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InvalidArgument("the two passwords differ", field="password", hint="type the same twice")
    return first


def users_create(args: argparse.Namespace) -> int:
    password = _read_password() if args.password_stdin else None
    with _api() as api:
        made = api.identity.create_user(
            args.email, admin=args.admin, username=args.username, password=password
        )
    role = "server admin" if made.get("is_admin") else "user"
    print(f"created {role} {made['username']} <{made.get('email')}>")
    print(f"  next: trackwell admin keys create {made['username']}   (or send a team invite link)")
    return 0


def users_set_password(args: argparse.Namespace) -> int:
    password = _read_password()
    with _api() as api:
        api.identity.set_password(args.username, password)
    print(f"{args.username}: password set")
    return 0


def users_change(args: argparse.Namespace) -> int:
    with _api() as api:
        user = _user(api, args.username)
        changes: dict[str, Callable[[], User]] = {
            "disable": user.disable,
            "enable": user.enable,
            "make-admin": lambda: user.set_admin(True),
            "remove-admin": lambda: user.set_admin(False),
        }
        changes[args.change]()
    print(f"{args.username}: {args.change.replace('-', ' ')} done")
    return 0


def users_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidArgument("deleting a user needs confirmation", field="--yes", hint="pass --yes")
        answer = input(f"delete user {args.username!r}, their keys and memberships? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("not deleted")
            return 1
    with _api() as api:
        _user(api, args.username).delete()
    print(f"deleted {args.username} (their runs stay)")
    return 0


# --- teams ---------------------------------------------------------------------------------------


def teams_ls(args: argparse.Namespace) -> int:
    with _api() as api:
        teams = api.identity.teams()
    rows = [[t["name"], t.get("role") or "-", str(t.get("members_count", ""))] for t in teams]
    return _print_rows(["TEAM", "YOUR ROLE", "MEMBERS"], rows, "no teams")


def teams_create(args: argparse.Namespace) -> int:
    with _api() as api:
        api.identity.create_team(args.team, args.admin_username)
        admin = args.admin_username or api.viewer.username
    print(f"created team {args.team} (admin: {admin})")
    return 0


def teams_show(args: argparse.Namespace) -> int:
    with _api() as api:
        members = api.team(args.team).members
    rows = [[m.username, m.email or "-", m.role, m.account_type.lower(), _when(m.since)] for m in members]
    return _print_rows(["MEMBER", "EMAIL", "ROLE", "KIND", "SINCE"], rows, "no members")


def teams_set_role(args: argparse.Namespace) -> int:
    with _api() as api:
        member = api.identity.set_member(args.team, args.user, args.role)
    print(f"{member.get('username', args.user)} is {args.role} of {args.team}")
    return 0


def teams_remove(args: argparse.Namespace) -> int:
    with _api() as api:
        api.identity.remove_member(args.team, args.username)
    print(f"removed {args.username} from {args.team}")
    return 0


def teams_invite(args: argparse.Namespace) -> int:
    with _api() as api:
        invite = api.identity.create_invite(args.team, args.email, args.role)
    print(f"invite link ({args.role} of {args.team}, single use, expires {_when(invite.get('expires_at'))}):")
    print(invite["url"])
    return 0


def teams_service_account(args: argparse.Namespace) -> int:
    with _api() as api:
        made = api.identity.create_service_account(args.team, args.description)
    print(f"service account {made['username']} of {args.team}; its key (shown once):", file=sys.stderr)
    print(made["api_key"])
    return 0


# --- keys ----------------------------------------------------------------------------------------


def keys_ls(args: argparse.Namespace) -> int:
    with _api() as api:
        user = _user(api, args.username)
        listed = api.identity.keys(user.username)
    rows = [
        [
            str(k.get("key_prefix") or "-"),
            str(k.get("name") or ""),
            _when(k.get("created_at")),
            _when(k.get("last_used_at")),
            "revoked " + _when(k.get("revoked_at")) if k.get("revoked_at") else "active",
        ]
        for k in listed
    ]
    return _print_rows(["PREFIX", "DESCRIPTION", "CREATED", "LAST USED", "STATE"], rows, "no keys")


def keys_create(args: argparse.Namespace) -> int:
    with _api() as api:
        user = _user(api, args.username)
        key = user.generate_api_key(args.description)
    # The key alone on stdout (a script captures it); the note on stderr.
    print(f"new key for {user.username} (shown once; store it now):", file=sys.stderr)
    print(key)
    return 0


def keys_revoke(args: argparse.Namespace) -> int:
    key = sys.stdin.readline().strip() if args.key == "-" else args.key
    with _api() as api:
        user = _user(api, args.username)
        user.delete_api_key(key)
    print(f"revoked {key[:7]}… of {user.username}")
    return 0


# --- server --------------------------------------------------------------------------------------


def audit(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InvalidArgument(f"--limit {args.limit} must be at least 1", field="--limit")
    with _api() as api:
        events = api.identity.audit(limit=args.limit, before=args.before, action=args.action)
    rows = [
        [
            str(e.get("id", "")),
            _when(e.get("at")),
            str(e.get("actor") or "-"),
            str(e.get("action")),
            str(e.get("target") or "-"),
            str(e.get("outcome")),
            str(e.get("ip") or "-"),
        ]
        for e in events
    ]
    _print_rows(["ID", "AT (UTC)", "ACTOR", "ACTION", "TARGET", "OUTCOME", "IP"], rows, "no events")
    if len(events) == args.limit:
        print(f"(more: --before {events[-1].get('id')})", file=sys.stderr)
    return 0


def storage(args: argparse.Namespace) -> int:
    with _api() as api:
        usage = api.identity.storage()
    rows = [
        [
            f"{u['entity']}/{u['project']}",
            str(u.get("runs", 0)),
            human_size(u.get("files_bytes", 0)),
            human_size(u.get("artifacts_bytes", 0)),
            str(u.get("history_rows", 0)),
        ]
        for u in usage
    ]
    return _print_rows(["PROJECT", "RUNS", "FILES", "ARTIFACTS", "HISTORY ROWS"], rows, "no projects")
