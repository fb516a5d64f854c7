"""``UserStore`` on SQL: users, their personal entities and hashed API keys.

Only a sha256 of each key reaches the database; the key itself is shown once, when created, by
whoever calls ``add_api_key``. A key lookup records when the key was last used, at most once a minute,
so that authenticating every request does not turn every read into a database write.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.errors import Conflict, InvalidArgument
from trackwell.store.base import User
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.tables import api_keys, entities, users

LAST_USED_RESOLUTION_S = 60.0
_SHA256_HEX = frozenset("0123456789abcdef")

_USER_COLUMNS = (users.c.id, users.c.username, entities.c.name.label("entity"), users.c.is_admin)


def _user(row: sa.Row[*tuple[Any, ...]]) -> User:
    return User(id=int(row.id), username=row.username, entity=row.entity, is_admin=bool(row.is_admin))


class SqlUserStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def create_user(self, conn: Connection, username: str, *, is_admin: bool, now: float) -> User:
        if self.get_user(conn, username) is not None:
            raise Conflict(f"user {username!r} already exists", hint="choose another username")
        # The user's personal entity carries the username; it may already exist when runs were
        # logged under that name before the account was made.
        conn.execute(
            insert(self._dialect, entities)
            .values(name=username, created_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        entity_id = conn.execute(sa.select(entities.c.id).where(entities.c.name == username)).scalar_one()
        stmt = (
            insert(self._dialect, users)
            .values(username=username, entity_id=entity_id, is_admin=is_admin, created_at=now)
            .on_conflict_do_nothing(index_elements=["username"])
            .returning(users.c.id)
        )
        user_id = conn.execute(stmt).scalar_one_or_none()
        if user_id is None:
            raise Conflict(f"user {username!r} already exists", hint="choose another username")
        return User(id=int(user_id), username=username, entity=username, is_admin=is_admin)

    def get_user(self, conn: Connection, username: str) -> User | None:
        stmt = (
            sa.select(*_USER_COLUMNS)
            .join(entities, entities.c.id == users.c.entity_id)
            .where(users.c.username == username)
        )
        row = conn.execute(stmt).first()
        return None if row is None else _user(row)

    def count_users(self, conn: Connection) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())

    def add_api_key(self, conn: Connection, user_id: int, key_hash: str, name: str, now: float) -> None:
        if len(key_hash) != 64 or not _SHA256_HEX.issuperset(key_hash):
            # Guards against storing a raw key by mistake; the value is not echoed back.
            raise InvalidArgument(
                "key_hash must be the 64-character lowercase hex sha256 of the key",
                field="key_hash",
                hint="pass hashlib.sha256(key.encode()).hexdigest(), never the key itself",
            )
        conn.execute(
            sa.insert(api_keys).values(user_id=user_id, key_hash=key_hash, name=name, created_at=now)
        )

    def user_for_key_hash(self, conn: Connection, key_hash: str, now: float) -> User | None:
        stmt = (
            sa.select(*_USER_COLUMNS, api_keys.c.id.label("key_id"), api_keys.c.last_used_at)
            .select_from(api_keys)
            .join(users, users.c.id == api_keys.c.user_id)
            .join(entities, entities.c.id == users.c.entity_id)
            .where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
        )
        row = conn.execute(stmt).first()
        if row is None:
            return None
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION_S:
            conn.execute(sa.update(api_keys).where(api_keys.c.id == row.key_id).values(last_used_at=now))
        return User(id=int(row.id), username=row.username, entity=row.entity, is_admin=bool(row.is_admin))
