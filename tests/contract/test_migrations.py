"""The shipped migrations build exactly the schema the code declares, on every SQL backend.

If ``test_upgrade_head_matches_the_tables_in_code`` fails, a table in ``trackwell.store.sql`` changed
without a migration. HOW TO FIX: add a revision under ``src/trackwell/store/migrations/versions/``
that makes the listed differences (the diff printed by the test is Alembic's autogenerate output).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from trackwell.store import migrations
from trackwell.store.sql.database import SqlDatabase, open_database
from trackwell.store.sql.metadata import metadata


@pytest.fixture
def bare(db_url: str) -> Iterator[SqlDatabase]:
    db = open_database(db_url, migrate=False)
    try:
        yield db
    finally:
        db.close()


def _drift(db: SqlDatabase) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def _tables(db: SqlDatabase) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_head_matches_the_tables_in_code(bare: SqlDatabase) -> None:
    assert _tables(bare) == set()
    bare.migrate()
    assert _tables(bare) == set(metadata.tables)
    assert _drift(bare) == []
    with bare.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()


def test_downgrade_to_base_and_upgrade_again_round_trips(bare: SqlDatabase) -> None:
    bare.migrate()
    with bare.begin() as conn:
        migrations.downgrade(conn, "base")
    assert _tables(bare) == set()
    bare.migrate()
    assert _drift(bare) == []


def test_opening_a_migrated_database_again_keeps_its_data(db_url: str) -> None:
    first = open_database(db_url)
    with first.begin() as conn:
        first.users.create_user(conn, "ada", is_admin=True, now=1.0)
    first.close()
    second = open_database(db_url)
    try:
        with second.read() as conn:
            assert second.users.count_users(conn) == 1
    finally:
        second.close()


def test_two_servers_opening_a_fresh_database_at_once_both_succeed(db_url: str) -> None:
    opened: list[SqlDatabase] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def open_one() -> None:
        start.wait()
        try:
            opened.append(open_database(db_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for db in opened:
        db.close()
    assert errors == []
    assert len(opened) == 3
