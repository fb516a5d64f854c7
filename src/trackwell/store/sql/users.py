"""``UserStore`` on SQL: users, their personal entities and hashed API keys.

Teams and roles are in :mod:`trackwell.store.sql.teams`, the security state several processes share
(nonces, rate limits, the audit log) in :mod:`trackwell.store.sql.security_state`; this class joins
them into the one ``UserStore`` the database exposes.

Only a sha256 of each key reaches the database; the key itself is shown once, when created, by
whoever calls ``add_api_key``. A key lookup records when the key was last used, at most once a minute,
so that authenticating every request does not turn every read into a database write.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.store.base import StoredKey, User
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.security_state import SqlSecurityState
from trackwell.store.sql.tables import api_keys, entities, memberships, users
from trackwell.store.sql.teams import SqlTeams
from trackwell.store.sql.usage import SqlUsage

LAST_USED_RESOLUTION_S = 60.0
_SHA256_HEX = frozenset("0123456789abcdef")

USER_COLUMNS = (
    users.c.id,
    users.c.username,
    entities.c.name.label("entity"),
    users.c.is_admin,
    users.c.kind,
    users.c.email,
    users.c.display_name,
    users.c.disabled,
)


def user_from_row(row: sa.Row[*tuple[Any, ...]]) -> User:
    return User(
        id=int(row.id),
        username=row.username,
        entity=row.entity,
        is_admin=bool(row.is_admin),
        kind=row.kind,
        email=row.email,
        display_name=row.display_name,
        disabled=bool(row.disabled),
    )


def _stored_key(row: sa.Row[Any]) -> StoredKey:
    return StoredKey(
        id=int(row.id),
        user_id=int(row.user_id),
        name=row.name,
        key_prefix=row.key_prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def select_users() -> sa.Select[Any]:
    return sa.select(*USER_COLUMNS).join(entities, entities.c.id == users.c.entity_id)


def _normal_email(email: str | None) -> str | None:
    return None if email is None else email.strip().lower()


class SqlUserStore(SqlTeams, SqlSecurityState, SqlUsage):
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    # -- users ----------------------------------------------------------------------------------

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
        email = _normal_email(email)
        self._check_free(conn, username, email, sso_subject)
        # The user's personal entity carries the username; it may already exist when runs were
        # logged under that name before the account was made (then it becomes theirs), but a team
        # of that name is somebody else's.
        existing = self.get_entity(conn, username)
        if existing is not None and self._has_members(conn, username):
            raise Conflict(
                f"the name {username!r} belongs to a team", field="username", hint="choose another username"
            )
        conn.execute(
            insert(self._dialect, entities)
            .values(name=username, created_at=now, kind="user")
            .on_conflict_do_nothing(index_elements=["name"])
        )
        conn.execute(sa.update(entities).where(entities.c.name == username).values(kind="user"))
        entity_id = conn.execute(sa.select(entities.c.id).where(entities.c.name == username)).scalar_one()
        stmt = (
            insert(self._dialect, users)
            .values(
                username=username,
                entity_id=entity_id,
                is_admin=is_admin,
                created_at=now,
                email=email,
                display_name=display_name,
                password_hash=password_hash,
                sso_subject=sso_subject,
                kind="user",
            )
            .on_conflict_do_nothing(index_elements=["username"])
            .returning(users.c.id)
        )
        user_id = conn.execute(stmt).scalar_one_or_none()
        if user_id is None:
            raise Conflict(
                f"user {username!r} already exists", field="username", hint="choose another username"
            )
        conn.execute(
            sa.insert(memberships).values(entity_id=entity_id, user_id=user_id, role="admin", created_at=now)
        )
        return User(
            id=int(user_id),
            username=username,
            entity=username,
            is_admin=is_admin,
            email=email,
            display_name=display_name,
        )

    def create_service_account(self, conn: Connection, team: str, username: str, *, now: float) -> User:
        entity = self.get_entity(conn, team)
        if entity is None or entity.kind != "team":
            raise NotFound(f"team {team!r} not found", field="team", hint="create the team first")
        self._check_free(conn, username, None, None)
        entity_id = conn.execute(sa.select(entities.c.id).where(entities.c.name == team)).scalar_one()
        user_id = conn.execute(
            sa.insert(users)
            .values(username=username, entity_id=entity_id, is_admin=False, created_at=now, kind="service")
            .returning(users.c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(memberships).values(entity_id=entity_id, user_id=user_id, role="member", created_at=now)
        )
        return User(id=int(user_id), username=username, entity=team, is_admin=False, kind="service")

    def _check_free(
        self, conn: Connection, username: str, email: str | None, sso_subject: str | None
    ) -> None:
        if self.get_user(conn, username) is not None:
            raise Conflict(
                f"user {username!r} already exists", field="username", hint="choose another username"
            )
        if email is not None and self.get_user_by_email(conn, email) is not None:
            raise Conflict(
                f"a user with the email {email!r} already exists", field="email", hint="use another email"
            )
        if sso_subject is not None and self.get_user_by_sso_subject(conn, sso_subject) is not None:
            raise Conflict("a user with this SSO identity already exists", field="sso_subject")

    def _one(self, conn: Connection, where: sa.ColumnElement[bool]) -> User | None:
        row = conn.execute(select_users().where(where)).first()
        return None if row is None else user_from_row(row)

    def get_user(self, conn: Connection, username: str) -> User | None:
        return self._one(conn, users.c.username == username)

    def get_user_by_id(self, conn: Connection, user_id: int) -> User | None:
        return self._one(conn, users.c.id == user_id)

    def get_user_by_email(self, conn: Connection, email: str) -> User | None:
        return self._one(conn, users.c.email == _normal_email(email))

    def get_user_by_sso_subject(self, conn: Connection, sso_subject: str) -> User | None:
        return self._one(conn, users.c.sso_subject == sso_subject)

    def list_users(self, conn: Connection, *, include_service: bool = False) -> list[User]:
        stmt = select_users().order_by(users.c.username)
        if not include_service:
            stmt = stmt.where(users.c.kind == "user")
        return [user_from_row(row) for row in conn.execute(stmt)]

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
        values: dict[str, Any] = {}
        if is_admin is not None:
            values["is_admin"] = is_admin
        if disabled is not None:
            values["disabled"] = disabled
        if email is not None:
            other = self.get_user_by_email(conn, email)
            if other is not None and other.id != user_id:
                raise Conflict(f"a user with the email {email!r} already exists", field="email")
            values["email"] = _normal_email(email)
        if display_name is not None:
            values["display_name"] = display_name
        if sso_subject is not None:
            values["sso_subject"] = sso_subject
        if values:
            conn.execute(sa.update(users).where(users.c.id == user_id).values(**values))
        user = self.get_user_by_id(conn, user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found", field="user_id")
        return user

    def password_hash(self, conn: Connection, user_id: int) -> str | None:
        return conn.execute(
            sa.select(users.c.password_hash).where(users.c.id == user_id)
        ).scalar_one_or_none()

    def set_password_hash(self, conn: Connection, user_id: int, password_hash: str | None) -> None:
        conn.execute(sa.update(users).where(users.c.id == user_id).values(password_hash=password_hash))

    def delete_user(self, conn: Connection, user_id: int) -> None:
        # Keys and memberships go by ON DELETE CASCADE on PostgreSQL; deleted explicitly so SQLite
        # connections without foreign-key enforcement agree.
        conn.execute(sa.delete(api_keys).where(api_keys.c.user_id == user_id))
        conn.execute(sa.delete(memberships).where(memberships.c.user_id == user_id))
        conn.execute(sa.delete(users).where(users.c.id == user_id))

    def count_users(self, conn: Connection) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())

    # -- API keys -------------------------------------------------------------------------------

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
        if len(key_hash) != 64 or not _SHA256_HEX.issuperset(key_hash):
            # Guards against storing a raw key by mistake; the value is not echoed back.
            raise InvalidArgument(
                "key_hash must be the 64-character lowercase hex sha256 of the key",
                field="key_hash",
                hint="pass hashlib.sha256(key.encode()).hexdigest(), never the key itself",
            )
        stmt = (
            sa.insert(api_keys)
            .values(user_id=user_id, key_hash=key_hash, name=name, created_at=now, key_prefix=key_prefix)
            .returning(api_keys.c.id)
        )
        return int(conn.execute(stmt).scalar_one())

    def user_for_key_hash(self, conn: Connection, key_hash: str, now: float) -> User | None:
        stmt = (
            sa.select(*USER_COLUMNS, api_keys.c.id.label("key_id"), api_keys.c.last_used_at)
            .select_from(api_keys)
            .join(users, users.c.id == api_keys.c.user_id)
            .join(entities, entities.c.id == users.c.entity_id)
            .where(
                api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None), users.c.disabled.is_(False)
            )
        )
        row = conn.execute(stmt).first()
        if row is None:
            return None
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION_S:
            conn.execute(sa.update(api_keys).where(api_keys.c.id == row.key_id).values(last_used_at=now))
        return user_from_row(row)

    def list_api_keys(self, conn: Connection, user_id: int) -> list[StoredKey]:
        stmt = sa.select(api_keys).where(api_keys.c.user_id == user_id).order_by(api_keys.c.id)
        return [_stored_key(row) for row in conn.execute(stmt)]

    def get_api_key(self, conn: Connection, key_id: int) -> StoredKey | None:
        row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
        return None if row is None else _stored_key(row)

    def revoke_api_key(self, conn: Connection, key_id: int, now: float) -> bool:
        stmt = (
            sa.update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return conn.execute(stmt).rowcount > 0

    def key_id_for_hash(self, conn: Connection, key_hash: str) -> tuple[int, int] | None:
        row = conn.execute(
            sa.select(api_keys.c.id, api_keys.c.user_id).where(api_keys.c.key_hash == key_hash)
        ).first()
        return None if row is None else (int(row.id), int(row.user_id))
