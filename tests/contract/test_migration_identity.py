"""Migration 0012 (users, teams and roles) on a database of 0011's time, on SQLite and PostgreSQL:
as its docstring says, the entity of each user becomes their personal entity (kind "user") with
them as its admin, entities that runs created without an account become teams, projects of a
personal entity are private and of a team team-visible, existing keys keep working (without a
prefix) and existing runs have no owner."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from trackwell.schema.runs import RunUpsert
from trackwell.store import migrations
from trackwell.store.base import RunKey
from trackwell.store.sql.database import SqlDatabase
from trackwell.store.sql.tables import runs


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_upgrade_from_0011_gives_users_personal_entities_and_runs_entities_teams(db: SqlDatabase) -> None:
    with db.begin() as conn:
        migrations.downgrade(conn, "0011_saved_views")
        # What 0011's server wrote: a user with a key, runs in their entity and in entities that
        # no account owns (today's tests and scripts log to any entity name).
        conn.execute(sa.text("INSERT INTO entities (name, created_at) VALUES ('ada', 1), ('shared', 2)"))
        conn.execute(
            sa.text(
                "INSERT INTO users (username, entity_id, is_admin, created_at) "
                "SELECT 'ada', id, true, 3 FROM entities WHERE name = 'ada'"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO api_keys (user_id, key_hash, name, created_at) "
                "SELECT id, :h, 'local', 3 FROM users WHERE username = 'ada'"
            ),
            {"h": _hash("tw-old")},
        )
        for entity, project in (("ada", "mine"), ("shared", "p")):
            conn.execute(
                sa.text(
                    "INSERT INTO projects (entity_id, name, created_at) "
                    "SELECT id, :p, 4 FROM entities WHERE name = :e"
                ),
                {"e": entity, "p": project},
            )

    db.migrate()

    with db.begin() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        ada = db.users.get_user(conn, "ada")
        assert ada is not None
        assert (ada.kind, ada.email, ada.disabled, ada.is_admin) == ("user", None, False, True)
        assert db.users.get_entity(conn, "ada").kind == "user"  # type: ignore[union-attr]
        assert db.users.get_entity(conn, "shared").kind == "team"  # type: ignore[union-attr]
        assert db.users.roles_of(conn, ada.id) == {"ada": "admin"}
        assert db.users.members(conn, "shared") == []
        assert db.users.project_visibility(conn, "ada", "mine") == "private"
        assert db.users.project_visibility(conn, "shared", "p") == "team"
        assert db.users.user_for_key_hash(conn, _hash("tw-old"), now=10.0) == ada
        assert [k.key_prefix for k in db.users.list_api_keys(conn, ada.id)] == [None]
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    # The new tables work at once, and a run made afterwards has no owner until a service sets it.
    with db.begin() as conn:
        assert db.users.add_nonce(conn, "n", "invite", 1.0) is True
        assert db.users.take_token(conn, "ip", capacity=1, per_second=1, now=1.0) is True
        db.runs.create_run(conn, RunKey("shared", "p", "r1"), RunUpsert(session_id="s"), 5.0)
        assert conn.execute(sa.select(runs.c.owner_id)).scalar_one() is None


def test_downgrade_to_0011_keeps_users_keys_and_runs(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0, email="a@x.org")
        db.users.add_api_key(conn, ada.id, _hash("tw-k"), "laptop", 1.0, key_prefix="tw-k")
        db.runs.create_run(conn, RunKey("ada", "p", "r1"), RunUpsert(session_id="s"), 1.0)
        migrations.downgrade(conn, "0011_saved_views")
    with db.read() as conn:
        count = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("users", "api_keys", "runs", "projects")
        }
    assert count == {"users": 1, "api_keys": 1, "runs": 1, "projects": 1}
    db.migrate()
    with db.begin() as conn:
        assert db.users.user_for_key_hash(conn, _hash("tw-k"), now=2.0) is not None
