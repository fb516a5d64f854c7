"""Alembic environment: migrate the connection handed over by ``trackwell.store.migrations``.

The target metadata is the shared ``MetaData`` with every table module imported, so comparing
the migrated database with it (autogenerate, the drift test) sees the whole schema.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import trackwell.store.sql.alerts
import trackwell.store.sql.artifacts_tables
import trackwell.store.sql.history_tables
import trackwell.store.sql.sweeps_tables
import trackwell.store.sql.tables  # noqa: F401  (attach the tables to the shared MetaData)
from trackwell.store.sql.metadata import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "trackwell migrations run through trackwell.store.migrations.upgrade(connection), not the alembic CLI"
    )
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: later revisions rebuild tables in "batch" mode.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
