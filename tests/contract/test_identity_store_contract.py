"""Contract of ``UserStore``'s identity parts on every SQL backend (issue 14, docs/adr/0003):
people and service accounts, teams and roles, project visibility, key lists and revocation, the
nonces and token buckets several server processes share, and the audit log."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.schema.runs import RunUpsert
from trackwell.store.base import FileEntry, RunChanges, RunKey
from trackwell.store.sql.database import SqlDatabase
from trackwell.store.sql.tables import api_keys


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- users ------------------------------------------------------------------------------------


def test_a_user_has_an_email_found_case_insensitively_and_a_personal_entity(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(
            conn, "ada", is_admin=False, now=1.0, email=" Ada@Example.COM ", display_name="Ada L."
        )
    assert (ada.email, ada.display_name, ada.kind, ada.disabled) == (
        "ada@example.com",
        "Ada L.",
        "user",
        False,
    )
    with db.read() as conn:
        assert db.users.get_user_by_email(conn, "ADA@example.com") == ada
        assert db.users.get_user_by_id(conn, ada.id) == ada
        assert db.users.get_entity(conn, "ada").kind == "user"  # type: ignore[union-attr]
        assert db.users.roles_of(conn, ada.id) == {"ada": "admin"}


def test_an_email_or_sso_subject_is_taken_once(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_user(conn, "ada", is_admin=False, now=1.0, email="a@x.org", sso_subject="iss|1")
    with pytest.raises(Conflict) as email, db.begin() as conn:
        db.users.create_user(conn, "bob", is_admin=False, now=2.0, email="A@X.org")
    assert email.value.field == "email"
    with pytest.raises(Conflict) as subject, db.begin() as conn:
        db.users.create_user(conn, "bob", is_admin=False, now=2.0, sso_subject="iss|1")
    assert subject.value.field == "sso_subject"
    with db.read() as conn:
        assert db.users.get_user_by_sso_subject(conn, "iss|1").username == "ada"  # type: ignore[union-attr]
        assert db.users.get_user(conn, "bob") is None


def test_a_username_that_names_a_team_with_members_is_refused(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.create_team(conn, "vision", now=1.0)
        db.users.set_role(conn, "vision", ada.id, "admin", now=1.0)
    with pytest.raises(Conflict) as info, db.begin() as conn:
        db.users.create_user(conn, "vision", is_admin=False, now=2.0)
    assert info.value.field == "username"
    with db.read() as conn:
        assert db.users.get_entity(conn, "vision").kind == "team"  # type: ignore[union-attr]


def test_update_user_changes_only_given_fields(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0, email="a@x.org", display_name="A")
        db.users.create_user(conn, "bob", is_admin=False, now=1.0, email="b@x.org")
        changed = db.users.update_user(conn, ada.id, is_admin=True, disabled=True)
        assert (changed.is_admin, changed.disabled, changed.email, changed.display_name) == (
            True,
            True,
            "a@x.org",
            "A",
        )
        assert db.users.update_user(conn, ada.id, email="New@X.org").email == "new@x.org"
        with pytest.raises(Conflict):
            db.users.update_user(conn, ada.id, email="B@x.org")
        with pytest.raises(NotFound):
            db.users.update_user(conn, 999_999, disabled=False)


def test_list_users_leaves_service_accounts_out_unless_asked(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_user(conn, "bob", is_admin=False, now=1.0)
        db.users.create_user(conn, "ada", is_admin=True, now=1.0)
        db.users.create_team(conn, "vision", now=1.0)
        bot = db.users.create_service_account(conn, "vision", "vision-ci", now=2.0)
    assert (bot.kind, bot.entity, bot.is_admin) == ("service", "vision", False)
    with db.read() as conn:
        assert [u.username for u in db.users.list_users(conn)] == ["ada", "bob"]
        everyone = db.users.list_users(conn, include_service=True)
        assert [u.username for u in everyone] == ["ada", "bob", "vision-ci"]
        assert db.users.roles_of(conn, bot.id) == {"vision": "member"}
        assert db.users.get_user(conn, "vision-ci") == bot


def test_a_service_account_needs_an_existing_team(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        for team in ("nope", "ada"):  # missing, and a personal entity
            with pytest.raises(NotFound):
                db.users.create_service_account(conn, team, "bot-" + team, now=1.0)


def test_password_hash_is_stored_and_cleared(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0, password_hash="$argon2id$x")
        assert db.users.password_hash(conn, ada.id) == "$argon2id$x"
        db.users.set_password_hash(conn, ada.id, None)
        assert db.users.password_hash(conn, ada.id) is None


def test_deleting_a_user_removes_keys_and_memberships_and_keeps_runs(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.create_team(conn, "vision", now=1.0)
        db.users.set_role(conn, "vision", ada.id, "member", now=1.0)
        db.users.add_api_key(conn, ada.id, _hash("k"), "laptop", 1.0)
        db.runs.create_run(conn, RunKey("ada", "p", "r1"), RunUpsert(session_id="s"), 1.0)
    with db.begin() as conn:
        db.users.delete_user(conn, ada.id)
    with db.read() as conn:
        assert db.users.get_user(conn, "ada") is None
        assert db.users.members(conn, "vision") == []
        assert conn.execute(sa.select(sa.func.count()).select_from(api_keys)).scalar_one() == 0
        assert [p.name for p in db.runs.list_projects(conn, "ada", None)] == ["p"]


# --- teams and roles --------------------------------------------------------------------------


def test_teams_roles_and_members(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        bob = db.users.create_user(conn, "bob", is_admin=False, now=1.0)
        team = db.users.create_team(conn, "vision", now=5.0)
        db.users.set_role(conn, "vision", ada.id, "admin", now=6.0)
        db.users.set_role(conn, "vision", bob.id, "viewer", now=7.0)
        db.users.set_role(conn, "vision", bob.id, "member", now=8.0)  # a change, not a second row
    assert (team.name, team.kind, team.created_at) == ("vision", "team", 5.0)
    with db.read() as conn:
        members = db.users.members(conn, "vision")
        assert [(m.user.username, m.role, m.since) for m in members] == [
            ("ada", "admin", 6.0),
            ("bob", "member", 7.0),
        ]
        assert db.users.roles_of(conn, bob.id) == {"bob": "admin", "vision": "member"}
        assert [e.name for e in db.users.list_entities(conn, "team")] == ["vision"]
        assert [e.name for e in db.users.list_entities(conn)] == ["ada", "bob", "vision"]
    with db.begin() as conn:
        assert db.users.remove_member(conn, "vision", bob.id) is True
        assert db.users.remove_member(conn, "vision", bob.id) is False
        assert db.users.roles_of(conn, bob.id) == {"bob": "admin"}


def test_team_names_are_unique_across_entities(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.create_team(conn, "vision", now=1.0)
        for name in ("ada", "vision"):
            with pytest.raises(Conflict):
                db.users.create_team(conn, name, now=2.0)


def test_roles_are_checked_and_entities_must_exist(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.create_team(conn, "vision", now=1.0)
        with pytest.raises(InvalidArgument) as bad_role:
            db.users.set_role(conn, "vision", ada.id, "owner", now=1.0)  # type: ignore[arg-type]
        assert bad_role.value.field == "role"
        with pytest.raises(NotFound):
            db.users.set_role(conn, "nope", ada.id, "member", now=1.0)
        with pytest.raises(NotFound):
            db.users.remove_member(conn, "nope", ada.id)
        assert db.users.members(conn, "nope") == []


# --- project visibility -----------------------------------------------------------------------


def test_project_visibility_defaults_and_changes(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_team(conn, "vision", now=1.0)
        db.runs.create_run(conn, RunKey("vision", "p", "r1"), RunUpsert(session_id="s"), 1.0)
    with db.begin() as conn:
        assert db.users.project_visibility(conn, "vision", "p") == "team"
        assert db.users.project_visibility(conn, "vision", "missing") is None
        db.users.set_project_visibility(conn, "vision", "p", "public")
        assert db.users.project_visibility(conn, "vision", "p") == "public"
        with pytest.raises(InvalidArgument):
            db.users.set_project_visibility(conn, "vision", "p", "secret")  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            db.users.set_project_visibility(conn, "vision", "missing", "team")


# --- API keys ---------------------------------------------------------------------------------


def test_keys_are_listed_with_prefix_and_revoked_by_id(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        first = db.users.add_api_key(conn, ada.id, _hash("k1"), "laptop", 10.0, key_prefix="tw-AbCd")
        second = db.users.add_api_key(conn, ada.id, _hash("k2"), "ci", 11.0, key_prefix="tw-XyZ0")
        db.users.user_for_key_hash(conn, _hash("k2"), now=100.0)
    with db.begin() as conn:
        listed = db.users.list_api_keys(conn, ada.id)
        assert [(k.id, k.name, k.key_prefix, k.created_at, k.last_used_at, k.revoked_at) for k in listed] == [
            (first, "laptop", "tw-AbCd", 10.0, None, None),
            (second, "ci", "tw-XyZ0", 11.0, 100.0, None),
        ]
        assert db.users.key_id_for_hash(conn, _hash("k2")) == (second, ada.id)
        assert db.users.key_id_for_hash(conn, _hash("nope")) is None
        assert db.users.revoke_api_key(conn, second, now=200.0) is True
        assert db.users.revoke_api_key(conn, second, now=300.0) is False  # already revoked
        assert db.users.user_for_key_hash(conn, _hash("k2"), now=201.0) is None
        assert db.users.user_for_key_hash(conn, _hash("k1"), now=201.0) == ada
        assert db.users.list_api_keys(conn, ada.id)[1].revoked_at == 200.0
        assert db.users.key_id_for_hash(conn, _hash("k2")) == (second, ada.id)  # revoked, still found


def test_a_disabled_users_keys_stop_working_and_work_again_when_enabled(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        db.users.add_api_key(conn, ada.id, _hash("k"), "laptop", 1.0)
        db.users.update_user(conn, ada.id, disabled=True)
        assert db.users.user_for_key_hash(conn, _hash("k"), now=2.0) is None
        db.users.update_user(conn, ada.id, disabled=False)
        assert db.users.user_for_key_hash(conn, _hash("k"), now=3.0) == ada


def test_a_service_accounts_key_answers_with_its_team_as_entity(db: SqlDatabase) -> None:
    with db.begin() as conn:
        db.users.create_team(conn, "vision", now=1.0)
        bot = db.users.create_service_account(conn, "vision", "vision-ci", now=1.0)
        db.users.add_api_key(conn, bot.id, _hash("k"), "ci", 1.0, key_prefix="tw-ci00")
        assert db.users.user_for_key_hash(conn, _hash("k"), now=2.0) == bot


# --- nonces, token buckets --------------------------------------------------------------------


def test_a_nonce_is_used_once_and_purged_after_it_expires(db: SqlDatabase) -> None:
    with db.begin() as conn:
        assert db.users.has_nonce(conn, "n1") is False
        assert db.users.add_nonce(conn, "n1", "invite", expires_at=100.0) is True
        assert db.users.add_nonce(conn, "n1", "invite", expires_at=100.0) is False
        assert db.users.add_nonce(conn, "n2", "logout", expires_at=300.0) is True
        assert db.users.has_nonce(conn, "n1") is True
    with db.begin() as conn:
        assert db.users.purge_nonces(conn, now=200.0) == 1
        assert (db.users.has_nonce(conn, "n1"), db.users.has_nonce(conn, "n2")) == (False, True)


def test_token_bucket_empties_refills_with_time_and_keeps_buckets_apart(db: SqlDatabase) -> None:
    def take(bucket: str, now: float) -> bool:
        with db.begin() as conn:
            return db.users.take_token(conn, bucket, capacity=3, per_second=0.5, now=now)

    assert [take("ip:1", 10.0) for _ in range(4)] == [True, True, True, False]
    assert take("ip:2", 10.0) is True  # another bucket is full
    assert take("ip:1", 11.0) is False  # half a token back after 1 s
    assert take("ip:1", 12.0) is True  # a whole one after 2 s
    assert take("ip:1", 12.0) is False
    assert [take("ip:1", 1000.0) for _ in range(4)] == [True, True, True, False]  # never above capacity


def test_a_refused_take_does_not_spend_the_refill(db: SqlDatabase) -> None:
    def take(now: float) -> bool:
        with db.begin() as conn:
            return db.users.take_token(conn, "acct:ada", capacity=1, per_second=0.1, now=now)

    assert take(0.0) is True
    assert [take(t) for t in (2.0, 4.0, 6.0, 8.0)] == [False] * 4  # refused tries cost nothing
    assert take(10.0) is True  # 10 s at 0.1/s: one token, as if nobody had tried in between


def test_a_clock_going_back_does_not_mint_tokens(db: SqlDatabase) -> None:
    with db.begin() as conn:
        assert db.users.take_token(conn, "b", capacity=1, per_second=1.0, now=100.0) is True
        assert db.users.take_token(conn, "b", capacity=1, per_second=1.0, now=50.0) is False
        assert db.users.take_token(conn, "b", capacity=1, per_second=1.0, now=100.5) is False


# --- audit log --------------------------------------------------------------------------------


def test_audit_events_page_newest_first_and_filter_by_action(db: SqlDatabase) -> None:
    with db.begin() as conn:
        for i in range(5):
            db.users.add_audit_event(
                conn,
                at=float(i),
                actor="ada",
                action="key.create" if i % 2 == 0 else "login",
                target=f"user:{i}",
                outcome="ok",
                ip="127.0.0.1",
                detail={"key_id": i, "nested": {"ü": [1, 2]}} if i == 4 else None,
            )
    with db.read() as conn:
        first = db.users.audit_events(conn, limit=2)
        assert [e.target for e in first] == ["user:4", "user:3"]
        assert first[0].detail == {"key_id": 4, "nested": {"ü": [1, 2]}}
        assert (first[0].actor, first[0].outcome, first[0].ip, first[0].at) == ("ada", "ok", "127.0.0.1", 4.0)
        page = db.users.audit_events(conn, limit=2, before_id=first[-1].id)
        assert [e.target for e in page] == ["user:2", "user:1"]
        rest = db.users.audit_events(conn, limit=10, before_id=page[-1].id)
        assert [e.target for e in rest] == ["user:0"]
        keys = db.users.audit_events(conn, limit=10, action="key.create")
        assert [e.target for e in keys] == ["user:4", "user:2", "user:0"]
        older = db.users.audit_events(conn, limit=10, action="key.create", before_id=keys[0].id)
        assert [e.target for e in older] == ["user:2", "user:0"]


# --- storage usage ----------------------------------------------------------------------------


def test_storage_usage_sums_runs_files_and_history_per_project_largest_first(db: SqlDatabase) -> None:
    with db.begin() as conn:
        small = db.runs.create_run(conn, RunKey("team", "small", "r1"), RunUpsert(session_id="s"), 1.0)
        big1 = db.runs.create_run(conn, RunKey("team", "big", "r1"), RunUpsert(session_id="s"), 1.0)
        big2 = db.runs.create_run(conn, RunKey("team", "big", "r2"), RunUpsert(session_id="s"), 1.0)
        db.runs.create_run(conn, RunKey("other", "empty", "r1"), RunUpsert(session_id="s"), 1.0)
        db.files.put_file(conn, small.pk, FileEntry("a.txt", "0" * 64, 10, 1.0))
        db.files.put_file(conn, big1.pk, FileEntry("a.bin", "1" * 64, 1000, 1.0))
        db.files.put_file(conn, big2.pk, FileEntry("b.bin", "2" * 64, 500, 1.0))
        db.runs.update_run(conn, big1.pk, RunChanges(history_count=7))
        db.runs.update_run(conn, big2.pk, RunChanges(history_count=3))
    with db.read() as conn:
        usage = db.users.storage_usage(conn)
    assert [
        (u.entity, u.project, u.runs, u.files_bytes, u.artifacts_bytes, u.history_rows) for u in usage
    ] == [
        ("team", "big", 2, 1500, 0, 10),
        ("team", "small", 1, 10, 0, 0),
        ("other", "empty", 1, 0, 0, 0),
    ]


def test_a_key_is_read_back_by_id(db: SqlDatabase) -> None:
    with db.begin() as conn:
        ada = db.users.create_user(conn, "ada", is_admin=False, now=1.0)
        key_id = db.users.add_api_key(conn, ada.id, _hash("k"), "ci", 2.0, key_prefix="tw-Abcd")
        db.users.revoke_api_key(conn, key_id, now=3.0)
        stored = db.users.get_api_key(conn, key_id)
        assert stored is not None
        assert (stored.user_id, stored.name, stored.key_prefix, stored.revoked_at) == (
            ada.id,
            "ci",
            "tw-Abcd",
            3.0,
        )
        assert db.users.get_api_key(conn, key_id + 1000) is None
