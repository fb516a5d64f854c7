"""API keys of a user: list (prefix, last used), mint (the key shown once) and revoke, by id or by
the key itself (wandb's ``User.delete_api_key(key)``). A key is never logged or audited: events
name the key by its id and prefix."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from trackwell.schema.errors import NotFound
from trackwell.schema.identity import KeyOut, NewKeyOut
from trackwell.service.access import authorize_account
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.auth import AuthService, hash_api_key
from trackwell.service.identity_common import Caller, audited_denial, find_user
from trackwell.store.base import Database, StoredKey

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection


def key_out(key: StoredKey) -> KeyOut:
    return KeyOut(
        id=key.id,
        name=key.name,
        key_prefix=key.key_prefix,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


def _no_key() -> NotFound:
    return NotFound(
        "no such API key among yours", field="key", hint="list your keys with GET /api/v1/users/<you>/keys"
    )


class KeyAdmin:
    def __init__(
        self, db: Database, auth: AuthService, audit: AuditLog, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._auth = auth
        self._audit = audit
        self._clock = clock

    def list(self, caller: Caller, username: str) -> list[KeyOut]:
        with self._db.read() as conn:
            user = find_user(self._db, conn, username)
            authorize_account(caller.principal, user)
            return [key_out(k) for k in self._db.users.list_api_keys(conn, user.id)]

    def create(self, caller: Caller, username: str, description: str | None) -> NewKeyOut:
        name = (description or "").strip() or "api key"
        with self._db.read() as conn:
            user = find_user(self._db, conn, username)
        # Checked before the write transaction: a refusal is audited in a transaction of its own,
        # which on SQLite would wait for the write lock an open transaction holds.
        with audited_denial(self._audit, caller, AuditAction.KEY_CREATE, f"user:{username}"):
            authorize_account(caller.principal, user)
        with self._db.begin() as conn:
            minted = self._auth.mint_key(user.id, name, conn)
            self._audit.record(
                AuditAction.KEY_CREATE,
                actor=caller.name,
                target=f"user:{user.username}",
                ip=caller.ip,
                detail={"key_id": minted.id, "key_prefix": minted.prefix, "name": name},
                conn=conn,
            )
        return NewKeyOut(id=minted.id, name=name, key_prefix=minted.prefix, key=minted.key)

    def revoke_by_id(self, caller: Caller, key_id: int) -> None:
        with self._db.begin() as conn:
            stored = self._db.users.get_api_key(conn, key_id)
            if stored is None:
                raise _no_key()
            self._revoke(caller, conn, stored.id, stored.user_id)
        self._auth.forget_user(stored.user_id)  # after the commit: no request re-caches the old state

    def revoke_by_value(self, caller: Caller, key: str) -> None:
        with self._db.begin() as conn:
            found = self._db.users.key_id_for_hash(conn, hash_api_key(key))
            if found is None:
                raise _no_key()
            self._revoke(caller, conn, *found)
        self._auth.forget_user(found[1])

    def _revoke(self, caller: Caller, conn: Connection, key_id: int, owner_id: int) -> None:
        owner = self._db.users.get_user_by_id(conn, owner_id)
        if owner is None:
            raise _no_key()
        try:
            authorize_account(caller.principal, owner)
        except NotFound:
            raise _no_key() from None  # whose key it is stays unsaid
        stored = self._db.users.get_api_key(conn, key_id)
        revoked = self._db.users.revoke_api_key(conn, key_id, self._clock())
        self._audit.record(
            AuditAction.KEY_REVOKE,
            actor=caller.name,
            target=f"user:{owner.username}",
            ip=caller.ip,
            detail={
                "key_id": key_id,
                "key_prefix": None if stored is None else stored.key_prefix,
                "already_revoked": not revoked,
            },
            conn=conn,
        )
