"""The one username rule: letters, digits and ``- _ .``, 64 characters at most, not starting or
ending with ``-`` or ``.``. A username is a URL segment, a personal entity's name and a command-line
argument, so nothing else is allowed (no ``/``, no ``..``, no spaces, no look-alike letters).

Used when an admin creates a user, when an invite or a single sign-on makes an account (a name
offered by a provider is made valid: ``Ada Lovelace`` -> ``Ada-Lovelace``), and for service accounts.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import Database

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection

MAX_USERNAME = 64
_NOT_NAME = re.compile(r"[^A-Za-z0-9_\-.]+")


def username_base(wanted: str | None) -> str:
    """A valid username from what a provider, an email or an invite offers: ``Ada Lovelace`` ->
    ``Ada-Lovelace``."""
    # Accents come off rather than the letter (``José`` -> ``Jose``); other scripts have no ASCII
    # spelling here and fall back to ``user``.
    ascii_text = unicodedata.normalize("NFKD", wanted or "").encode("ascii", "ignore").decode("ascii")
    name = _NOT_NAME.sub("-", ascii_text.strip()).strip("-.")[:MAX_USERNAME].strip("-.")
    return name or "user"


def check_username(username: str) -> str:
    """``username`` when it follows the rule; ``InvalidArgument`` naming the rule otherwise."""
    if len(username) > MAX_USERNAME or username_base(username) != username:
        raise InvalidArgument(
            f"username={username[:80]!r} is not a valid username",
            field="username",
            hint=f"use 1 to {MAX_USERNAME} letters, digits, '-', '_' or '.', not starting or ending "
            "with '-' or '.'",
        )
    return username


def free_username(db: Database, conn: Connection, wanted: str | None) -> str:
    """``username_base(wanted)``, with ``-2``, ``-3``, ... added until no user or entity has it."""
    base = username_base(wanted)
    candidate, n = base, 1
    while db.users.get_user(conn, candidate) is not None or db.users.get_entity(conn, candidate) is not None:
        n += 1
        candidate = f"{base[: MAX_USERNAME - len(str(n)) - 1]}-{n}"
    return candidate
