"""Alias rules: unique per collection, moved when reassigned, ``latest`` kept by the server,
protected aliases moved only by an admin.

``latest`` always names the newest committed version, and, as in wandb, also the version a
deduplicated log answered (re-logging old content makes it ``latest`` again). After a delete it
goes back to the newest remaining version. ``vN`` are names, never aliases (``artifact_rules``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from trackwell.schema.artifact_rules import LATEST, check_alias
from trackwell.schema.errors import PermissionDenied
from trackwell.store.base import ArtifactStore, StoredVersion, User

if TYPE_CHECKING:
    from sqlalchemy import Connection


class AliasRules:
    def __init__(self, protected: frozenset[str]) -> None:
        for alias in protected:
            check_alias(alias, field="protected_aliases", allow_latest=False)
        self.protected = protected

    def requested(self, aliases: Iterable[str], field: str = "aliases") -> list[str]:
        """The user aliases asked for: each checked, duplicates and ``latest`` (the server's) dropped."""
        wanted: list[str] = []
        for alias in aliases:
            check_alias(alias, field=field)
            if alias != LATEST and alias not in wanted:
                wanted.append(alias)
        return wanted

    def require_admin(self, user: User | None, aliases: Iterable[str], action: str) -> None:
        for alias in sorted(set(aliases) & self.protected):
            if user is None or not user.is_admin:
                raise PermissionDenied(
                    f"alias {alias!r} is protected: only an admin may {action} it",
                    field="aliases",
                    hint="ask an admin of this server to do it, or use another alias",
                )

    def add(
        self,
        store: ArtifactStore,
        conn: Connection,
        version: StoredVersion,
        aliases: Iterable[str],
        user: User | None,
        now: float,
    ) -> None:
        """Point each alias at ``version``, moving it from another version of the collection."""
        new = [a for a in aliases if a not in version.aliases]
        self.require_admin(user, new, "set or move")
        for alias in new:
            store.set_alias(conn, version.collection_pk, alias, version.pk, now)

    def replace(
        self,
        store: ArtifactStore,
        conn: Connection,
        version: StoredVersion,
        aliases: Iterable[str],
        user: User | None,
        now: float,
    ) -> None:
        """Make ``aliases`` the version's full set of user aliases (``latest`` stays the server's)."""
        current = {a for a in version.aliases if a != LATEST}
        wanted = set(aliases)
        self.require_admin(user, current - wanted, "remove")
        self.require_admin(user, wanted - current, "set or move")
        for alias in sorted(current - wanted):
            store.remove_alias(conn, version.collection_pk, alias)
        for alias in sorted(wanted - current):
            store.set_alias(conn, version.collection_pk, alias, version.pk, now)

    def user_aliases(self, version: StoredVersion) -> list[str]:
        return [a for a in version.aliases if a != LATEST]


def move_latest(store: ArtifactStore, conn: Connection, version: StoredVersion, now: float) -> None:
    store.set_alias(conn, version.collection_pk, LATEST, version.pk, now)


def repair_latest(store: ArtifactStore, conn: Connection, collection_pk: int, now: float) -> None:
    """After a delete: ``latest`` names the newest remaining version (none when none remain)."""
    if store.version_by_alias(conn, collection_pk, LATEST) is not None:
        return
    newest = store.newest_version(conn, collection_pk)
    if newest is not None:
        move_latest(store, conn, newest, now)
