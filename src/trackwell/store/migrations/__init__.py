"""Schema migrations (Alembic), shipped inside the package and run programmatically.

``open_database`` upgrades every database to the newest revision when it opens it, so neither the
local server nor an operator ever runs ``alembic`` by hand. The scripts create tables explicitly
(never ``metadata.create_all``), so each revision keeps meaning the same thing as the code moves on;
``tests/contract/test_migrations.py`` checks that the newest revision matches the tables in code.

Run inside one transaction on the given connection: on SQLite that is a ``BEGIN IMMEDIATE`` write
transaction and on PostgreSQL an advisory lock is taken first, so two servers starting at once
migrate one after the other instead of racing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent
# Any constant: identifies "a trackwell migration is running" among PostgreSQL advisory locks.
_PG_MIGRATION_LOCK = 0x7472_6B77


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Bring the schema up to ``revision``, inside the caller's transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
    command.downgrade(alembic_config(connection), revision)
