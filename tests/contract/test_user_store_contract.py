"""Contract of ``UserStore`` on every SQL backend: users, personal entities and hashed API keys."""

from __future__ import annotations

import hashlib
import secrets

import pytest
import sqlalchemy as sa

from trackwell.schema.errors import Conflict, InvalidArgument
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import RunKey, User
from trackwell.store.sql.database import SqlDatabase
from trackwell.store.sql.tables import api_keys


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_create_and_get_users(db: SqlDatabase) -> None:
    with db.begin() as conn:
        assert db.users.count_users(conn) == 0
        ada = db.users.create_user(conn, "ada", is_admin=True, now=1.0)
        bob = db.users.create_user(conn, "bob", is_admin=False, now=2.0)
    assert ada == User(id=ada.id, username="ada", entity="ada", is_admin=True)
    with db.read() as conn:
        assert db.users.get_user(conn, "bob") == bob
        assert db.users.get_user(conn, "carol") is None
        assert db.users.count_users(conn) == 2


def test_a_username_is_taken_once(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_user(conn, "ada", is_admin=False, now=1.0)
    with pytest.raises(Conflict), db.begin() as conn:
        db.users.create_user(conn, "ada", is_admin=True, now=2.0)


def test_a_user_can_take_over_an_entity_that_already_has_runs(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.runs.create_run(conn, RunKey("ada", "p", "r1"), RunUpsert(session_id="s"), 1.0)
        db.users.create_user(conn, "ada", is_admin=False, now=2.0)
    with db.read() as conn:
        assert [p.entity for p in db.runs.list_projects(conn, "ada", None)] == ["ada"]


def test_api_keys_are_looked_up_by_hash(db: SqlDatabase) -> None:
    key = secrets.token_hex(20)
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.add_api_key(conn, ada.id, _hash(key), "laptop", now=1.0)
    with db.begin() as conn:
        assert db.users.user_for_key_hash(conn, _hash(key), now=5.0) == ada
        assert db.users.user_for_key_hash(conn, _hash("wrong"), now=5.0) is None
        stored = conn.execute(sa.select(api_keys)).mappings().one()
    # The database holds the hash only, never the key.
    assert key not in {str(v) for v in stored.values()}
    assert stored["last_used_at"] == 5.0


def test_last_used_is_refreshed_at_most_once_a_minute(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.add_api_key(conn, ada.id, _hash("k"), "ci", now=1.0)
        db.users.user_for_key_hash(conn, _hash("k"), now=100.0)
        db.users.user_for_key_hash(conn, _hash("k"), now=130.0)
        assert conn.execute(sa.select(api_keys.c.last_used_at)).scalar_one() == 100.0
        db.users.user_for_key_hash(conn, _hash("k"), now=200.0)
        assert conn.execute(sa.select(api_keys.c.last_used_at)).scalar_one() == 200.0


def test_revoked_keys_no_longer_authenticate(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.add_api_key(conn, ada.id, _hash("k"), "old", now=1.0)
        conn.execute(sa.update(api_keys).values(revoked_at=2.0))
        assert db.users.user_for_key_hash(conn, _hash("k"), now=3.0) is None


def test_a_raw_key_is_refused_and_not_echoed(db: SqlDatabase) -> None:
    raw = "tw-" + secrets.token_hex(20)
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        with pytest.raises(InvalidArgument) as info:
            db.users.add_api_key(conn, ada.id, raw, "oops", now=1.0)
    assert info.value.field == "key_hash"
    assert raw not in str(info.value) and raw not in repr(info.value.to_body())
